import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.networks import selectors, services
from maillage.networks.models import Network, NetworkRole
from maillage.networks.tests.factories import NetworkFactory

Level = Network.Level


@pytest.fixture
def regional(dora):
    return services.create_network(
        by=dora, data=services.NetworkData(name="Tiers-Lieux du Nord", level=Level.REGIONAL)
    )


def test_anyone_logged_in_creates_a_root_network_and_coordinates_it(db):
    author = UserFactory()
    network = services.create_network(
        by=author, data=services.NetworkData(name="Les Tiers-Lieux d'Ici", level=Level.LOCAL)
    )
    assert network.slug == "les-tiers-lieux-dici"
    assert network.parent is None
    assert selectors.is_coordinator(user=author, network=network)
    assert NetworkRole.objects.get(network=network).role == NetworkRole.Role.COORDINATOR


def test_slugs_are_unique_and_avoid_reserved_words(db):
    author = UserFactory()
    first = services.create_network(
        by=author, data=services.NetworkData(name="Nouveau", level=Level.LOCAL)
    )
    second = services.create_network(
        by=author, data=services.NetworkData(name="Nouveau", level=Level.LOCAL)
    )
    assert first.slug == "nouveau-2"
    assert second.slug == "nouveau-3"


def test_coordinator_of_the_parent_creates_a_child_network(regional, dora):
    child = services.create_network(
        by=dora,
        data=services.NetworkData(name="Collectif douaisien", level=Level.LOCAL, parent=regional),
    )
    assert child.parent == regional


def test_a_stranger_cannot_create_a_child_network(regional):
    stranger = UserFactory()
    with pytest.raises(services.NotAllowed, match="coordinateur"):
        services.create_network(
            by=stranger,
            data=services.NetworkData(name="Intrus", level=Level.LOCAL, parent=regional),
        )
    assert not Network.objects.filter(name="Intrus").exists()


def test_an_admin_may_attach_a_child_anywhere(regional, root):
    child = services.create_network(
        by=root, data=services.NetworkData(name="Sous-réseau", level=Level.LOCAL, parent=regional)
    )
    assert child.parent == regional


def test_a_child_must_sit_below_its_parent_level(regional, dora):
    with pytest.raises(services.InvalidHierarchy, match="plus local") as refusal:
        services.create_network(
            by=dora, data=services.NetworkData(name="Égal", level=Level.REGIONAL, parent=regional)
        )
    assert refusal.value.field == "level"
    with pytest.raises(services.InvalidHierarchy):
        services.create_network(
            by=dora,
            data=services.NetworkData(name="Au-dessus", level=Level.NATIONAL, parent=regional),
        )
    assert Network.objects.count() == 2  # network_a and regional


def test_a_network_cannot_become_its_own_ancestor(regional, dora):
    child = services.create_network(
        by=dora, data=services.NetworkData(name="Départ", level=Level.DEPARTMENTAL, parent=regional)
    )
    grandchild = services.create_network(
        by=dora, data=services.NetworkData(name="Local", level=Level.LOCAL, parent=child)
    )
    with pytest.raises(services.InvalidHierarchy, match="lui-même"):
        services.update_network(
            network=regional, by=dora, data=services.NetworkData(parent=grandchild)
        )
    with pytest.raises(services.InvalidHierarchy, match="lui-même"):
        services.update_network(
            network=regional, by=dora, data=services.NetworkData(parent=regional)
        )
    regional.refresh_from_db()
    assert regional.parent is None


def test_lowering_a_level_below_a_child_is_refused(regional, dora):
    services.create_network(
        by=dora, data=services.NetworkData(name="Départ", level=Level.DEPARTMENTAL, parent=regional)
    )
    with pytest.raises(services.InvalidHierarchy, match="sous-réseau"):
        services.update_network(
            network=regional, by=dora, data=services.NetworkData(level=Level.LOCAL)
        )
    regional.refresh_from_db()
    assert regional.level == Level.REGIONAL


def test_coordinator_of_a_parent_manages_its_descendants(regional, dora, root):
    child = services.create_network(
        by=root, data=services.NetworkData(name="Enfant", level=Level.LOCAL, parent=regional)
    )
    assert not child.roles.filter(user=dora).exists()
    assert selectors.is_coordinator(user=dora, network=child)
    services.update_network(
        network=child, by=dora, data=services.NetworkData(summary="Géré depuis le parent")
    )
    child.refresh_from_db()
    assert child.summary == "Géré depuis le parent"


def test_attaching_to_a_parent_requires_coordinating_it(regional):
    other = UserFactory()
    orphan = services.create_network(
        by=other, data=services.NetworkData(name="Orphelin", level=Level.LOCAL)
    )
    with pytest.raises(services.NotAllowed, match="Tiers-Lieux du Nord"):
        services.update_network(
            network=orphan, by=other, data=services.NetworkData(parent=regional)
        )
    orphan.refresh_from_db()
    assert orphan.parent is None


def test_coordinator_sees_descendants_in_the_networks_they_coordinate(dora, network_a, erin):
    child = NetworkFactory(parent=network_a, level=Level.DEPARTMENTAL)
    grandchild = NetworkFactory(parent=child, level=Level.LOCAL)
    coordinated = set(selectors.networks_coordinated_by(user=dora))
    assert coordinated == {network_a, child, grandchild}
    assert selectors.is_coordinator(user=dora, network=grandchild)
    assert not selectors.is_coordinator(user=erin, network=grandchild)


def test_only_coordinators_edit_a_network(network_a, dora, erin):
    with pytest.raises(services.NotAllowed):
        services.update_network(
            network=network_a, by=erin, data=services.NetworkData(name="Pris par Erin")
        )
    services.update_network(
        network=network_a, by=dora, data=services.NetworkData(summary="Le réseau du Douaisis")
    )
    network_a.refresh_from_db()
    assert network_a.name == "Réseau A"
    assert network_a.summary == "Le réseau du Douaisis"


def test_get_network_for_coordinator_refuses_others(network_a, dora, erin):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert selectors.get_network_for_coordinator(user=dora, slug="reseau-a") == network_a
    with pytest.raises(PermissionDenied):
        selectors.get_network_for_coordinator(user=erin, slug="reseau-a")
    with pytest.raises(Http404):
        selectors.get_network_for_coordinator(user=dora, slug="inconnu")
