import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.commons import needs
from maillage.commons.tests.factories import CommonsFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole


@pytest.fixture
def gaelle(network_a):
    """Guide (aiguilleuse) of network A."""
    user = UserFactory(email="gaelle@example.org", display_name="Gaëlle")
    NetworkRole.objects.create(network=network_a, user=user, role=NetworkRole.Role.GUIDE)
    return user


@pytest.fixture
def paheko(network_a):
    return CommonsFactory(
        name="Paheko",
        slug="paheko",
        summary="Gestion d'association : adhérents, cotisations, comptabilité.",
        description="Logiciel libre de gestion pour les associations.",
        licence="AGPL-3.0",
        actions=["gerer"],
        domains=["comptabilite"],
        network=network_a,
    )


@pytest.fixture
def both_members(membership, other_place, network_a, charlie):
    """Network A with a second member place, managed by Charlie."""
    Membership.objects.create(
        place=other_place, network=network_a, status=MembershipStatus.ACCEPTED
    )
    return network_a


@pytest.fixture
def need(place, network_a, alice, membership):
    return needs.post_need(
        place=place,
        network=network_a,
        data=needs.NeedData(title="Suivre les adhésions sans tableur", domain="comptabilite"),
        by=alice,
    )
