"""Shared fixtures: the personas every permission test speaks about.

Alice manages "La Bobine" (a place of network A, where Dora coordinates); Bob is a member of
La Bobine; Charlie manages "Le Hangar", another place; Erin coordinates network B; Root is admin.
"""

import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory


@pytest.fixture(autouse=True)
def french_by_default():
    """Start every test in French: a request in English leaves English active in the thread."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture
def commune(db):
    return CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )


@pytest.fixture
def network_a(db):
    return NetworkFactory(name="Réseau A", slug="reseau-a")


@pytest.fixture
def network_b(db):
    return NetworkFactory(name="Réseau B", slug="reseau-b")


@pytest.fixture
def place(db, commune):
    return PlaceFactory(name="La Bobine", slug="la-bobine", commune=commune)


@pytest.fixture
def other_place(db, commune):
    return PlaceFactory(
        name="Le Hangar", slug="le-hangar", commune=commune, latitude=50.30, longitude=3.20
    )


@pytest.fixture
def alice(place):
    """Manager of `place`."""
    user = UserFactory(email="alice@example.org", display_name="Alice")
    PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MANAGER)
    return user


@pytest.fixture
def bob(place):
    """Member (coworker) of `place`."""
    user = UserFactory(email="bob@example.org", display_name="Bob")
    PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MEMBER)
    return user


@pytest.fixture
def charlie(other_place):
    """Manager of another place."""
    user = UserFactory(email="charlie@example.org", display_name="Charlie")
    PlaceRole.objects.create(place=other_place, user=user, role=PlaceRole.Role.MANAGER)
    return user


@pytest.fixture
def dora(network_a):
    """Coordinator of network A."""
    user = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network_a, user=user, role=NetworkRole.Role.COORDINATOR)
    return user


@pytest.fixture
def erin(network_b):
    """Coordinator of network B."""
    user = UserFactory(email="erin@example.org", display_name="Erin")
    NetworkRole.objects.create(network=network_b, user=user, role=NetworkRole.Role.COORDINATOR)
    return user


@pytest.fixture
def root(db):
    return UserFactory(
        email="root@example.org", display_name="Root", is_staff=True, is_superuser=True
    )


@pytest.fixture
def membership(place, network_a, alice, dora):
    """`place` is an accepted member of network A, charter signed by Alice."""
    from django.utils import timezone

    from maillage.networks.models import Membership, MembershipStatus

    now = timezone.now()
    return Membership.objects.create(
        network=network_a,
        place=place,
        status=MembershipStatus.ACCEPTED,
        applied_by=alice,
        charter_accepted_at=now,
        charter_accepted_by=alice,
        charter_text=network_a.charter,
        decided_at=now,
        decided_by=dora,
    )


PERSONAS = ["anonymous", "bob", "charlie", "alice", "erin", "dora", "root"]
"""The permission-matrix personas, in order: anonymous, member of the place, manager of another
place, manager of the place, coordinator of another network, coordinator of the place's network,
admin. Use with the `persona_client` fixture."""


@pytest.fixture
def persona_client(client, request, membership, bob, charlie, erin, root):
    """Return a function persona_name -> test client logged in as that persona."""

    def login_as(name: str):
        client.logout()
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return login_as
