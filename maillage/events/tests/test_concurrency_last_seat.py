"""Capacity holds under concurrency: simultaneous registrations over HTTP, each request from its own
thread through the live server, so each has its own database connection (SQLite on a file in WAL
mode, or PostgreSQL with DATABASE_URL)."""

import datetime
import http.client
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.tests.factories import UserFactory
from maillage.events import registration as svc
from maillage.events.models import Occurrence, Registration
from maillage.events.selectors import occurrence_key
from maillage.events.tests.factories import EventFactory, OccurrenceFactory

REQUESTS = 24
SEATS = 3
CSRF = "a" * 32  # an unmasked CSRF secret: the cookie and the header carry the same value
Status = Registration.Status


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def fire(live_server, path: str, sessions: list[str]) -> list[int]:
    """POST to `path` once per session, all at once, each from its own thread; return statuses."""
    host = urllib.parse.urlsplit(live_server.url)
    barrier = threading.Barrier(len(sessions))

    def post(session: str) -> int:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        }
        barrier.wait()
        # The test server's listen queue is short: a refused connection is tried again, as a
        # browser would (the service is idempotent for the same person).
        for attempt in range(50):
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            try:
                connection.request("POST", path, body="next=/", headers=headers)
                response = connection.getresponse()
                response.read()
                return response.status
            except (ConnectionResetError, ConnectionRefusedError, http.client.RemoteDisconnected):
                time.sleep(0.05 * (attempt + 1))
            finally:
                connection.close()
        raise AssertionError("the server never answered")

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        return list(pool.map(post, sessions))


@pytest.fixture
def last_seats(db):
    """A session tomorrow with SEATS seats left."""
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    event = EventFactory(
        capacity=SEATS, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
    )
    occurrence = OccurrenceFactory(event=event)
    path = reverse("events:register", args=[event.slug, occurrence_key(occurrence)])
    return occurrence, path


@pytest.mark.django_db(transaction=True)
def test_the_last_seats_go_to_exactly_as_many_of_many_simultaneous_requests(
    live_server, last_seats
):
    occurrence, path = last_seats
    people = [UserFactory(verified=False) for _ in range(REQUESTS)]

    statuses = fire(live_server, path, [session_cookie(p) for p in people])

    assert statuses == [302] * REQUESTS
    registrations = Registration.objects.filter(occurrence=occurrence)
    assert registrations.filter(status=Status.CONFIRMED).count() == SEATS
    assert registrations.filter(status=Status.WAITLISTED).count() == REQUESTS - SEATS
    assert Occurrence.objects.get(pk=occurrence.pk).confirmed_count == SEATS


@pytest.mark.django_db(transaction=True)
def test_one_person_submitting_many_times_at_once_registers_once(live_server, last_seats):
    occurrence, path = last_seats
    person = UserFactory(verified=False)

    statuses = fire(live_server, path, [session_cookie(person)] * 20)

    assert statuses == [302] * 20
    assert Registration.objects.filter(occurrence=occurrence).count() == 1
    assert Occurrence.objects.get(pk=occurrence.pk).confirmed_count == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_cancellations_promote_exactly_the_freed_seats(live_server, last_seats):
    occurrence, _ = last_seats
    holders = [UserFactory(verified=False) for _ in range(SEATS)]
    waiting = [UserFactory(verified=False) for _ in range(10)]
    for person in holders + waiting:
        svc.register(occurrence=occurrence, user=person)
    path = reverse("events:unregister", args=[occurrence.event.slug, occurrence_key(occurrence)])

    statuses = fire(live_server, path, [session_cookie(p) for p in holders] * 4)

    assert set(statuses) == {302}
    confirmed = Registration.objects.filter(occurrence=occurrence, status=Status.CONFIRMED)
    assert sorted(confirmed.values_list("user_id", flat=True)) == sorted(
        p.pk for p in waiting[:SEATS]
    )
    assert Occurrence.objects.get(pk=occurrence.pk).confirmed_count == SEATS
