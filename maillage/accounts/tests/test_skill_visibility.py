"""Who sees which skill: public to all, network to people sharing a network, private to oneself."""

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.accounts.models import Visibility
from maillage.accounts.tests.factories import SkillFactory, UserFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.selectors import shares_network
from maillage.people.selectors import visible_skills
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory

# Bob is a member of La Bobine, accepted in network A. Dora coordinates network A (shares a
# network with Bob); Charlie manages a place in no network and Erin coordinates network B
# (strangers); Root is an admin.
EXPECTED = {
    # viewer: (public, network, private)
    "anonymous": (True, False, False),
    "bob": (True, True, True),
    "dora": (True, True, False),
    "alice": (True, True, False),
    "charlie": (True, False, False),
    "erin": (True, False, False),
    "root": (True, True, True),
}


@pytest.mark.parametrize("viewer_name", list(EXPECTED))
@pytest.mark.parametrize(
    ("visibility", "index"),
    [(Visibility.PUBLIC, 0), (Visibility.NETWORK, 1), (Visibility.PRIVATE, 2)],
)
def test_skill_visibility_matrix(request, persona_client, bob, viewer_name, visibility, index):
    skill = SkillFactory(user=bob, visibility=visibility)
    viewer = AnonymousUser() if viewer_name == "anonymous" else request.getfixturevalue(viewer_name)

    visible = visible_skills(viewer=viewer, person=bob).filter(pk=skill.pk).exists()

    assert visible is EXPECTED[viewer_name][index]


@pytest.mark.parametrize("viewer_name", list(EXPECTED))
@pytest.mark.parametrize(
    ("visibility", "index"),
    [(Visibility.PUBLIC, 0), (Visibility.NETWORK, 1), (Visibility.PRIVATE, 2)],
)
def test_person_page_shows_exactly_the_visible_skills(
    persona_client, bob, viewer_name, visibility, index
):
    SkillFactory(user=bob, name="Soudure à l'arc", visibility=visibility)

    html = persona_client(viewer_name).get(bob.get_absolute_url()).content.decode()

    assert ("Soudure à l&#x27;arc" in html) is EXPECTED[viewer_name][index]


def test_two_coordinators_of_the_same_network_share_it(network_a):
    a, b = UserFactory(), UserFactory()
    NetworkRole.objects.create(network=network_a, user=a, role=NetworkRole.Role.COORDINATOR)
    NetworkRole.objects.create(network=network_a, user=b, role=NetworkRole.Role.MEMBER)
    assert shares_network(a, b)
    assert shares_network(b, a)


def test_a_network_role_and_a_role_in_an_accepted_place_share_the_network(membership, dora, bob):
    assert shares_network(dora, bob)
    assert shares_network(bob, dora)


def test_people_of_two_places_accepted_in_the_same_network_share_it(membership, bob, network_a):
    other = PlaceFactory()
    Membership.objects.create(network=network_a, place=other, status=MembershipStatus.ACCEPTED)
    neighbour = UserFactory()
    PlaceRole.objects.create(place=other, user=neighbour, role=PlaceRole.Role.MEMBER)
    assert shares_network(bob, neighbour)


@pytest.mark.parametrize(
    "status",
    [
        MembershipStatus.APPLIED,
        MembershipStatus.IN_REVIEW,
        MembershipStatus.SUSPENDED,
        MembershipStatus.REFUSED,
        MembershipStatus.LEFT,
    ],
)
def test_a_place_not_accepted_in_the_network_does_not_share_it(network_a, dora, status):
    pending = PlaceFactory()
    Membership.objects.create(network=network_a, place=pending, status=status)
    manager = UserFactory()
    PlaceRole.objects.create(place=pending, user=manager, role=PlaceRole.Role.MANAGER)
    assert not shares_network(dora, manager)


def test_coordinators_of_different_networks_do_not_share_one(dora, erin):
    assert not shares_network(dora, erin)


def test_anonymous_shares_no_network(dora):
    assert not shares_network(AnonymousUser(), dora)
    assert not shares_network(dora, AnonymousUser())


def test_shares_network_takes_one_query(membership, dora, bob, django_assert_num_queries):
    with django_assert_num_queries(1):
        shares_network(dora, bob)


def test_visible_skills_takes_at_most_two_queries(
    membership, dora, bob, django_assert_max_num_queries
):
    SkillFactory.create_batch(5, user=bob, visibility=Visibility.NETWORK)
    with django_assert_max_num_queries(2):
        assert len(visible_skills(viewer=dora, person=bob)) == 5
