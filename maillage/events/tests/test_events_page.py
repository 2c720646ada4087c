"""Event and session pages: French dates, no online link, schema.org Event JSON-LD."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from maillage.events.models import EventKind
from maillage.events.selectors import occurrence_key, when_label
from maillage.events.services import EventData, cancel_occurrence, create_event

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime.datetime(2026, 2, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield


def jsonld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1))


@pytest.fixture
def mixed(dora, network_a, place):
    place.latitude, place.longitude = 50.37, 3.08
    place.save()
    return create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.MEETUP,
            title="Rencontre <hybride>",
            description="Venez **nombreux**.",
            starts_at=paris(2026, 3, 3, 9, 0),
            ends_at=paris(2026, 3, 3, 10, 0),
            rrule="FREQ=MONTHLY;BYDAY=1TU;COUNT=3",
            online_url="https://visio.example.org/secret-room",
            venue=place,
            price_cents=1250,
            tags=["rencontre"],
        ),
    )


def test_dates_read_in_french():
    assert when_label(paris(2026, 3, 3, 9, 0), paris(2026, 3, 3, 10, 0)) == (
        "mardi 3 mars 2026, 9 h 00 – 10 h 00"
    )
    assert when_label(paris(2026, 3, 3, 9, 0), paris(2026, 3, 4, 12, 30)) == (
        "du mardi 3 mars 2026, 9 h 00 au mercredi 4 mars 2026, 12 h 30"
    )


@pytest.mark.django_db
def test_event_page_shows_sessions_venue_price_and_never_the_online_link(client, mixed):
    response = client.get(reverse("events:event-detail", args=[mixed.slug]))
    text = response.content.decode()
    assert "secret-room" not in text
    assert "Mardi 3 mars 2026, 9 h 00 – 10 h 00" in text
    assert "Mardi 7 avril 2026, 9 h 00 – 10 h 00" in text
    assert "12,50" in text
    assert "La Bobine" in text
    assert "<strong>nombreux</strong>" in text
    assert 'id="event-venue-map"' in text


@pytest.mark.django_db
def test_json_ld_of_a_session_has_the_event_fields(client, mixed):
    occurrence = mixed.occurrences.order_by("starts_at")[1]
    url = reverse("events:occurrence-detail", args=[mixed.slug, occurrence_key(occurrence)])
    data = jsonld(client.get(url))
    assert data["@type"] == "Event"
    assert data["name"] == "Rencontre <hybride>"
    assert data["startDate"] == "2026-04-07T09:00:00+02:00"
    assert data["endDate"] == "2026-04-07T10:00:00+02:00"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    place, virtual = data["location"]
    assert place["@type"] == "Place" and place["name"] == "La Bobine"
    assert virtual["@type"] == "VirtualLocation"
    assert "secret-room" not in json.dumps(data)
    assert data["offers"]["price"] == "12.50"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["organizer"]["name"] == "Réseau A"


@pytest.mark.django_db
def test_json_ld_of_an_online_only_cancelled_session(client, dora, network_a):
    event = create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.CAFE,
            title="Café",
            starts_at=paris(2026, 3, 3, 9, 0),
            ends_at=paris(2026, 3, 3, 10, 0),
            online_url="https://visio.example.org/x",
        ),
    )
    occurrence = event.occurrences.get()
    cancel_occurrence(by=dora, occurrence=occurrence)
    url = reverse("events:occurrence-detail", args=[event.slug, occurrence_key(occurrence)])
    data = jsonld(client.get(url))
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["location"]["@type"] == "VirtualLocation"
    assert data["offers"]["price"] == "0.00"


@pytest.mark.django_db
def test_a_moved_session_is_found_by_its_recurrence_date_and_redirected(client, dora, mixed):
    from maillage.events.services import edit_occurrence

    occurrence = mixed.occurrences.order_by("starts_at")[0]
    old_key = occurrence_key(occurrence)
    edit_occurrence(
        by=dora,
        occurrence=occurrence,
        starts_at=paris(2026, 3, 4, 9, 0),
        ends_at=paris(2026, 3, 4, 10, 0),
    )
    response = client.get(reverse("events:occurrence-detail", args=[mixed.slug, old_key]))
    assert response.status_code == 302
    assert response["Location"].endswith("/2026-03-04T0900/")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_unknown_session_date_is_404(client, mixed):
    url = reverse("events:occurrence-detail", args=[mixed.slug, "2026-03-05T0900"])
    assert client.get(url).status_code == 404


def test_the_first_of_the_month_reads_premier():
    assert when_label(paris(2026, 12, 1, 9, 0), paris(2026, 12, 1, 10, 0)) == (
        "mardi 1er décembre 2026, 9 h 00 – 10 h 00"
    )
