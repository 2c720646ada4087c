"""Permission matrix: every page of the agenda area, for each persona."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from maillage.circles.tests import conftest as circle_fixtures
from maillage.conftest import PERSONAS
from maillage.events.models import Audience, EventKind
from maillage.events.selectors import occurrence_key
from maillage.events.services import EventData, add_stop, create_event

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)

circle = circle_fixtures.circle
participant = circle_fixtures.participant
other_circle = circle_fixtures.other_circle
other_circle_member = circle_fixtures.other_circle_member


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def series(dora, network_a):
    return create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.CAFE,
            title="Café du mardi",
            starts_at=paris(2026, 11, 3, 9, 0),
            ends_at=paris(2026, 11, 3, 10, 0),
            rrule="FREQ=WEEKLY;BYDAY=TU",
            online_url="https://visio.example.org/cafe",
        ),
    )


@pytest.fixture
def tour(dora, network_a, place, other_place):
    event = create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.TOUR,
            title="Tournée à vélo",
            starts_at=paris(2026, 11, 14, 9, 0),
            ends_at=paris(2026, 11, 14, 18, 0),
        ),
    )
    add_stop(
        by=dora,
        event=event,
        place=place,
        arrives_at=paris(2026, 11, 14, 9, 30),
        leaves_at=paris(2026, 11, 14, 11, 0),
    )
    add_stop(
        by=dora,
        event=event,
        place=other_place,
        arrives_at=paris(2026, 11, 14, 14, 0),
        leaves_at=paris(2026, 11, 14, 15, 0),
    )
    return event


def key(event) -> str:
    return occurrence_key(event.occurrences.order_by("starts_at").first())


ORGANISERS_ONLY = [302, 403, 403, 403, 403, 200, 200]
EVERYONE = [200] * 7

GET_MATRIX = {
    "agenda": EVERYONE,
    "agenda-week": EVERYONE,
    "agenda-month": EVERYONE,
    "event-create": [302, 403, 200, 200, 200, 200, 200],
    "event-detail": EVERYONE,
    "event-edit": ORGANISERS_ONLY,
    "event-cancel": ORGANISERS_ONLY,
    "occurrence-detail": EVERYONE,
    "occurrence-edit": ORGANISERS_ONLY,
    "occurrence-edit-following": ORGANISERS_ONLY,
    "occurrence-cancel": ORGANISERS_ONLY,
    "tour-stops": ORGANISERS_ONLY,
    "tour-detail": EVERYONE,
}


def get_url(name, series, tour):
    return {
        "agenda": reverse("events:agenda"),
        "agenda-week": reverse("events:agenda") + "?vue=semaine&date=2026-11-03",
        "agenda-month": reverse("events:agenda") + "?vue=mois&date=2026-11-03",
        "event-create": reverse("events:event-create"),
        "event-detail": reverse("events:event-detail", args=[series.slug]),
        "event-edit": reverse("events:event-edit", args=[series.slug]),
        "event-cancel": reverse("events:event-cancel", args=[series.slug]),
        "occurrence-detail": reverse("events:occurrence-detail", args=[series.slug, key(series)]),
        "occurrence-edit": reverse("events:occurrence-edit", args=[series.slug, key(series)]),
        "occurrence-edit-following": reverse(
            "events:occurrence-edit-following", args=[series.slug, key(series)]
        ),
        "occurrence-cancel": reverse("events:occurrence-cancel", args=[series.slug, key(series)]),
        "tour-stops": reverse("events:tour-stops", args=[tour.slug]),
        "tour-detail": reverse("events:event-detail", args=[tour.slug]),
    }[name]


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(GET_MATRIX))
@pytest.mark.parametrize("persona_index", range(len(PERSONAS)))
def test_get_pages_answer_each_persona(persona_client, series, tour, name, persona_index):
    persona = PERSONAS[persona_index]
    response = persona_client(persona).get(get_url(name, series, tour))
    assert response.status_code == GET_MATRIX[name][persona_index], (name, persona)
    if response.status_code == 302:
        assert "/connexion" in response["Location"] or "login" in response["Location"]


POST_MATRIX = {
    "tour-stop-move": [302, 403, 403, 403, 403, 302, 302],
    "tour-stop-remove": [302, 403, 403, 403, 403, 302, 302],
    # The first stop is La Bobine: Alice manages it (and an admin may act for any place).
    "tour-stop-confirm": [302, 403, 403, 302, 403, 403, 302],
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(POST_MATRIX))
@pytest.mark.parametrize("persona_index", range(len(PERSONAS)))
def test_tour_actions_answer_each_persona(persona_client, tour, name, persona_index):
    persona = PERSONAS[persona_index]
    stop = tour.stops.get(position=1)
    url = reverse(f"events:{name}", args=[tour.slug, stop.pk])
    response = persona_client(persona).post(url, {"direction": "down"})
    assert response.status_code == POST_MATRIX[name][persona_index], (name, persona)
    if persona == "anonymous" or response.status_code == 403:
        stop.refresh_from_db()
        assert stop.position == 1 and stop.confirmed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona_index", range(len(PERSONAS)))
def test_circle_event_page_is_hidden_from_non_members(
    persona_client, dora, circle, participant, persona_index
):
    event = create_event(
        by=dora,
        owner=circle,
        data=EventData(
            kind=EventKind.CODEV,
            title="Codev du cercle",
            starts_at=paris(2026, 11, 20, 14, 0),
            ends_at=paris(2026, 11, 20, 16, 0),
            address="Salle des fêtes, Douai",
            audience=Audience.CIRCLE,
        ),
    )
    persona = PERSONAS[persona_index]
    # Bob is a participant of the circle; Dora coordinates its network.
    expected = [404, 200, 404, 404, 404, 200, 200][persona_index]
    client = persona_client(persona)
    assert client.get(reverse("events:event-detail", args=[event.slug])).status_code == expected
    occurrence_url = reverse("events:occurrence-detail", args=[event.slug, key(event)])
    assert client.get(occurrence_url).status_code == expected
    listed = event.title in client.get(reverse("events:agenda")).content.decode()
    assert listed is (expected == 200)


@pytest.mark.django_db
def test_other_circle_member_does_not_see_the_circle_event(
    client, dora, circle, other_circle_member
):
    event = create_event(
        by=dora,
        owner=circle,
        data=EventData(
            kind=EventKind.CODEV,
            title="Codev du cercle",
            starts_at=paris(2026, 11, 20, 14, 0),
            ends_at=paris(2026, 11, 20, 16, 0),
            audience=Audience.CIRCLE,
            online_url="https://visio.example.org/codev",
        ),
    )
    client.force_login(other_circle_member)
    assert client.get(reverse("events:event-detail", args=[event.slug])).status_code == 404
