import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.networks import services
from maillage.networks.models import NetworkRole


def test_a_coordinator_gives_a_role_by_email(network_a, dora):
    guide = UserFactory(email="gaspard@example.org")
    role = services.add_role(
        network=network_a, by=dora, email=" Gaspard@Example.org ", role=NetworkRole.Role.GUIDE
    )
    assert role.user == guide
    assert role.role == NetworkRole.Role.GUIDE


def test_an_unknown_email_is_refused_in_french(network_a, dora):
    with pytest.raises(services.UnknownPerson, match="Aucun compte n'utilise l'adresse"):
        services.add_role(
            network=network_a, by=dora, email="personne@example.org", role=NetworkRole.Role.MEMBER
        )
    assert network_a.roles.count() == 1


def test_the_same_role_twice_is_refused(network_a, dora):
    with pytest.raises(services.DuplicateRole, match="a déjà le rôle"):
        services.add_role(
            network=network_a, by=dora, email=dora.email, role=NetworkRole.Role.COORDINATOR
        )
    assert network_a.roles.count() == 1


def test_a_coordinator_of_another_network_cannot_give_roles(network_a, erin):
    with pytest.raises(services.NotAllowed):
        services.add_role(
            network=network_a, by=erin, email=erin.email, role=NetworkRole.Role.COORDINATOR
        )
    assert not network_a.roles.filter(user=erin).exists()


def test_the_last_coordinator_cannot_be_removed(network_a, dora):
    role = network_a.roles.get(user=dora)
    with pytest.raises(services.LastCoordinator, match="dernière coordinatrice"):
        services.remove_role(role=role, by=dora)
    assert network_a.roles.filter(pk=role.pk).exists()


def test_a_coordinator_may_step_down_once_someone_else_coordinates(network_a, dora):
    other = UserFactory()
    services.add_role(network=network_a, by=dora, email=other.email, role="coordinator")
    services.remove_role(role=network_a.roles.get(user=dora), by=dora)
    assert list(network_a.roles.values_list("user", flat=True)) == [other.pk]


def test_other_roles_can_always_be_removed(network_a, dora):
    guide = UserFactory()
    role = services.add_role(network=network_a, by=dora, email=guide.email, role="guide")
    services.remove_role(role=role, by=dora)
    assert not network_a.roles.filter(user=guide).exists()


def test_a_stranger_cannot_remove_roles(network_a, dora, erin):
    with pytest.raises(services.NotAllowed):
        services.remove_role(role=network_a.roles.get(user=dora), by=erin)
    assert network_a.roles.filter(user=dora).exists()
