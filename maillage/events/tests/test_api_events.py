"""The events API: events with the agenda's filters, sessions by date range, my registrations
(register with an Idempotency-Key, cancel), the same permissions as the pages, and the online
link only for confirmed registrants and organisers."""

import datetime
import zoneinfo

import pytest

from maillage.accounts.api_tokens import create_api_token
from maillage.events.models import Audience, EventKind, Registration
from maillage.events.recurrence import sync_occurrences
from maillage.events.tests.factories import EventFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SECRET_LINK = "https://visio.example.org/secret-room"
API = "/api/v1/events"


def bearer(user) -> dict[str, str]:
    _token, key = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def make_event(network, **kwargs):
    values = {
        "network": network,
        "starts_at": datetime.datetime(2027, 3, 2, 14, 0, tzinfo=PARIS),
        "ends_at": datetime.datetime(2027, 3, 2, 15, 0, tzinfo=PARIS),
        "online_url": SECRET_LINK,
    }
    values.update(kwargs)
    event = EventFactory(**values)
    sync_occurrences(event)
    return event


@pytest.fixture
def cafe(network_a, dora):
    event = make_event(
        network_a,
        title="Café virtuel",
        slug="cafe-virtuel",
        rrule="FREQ=MONTHLY;BYDAY=1TU;COUNT=3",
        capacity=1,
    )
    event.organisers.add(dora)
    return event


@pytest.fixture
def internal(network_a, membership):
    return make_event(
        network_a, title="Réunion du réseau", slug="reunion", audience=Audience.NETWORK
    )


def test_the_list_shows_public_events_to_everyone_and_network_ones_to_members(
    client, cafe, internal, alice
):
    anonymous = client.get(f"{API}/events").json()
    assert [item["slug"] for item in anonymous["items"]] == ["cafe-virtuel"]
    member = client.get(f"{API}/events", **bearer(alice)).json()
    assert {item["slug"] for item in member["items"]} == {"cafe-virtuel", "reunion"}
    assert SECRET_LINK not in client.get(f"{API}/events", **bearer(alice)).content.decode()


def test_the_list_takes_the_agenda_filters(client, cafe, network_a):
    make_event(network_a, title="Formation", slug="formation", kind=EventKind.TRAINING)
    found = client.get(f"{API}/events", {"type": "formation"}).json()
    assert [item["slug"] for item in found["items"]] == ["formation"]
    assert client.get(f"{API}/events", {"reseau": "inconnu"}).json()["count"] == 0


def test_hidden_events_answer_404_and_a_bad_token_401(client, internal, charlie):
    assert client.get(f"{API}/events/reunion").status_code == 404
    assert client.get(f"{API}/events/reunion", **bearer(charlie)).status_code == 404
    response = client.get(f"{API}/events/reunion", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
    assert "jeton" in response.json()["detail"]


def test_event_detail_gives_the_link_to_organisers_only(client, cafe, dora, bob):
    assert client.get(f"{API}/events/cafe-virtuel").json()["online_url"] is None
    assert client.get(f"{API}/events/cafe-virtuel", **bearer(bob)).json()["online_url"] is None
    detail = client.get(f"{API}/events/cafe-virtuel", **bearer(dora)).json()
    assert detail["online_url"] == SECRET_LINK
    assert detail["is_online"] is True
    assert len(detail["upcoming"]) == 3


def test_occurrences_by_date_range(client, cafe):
    found = client.get(f"{API}/occurrences", {"start": "2027-03-01", "end": "2027-04-30"}).json()
    assert [item["key"] for item in found["items"]] == ["2027-03-02T1400", "2027-04-06T1400"]
    empty = client.get(f"{API}/occurrences", {"start": "2027-03-01", "end": "2026-01-01"})
    assert empty.json()["count"] == 0
    # A range longer than 366 days is cut: from 2026-01-01, March 2027 is too far.
    cut = client.get(f"{API}/occurrences", {"start": "2026-01-01", "end": "2099-01-01"})
    assert cut.json()["count"] == 0
    whole = client.get(f"{API}/occurrences", {"start": "2027-01-01", "end": "2099-01-01"})
    assert whole.json()["count"] == 3
    bad = client.get(f"{API}/occurrences", {"start": "demain"})
    assert bad.status_code == 422
    assert "AAAA-MM-JJ" in bad.json()["errors"][0]["message"]


def test_registering_is_idempotent_and_gives_the_link_once_confirmed(client, cafe, bob):
    occurrence = cafe.occurrences.order_by("starts_at").first()
    headers = {**bearer(bob), "HTTP_IDEMPOTENCY_KEY": "cle-1"}
    body = {"occurrence_id": occurrence.pk}
    first = client.post(f"{API}/registrations", body, content_type="application/json", **headers)
    assert first.status_code == 201
    assert first.json()["status"] == "confirmed"
    assert first.json()["online_url"] == SECRET_LINK
    again = client.post(f"{API}/registrations", body, content_type="application/json", **headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Registration.objects.filter(user=bob).count() == 1
    detail = client.get(f"{API}/occurrences/{occurrence.pk}", **headers).json()
    assert detail["online_url"] == SECRET_LINK
    mine = client.get(f"{API}/registrations", **headers).json()
    assert [item["id"] for item in mine["items"]] == [first.json()["id"]]


def test_a_full_session_puts_the_next_person_on_the_waiting_list_and_cancel_promotes(
    client, cafe, bob, alice
):
    occurrence = cafe.occurrences.order_by("starts_at").first()
    body = {"occurrence_id": occurrence.pk}
    bob_headers = {**bearer(bob), "HTTP_IDEMPOTENCY_KEY": "k"}
    alice_headers = {**bearer(alice), "HTTP_IDEMPOTENCY_KEY": "k"}
    mine = client.post(f"{API}/registrations", body, content_type="application/json", **bob_headers)
    waiting = client.post(
        f"{API}/registrations", body, content_type="application/json", **alice_headers
    )
    assert waiting.json()["status"] == "waitlisted"
    assert waiting.json()["online_url"] is None
    detail = client.get(f"{API}/occurrences/{occurrence.pk}", **alice_headers).json()
    assert detail["online_url"] is None
    cancelled = client.post(f"{API}/registrations/{mine.json()['id']}/cancel", **bob_headers)
    assert cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get(pk=waiting.json()["id"]).status == "confirmed"


def test_a_key_reused_for_another_session_is_a_conflict(client, cafe, bob):
    first, second = cafe.occurrences.order_by("starts_at")[:2]
    headers = {**bearer(bob), "HTTP_IDEMPOTENCY_KEY": "same"}
    client.post(
        f"{API}/registrations",
        {"occurrence_id": first.pk},
        content_type="application/json",
        **headers,
    )
    response = client.post(
        f"{API}/registrations",
        {"occurrence_id": second.pk},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 409
    assert "autre séance" in response.json()["detail"]


def test_registration_refusals_are_french_and_change_nothing(client, cafe, internal, charlie, bob):
    headers = {**bearer(charlie), "HTTP_IDEMPOTENCY_KEY": "x"}
    hidden = internal.occurrences.get()
    response = client.post(
        f"{API}/registrations",
        {"occurrence_id": hidden.pk},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    occurrence = cafe.occurrences.order_by("starts_at").first()
    occurrence.cancelled = True
    occurrence.save()
    response = client.post(
        f"{API}/registrations",
        {"occurrence_id": occurrence.pk},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 409
    assert "annulée" in response.json()["detail"]
    missing_key = client.post(
        f"{API}/registrations",
        {"occurrence_id": occurrence.pk},
        content_type="application/json",
        **bearer(bob),
    )
    assert missing_key.status_code == 422
    assert not Registration.objects.exists()


def test_registrations_need_a_token_and_are_personal(client, cafe, bob, alice):
    assert client.get(f"{API}/registrations").status_code == 401
    occurrence = cafe.occurrences.order_by("starts_at").first()
    registration = Registration.objects.create(
        occurrence=occurrence, user=bob, status=Registration.Status.CONFIRMED
    )
    response = client.post(f"{API}/registrations/{registration.pk}/cancel", **bearer(alice))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert client.get(f"{API}/registrations", **bearer(alice)).json()["count"] == 0


def test_event_list_queries_stay_bounded(client, network_a, django_assert_max_num_queries):
    for index in range(12):
        make_event(network_a, slug=f"serie-{index}", rrule="FREQ=WEEKLY;COUNT=3")
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/events", {"page_size": 50})
    assert response.json()["count"] == 12
