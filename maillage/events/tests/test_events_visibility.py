"""Who sees an event depends on its audience and status; organisers are a smaller set."""

import pytest

from maillage.circles.tests import conftest as circle_fixtures
from maillage.conftest import PERSONAS
from maillage.events.models import Audience, Event, Registration
from maillage.events.selectors import can_organise, can_see_event, visible_events
from maillage.events.tests.factories import EventFactory, OccurrenceFactory


@pytest.fixture
def people(request, membership, alice, bob, charlie, dora, erin, root):
    def get(name):
        if name == "anonymous":
            from django.contrib.auth.models import AnonymousUser

            return AnonymousUser()
        return request.getfixturevalue(name)

    return get


def check(event, people, expected):
    for name, allowed in expected.items():
        user = people(name)
        assert can_see_event(user, event) is allowed, name
        assert visible_events(user).filter(pk=event.pk).exists() is allowed, name


# The circle personas (Bob participant, Gaston soucieux, Hugo in another circle).
circle = circle_fixtures.circle
other_circle = circle_fixtures.other_circle
participant = circle_fixtures.participant
steward = circle_fixtures.steward
other_circle_member = circle_fixtures.other_circle_member

VISIBLE_TO_ALL = dict.fromkeys(PERSONAS, True)


@pytest.mark.django_db
def test_public_event_is_seen_by_everyone(people, network_a):
    check(EventFactory(network=network_a, audience=Audience.PUBLIC), people, VISIBLE_TO_ALL)


@pytest.mark.django_db
def test_network_event_is_seen_by_the_network_people_and_coordinators(people, network_a):
    event = EventFactory(network=network_a, audience=Audience.NETWORK)
    expected = dict(zip(PERSONAS, [False, True, False, True, False, True, True], strict=True))
    check(event, people, expected)


@pytest.mark.django_db
def test_place_event_for_network_members_reaches_its_accepted_networks(people, place):
    event = EventFactory(network=None, place=place, audience=Audience.NETWORK)
    expected = dict(zip(PERSONAS, [False, True, False, True, False, True, True], strict=True))
    check(event, people, expected)


@pytest.mark.django_db
def test_circle_event_is_seen_by_current_members_and_coordinators(
    people, circle, participant, steward, other_circle_member
):
    event = EventFactory(network=None, circle=circle, audience=Audience.CIRCLE)
    # Bob is a participant of the circle; Alice is not, though her place is in the network.
    expected = dict(zip(PERSONAS, [False, True, False, False, False, True, True], strict=True))
    check(event, people, expected)
    assert can_see_event(steward, event)
    assert not can_see_event(other_circle_member, event)


@pytest.mark.django_db
def test_invited_event_is_seen_by_organisers_and_registered_people(people, network_b, bob, charlie):
    event = EventFactory(network=network_b, audience=Audience.INVITED)
    event.organisers.add(charlie)
    occurrence = OccurrenceFactory(event=event)
    Registration.objects.create(occurrence=occurrence, user=bob, status="confirmed")
    # Erin coordinates network B, so she organises it; Dora does not see it.
    expected = dict(zip(PERSONAS, [False, True, True, False, True, False, True], strict=True))
    check(event, people, expected)


@pytest.mark.django_db
def test_cancelled_registration_no_longer_opens_an_invited_event(people, network_b, bob):
    event = EventFactory(network=network_b, audience=Audience.INVITED)
    occurrence = OccurrenceFactory(event=event)
    Registration.objects.create(occurrence=occurrence, user=bob, status="cancelled")
    assert not can_see_event(bob, event)


@pytest.mark.django_db
def test_draft_is_seen_by_its_organisers_only(people, network_a, bob):
    event = EventFactory(network=network_a, audience=Audience.PUBLIC, status=Event.Status.DRAFT)
    event.organisers.add(bob)
    expected = dict(zip(PERSONAS, [False, True, False, False, False, True, True], strict=True))
    check(event, people, expected)


@pytest.mark.django_db
def test_organisers_by_owner(people, network_a, place, circle, steward, participant):
    network_event = EventFactory(network=network_a)
    place_event = EventFactory(network=None, place=place)
    circle_event = EventFactory(network=None, circle=circle)
    organise = {
        network_event: ["dora", "root"],
        place_event: ["alice", "root"],
        circle_event: ["dora", "root"],
    }
    for event, allowed in organise.items():
        for name in PERSONAS:
            assert can_organise(people(name), event) is (name in allowed), (event, name)
    assert can_organise(steward, circle_event)
    assert not can_organise(participant, circle_event)
