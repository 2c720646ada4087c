"""Public calendar feeds: valid RFC 5545 that calendar apps expand to our dates, public events
only, never the online link."""

import datetime
import zoneinfo

import icalendar
import pytest
import recurring_ical_events
import time_machine
from django.urls import reverse

from maillage.circles.tests.factories import CircleFactory
from maillage.events.models import Audience, Event, Occurrence
from maillage.events.recurrence import sync_occurrences
from maillage.events.tests.factories import EventFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SECRET_LINK = "https://visio.example.org/secret-room"


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def frozen():
    with time_machine.travel(paris(2026, 1, 1, 8, 0), tick=False):
        yield


@pytest.fixture
def monthly_cafe(network_a, frozen):
    """First Tuesday of every month at 09:00 Paris, across both clock changes of 2026."""
    event = EventFactory(
        network=network_a,
        title="Café virtuel",
        slug="cafe-virtuel",
        starts_at=paris(2026, 1, 6, 9, 0),
        ends_at=paris(2026, 1, 6, 10, 0),
        rrule="FREQ=MONTHLY;BYDAY=1TU;COUNT=12",
        online_url=SECRET_LINK,
    )
    sync_occurrences(event)
    return event


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def expanded_starts(calendar: icalendar.Calendar) -> list[datetime.datetime]:
    found = recurring_ical_events.of(calendar).between(paris(2026, 1, 1), paris(2027, 1, 1))
    return sorted(
        component.decoded("DTSTART")
        for component in found
        if str(component.get("STATUS", "")) != "CANCELLED"
    )


def our_starts(event: Event) -> list[datetime.datetime]:
    return sorted(
        occurrence.starts_at
        for occurrence in Occurrence.objects.filter(event=event, cancelled=False)
    )


def test_network_feed_expands_to_the_same_dates_as_ours_across_daylight_saving(
    client, monthly_cafe
):
    calendar = parse(client.get(reverse("events:feed-network", args=["reseau-a"])))
    starts = expanded_starts(calendar)
    assert starts == our_starts(monthly_cafe)
    assert len(starts) == 12
    # 09:00 in Paris in winter and in summer: the UTC hour moves, the wall clock does not.
    assert {start.astimezone(PARIS).time() for start in starts} == {datetime.time(9, 0)}
    assert {start.astimezone(datetime.UTC).hour for start in starts} == {7, 8}


def test_feed_has_a_timezone_stable_uids_and_the_series_rule(client, monthly_cafe):
    url = reverse("events:feed-network", args=["reseau-a"])
    first, second = parse(client.get(url)), parse(client.get(url))
    assert [tz["TZID"] for tz in first.walk("VTIMEZONE")] == ["Europe/Paris"]
    (vevent,) = first.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent["RRULE"]["FREQ"] == ["MONTHLY"]
    assert vevent.get("DTSTAMP") is not None
    assert str(vevent["UID"]) == str(second.walk("VEVENT")[0]["UID"])
    assert str(vevent["SUMMARY"]) == "Café virtuel"


def test_cancelled_and_edited_sessions_are_exdate_and_recurrence_id(client, monthly_cafe):
    march, april = Occurrence.objects.filter(event=monthly_cafe).order_by("starts_at")[2:4]
    march.cancelled = True
    march.save()
    monthly_cafe.exdates = ["2026-03-03T09:00"]
    monthly_cafe.save()
    april.starts_at, april.ends_at = paris(2026, 4, 7, 14, 0), paris(2026, 4, 7, 15, 30)
    april.is_modified = True
    april.title_override = "Café spécial printemps"
    april.save()

    calendar = parse(client.get(reverse("events:feed-network", args=["reseau-a"])))
    master, override = calendar.walk("VEVENT")
    assert master.get("EXDATE") is not None
    assert override.decoded("RECURRENCE-ID") == paris(2026, 4, 7, 9, 0)
    assert str(override["UID"]) == str(master["UID"])
    starts = expanded_starts(calendar)
    assert starts == our_starts(monthly_cafe)
    assert paris(2026, 3, 3, 9, 0) not in starts
    assert paris(2026, 4, 7, 14, 0) in starts


def test_editing_an_event_raises_its_sequence(client, monthly_cafe):
    url = reverse("events:feed-network", args=["reseau-a"])
    before = int(parse(client.get(url)).walk("VEVENT")[0]["SEQUENCE"])
    with time_machine.travel(paris(2026, 1, 2, 8, 0), tick=False):
        monthly_cafe.title = "Café virtuel du réseau"
        monthly_cafe.save()
    after = int(parse(client.get(url)).walk("VEVENT")[0]["SEQUENCE"])
    assert after > before


def test_a_cancelled_event_is_exported_as_cancelled(client, monthly_cafe):
    monthly_cafe.status = Event.Status.CANCELLED
    monthly_cafe.save()
    calendar = parse(client.get(reverse("events:feed-network", args=["reseau-a"])))
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_public_feeds_never_carry_the_online_link_nor_non_public_events(
    client, monthly_cafe, network_a, place
):
    EventFactory(network=network_a, title="Réunion interne", audience=Audience.NETWORK)
    EventFactory(network=network_a, title="Brouillon", status=Event.Status.DRAFT)
    body = client.get(reverse("events:feed-network", args=["reseau-a"])).content.decode()
    assert SECRET_LINK not in body
    assert "Réunion interne" not in body
    assert "Brouillon" not in body
    assert "Café virtuel" in body


def test_circle_and_place_feeds_list_their_public_events(client, network_a, place, frozen):
    circle = CircleFactory(network=network_a, slug="cercle-douaisis")
    EventFactory(circle=circle, network=None, title="Codev du cercle", online_url=SECRET_LINK)
    EventFactory(place=place, network=None, title="Atelier à La Bobine")
    EventFactory(network=network_a, venue=place, title="Rencontre accueillie")

    circle_feed = parse(client.get(reverse("events:feed-circle", args=["cercle-douaisis"])))
    assert [str(v["SUMMARY"]) for v in circle_feed.walk("VEVENT")] == ["Codev du cercle"]
    assert (
        SECRET_LINK
        not in client.get(reverse("events:feed-circle", args=["cercle-douaisis"])).content.decode()
    )
    network_feed = parse(client.get(reverse("events:feed-network", args=["reseau-a"])))
    assert "Codev du cercle" in {str(v["SUMMARY"]) for v in network_feed.walk("VEVENT")}

    place_feed = parse(client.get(reverse("events:feed-place", args=["la-bobine"])))
    assert {str(v["SUMMARY"]) for v in place_feed.walk("VEVENT")} == {
        "Atelier à La Bobine",
        "Rencontre accueillie",
    }


def test_unknown_feeds_answer_404(client, db):
    for name in ["events:feed-network", "events:feed-circle", "events:feed-place"]:
        assert client.get(reverse(name, args=["inconnu"])).status_code == 404


def test_feeds_leave_out_events_over_a_year_old(client, network_a):
    EventFactory(
        network=network_a,
        title="Vieille rencontre",
        starts_at=paris(2020, 5, 5, 9, 0),
        ends_at=paris(2020, 5, 5, 10, 0),
    )
    body = client.get(reverse("events:feed-network", args=["reseau-a"])).content.decode()
    assert "Vieille rencontre" not in body
    assert "BEGIN:VCALENDAR" in body


def test_feeds_never_fail_on_stored_text_with_line_breaks(client, network_a, place):
    """Text written before the shared field rules (or by an import) may hold CR/LF: the
    event's, the place's and the network's feeds still answer, the text escaped."""
    event = EventFactory(
        network=network_a,
        title="Atelier\r\nréparation",
        address="1 rue\r\nX",
        description="Ligne 1\r\nLigne 2\x0b",
    )
    Event.objects.filter(pk=event.pk).update(title="Atelier\r\nréparation")
    type(place).objects.filter(pk=place.pk).update(name="La Bobine\r\nDouai")
    type(network_a).objects.filter(pk=network_a.pk).update(name="Réseau\nA")

    urls = [
        reverse("events:event-ics", args=[event.slug]),
        reverse("events:feed-network", args=[network_a.slug]),
        reverse("events:feed-place", args=[place.slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = icalendar.Calendar.from_ical(response.content)
        assert calendar is not None
