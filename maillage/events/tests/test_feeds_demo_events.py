"""The demo's animations: built through the services, idempotent, and valid in the regional
network's feed (the café repeats on first Tuesdays)."""

import icalendar
import pytest
from django.urls import reverse

from maillage.demo.events import CAFE_TITLE, load_demo_events
from maillage.demo.selectors import REGIONAL_SLUG
from maillage.demo.services import load_demo
from maillage.demo.tests.conftest import census_csv, demo_communes  # noqa: F401 (fixtures)
from maillage.events.models import Event, EventKind, Registration, TourStop
from maillage.places.audiences import person_in_audience


@pytest.fixture
def demo(census_csv, demo_communes):  # noqa: F811
    load_demo(census_path=census_csv, local_networks=2)


def test_demo_animations_are_built_once(demo):
    created = load_demo_events()
    assert created >= 4
    assert load_demo_events() == 0
    assert Event.objects.filter(title=CAFE_TITLE).count() == 1
    cafe = Event.objects.get(title=CAFE_TITLE)
    assert cafe.rrule == "FREQ=MONTHLY;BYDAY=1TU"
    assert cafe.occurrences.count() >= 12
    assert Registration.objects.filter(
        occurrence__event=cafe, status=Registration.Status.CONFIRMED
    ).exists()
    tour = Event.objects.get(kind=EventKind.TOUR)
    stops = TourStop.objects.filter(event=tour)
    assert stops.count() >= 2
    assert all(stop.confirmed_at for stop in stops)
    assert Event.objects.get(kind=EventKind.TRAINING).price_cents == 35_000


def test_the_demo_has_a_meeting_reserved_to_peers_with_peers_registered(demo):
    load_demo_events()
    meeting = Event.objects.exclude(peer_audience="").get()
    registered = [
        r.user
        for r in Registration.objects.filter(occurrence__event=meeting).select_related("user")
    ]
    assert registered
    assert all(person_in_audience(user=user, audience=meeting.peer_audience) for user in registered)


def test_demo_animations_appear_in_the_network_feed_without_links(client, demo):
    load_demo_events()
    response = client.get(reverse("events:feed-network", args=[REGIONAL_SLUG]))
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = {str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")}
    assert CAFE_TITLE in summaries
    assert "visio.demo.maillage.fr" not in response.content.decode()


def test_resetting_the_demo_rebuilds_its_animations(census_csv, demo):  # noqa: F811
    first = load_demo_events()
    load_demo(census_path=census_csv, local_networks=2, reset=True)
    assert not Event.objects.filter(title=CAFE_TITLE).exists()
    assert load_demo_events() == first
    assert Event.objects.filter(title=CAFE_TITLE).count() == 1
