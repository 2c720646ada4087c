"""Circle personas for permission matrices: each URL is checked for every one of them.

`circle` belongs to network A (coordinated by Dora) and has: Bob as participant, Fanny as
contributor, Gaston as soucieux. Hugo is a participant of `other_circle` (same network) only.
"""

import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.circles.models import CircleRole
from maillage.circles.tests.factories import ActionFactory, CircleFactory, CircleMemberFactory

CIRCLE_PERSONAS = [
    "anonymous",
    "participant",
    "contributor",
    "steward",
    "other_circle_member",
    "coordinator",
    "other_coordinator",
    "root",
]
"""Anonymous; Bob (participant); Fanny (contributor); Gaston (soucieux); Hugo (member of another
circle of the same network); Dora (coordinator of the circle's network); Erin (coordinator of
another network); root (admin)."""


@pytest.fixture
def circle(network_a, commune, place):
    circle = CircleFactory(network=network_a, name="Cercle du Douaisis", slug="douaisis")
    circle.communes.add(commune)
    circle.places.add(place)
    return circle


@pytest.fixture
def other_circle(network_a):
    return CircleFactory(network=network_a, name="Cercle de l'Avesnois", slug="avesnois")


@pytest.fixture
def participant(circle, bob):
    CircleMemberFactory(circle=circle, user=bob, role=CircleRole.PARTICIPANT)
    return bob


@pytest.fixture
def contributor(circle, membership):
    user = UserFactory(email="fanny@example.org", display_name="Fanny")
    CircleMemberFactory(circle=circle, user=user, role=CircleRole.CONTRIBUTOR)
    return user


@pytest.fixture
def steward(circle, membership):
    user = UserFactory(email="gaston@example.org", display_name="Gaston")
    CircleMemberFactory(circle=circle, user=user, role=CircleRole.STEWARD)
    return user


@pytest.fixture
def other_circle_member(other_circle):
    user = UserFactory(email="hugo@example.org", display_name="Hugo")
    CircleMemberFactory(circle=other_circle, user=user, role=CircleRole.PARTICIPANT)
    return user


@pytest.fixture
def action(circle, contributor):
    action = ActionFactory(circle=circle, title="Guide des tiers-lieux du Douaisis")
    action.owners.add(contributor)
    return action


@pytest.fixture
def circle_client(
    client,
    request,
    membership,
    participant,
    contributor,
    steward,
    other_circle_member,
    dora,
    erin,
    root,
):
    """Return a function persona_name -> test client logged in as that circle persona."""
    people = {
        "participant": participant,
        "contributor": contributor,
        "steward": steward,
        "other_circle_member": other_circle_member,
        "coordinator": dora,
        "other_coordinator": erin,
        "root": root,
    }

    def login_as(name: str):
        client.logout()
        if name != "anonymous":
            client.force_login(people[name])
        return client

    return login_as
