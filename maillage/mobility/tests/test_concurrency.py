"""Capacity and quota hold under concurrency: 50 simultaneous booking requests over HTTP.

Each request comes from its own thread, through the live server, which gives every request its
own database connection (SQLite on a file in WAL mode, or PostgreSQL with DATABASE_URL).
"""

import datetime
import http.client
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.tests.factories import UserFactory
from maillage.mobility import booking as svc
from maillage.mobility.models import Booking, HostDay, Pass, QuotaPeriod
from maillage.mobility.tests.conftest import make_scheme, next_weekday
from maillage.mobility.tests.factories import HostOfferFactory
from maillage.places.models import PlaceRole

REQUESTS = 50
CSRF = "a" * 32  # an unmasked CSRF secret: the cookie and the header carry the same value


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def fire(live_server, requests: list[tuple[str, dict[str, str]]]) -> list[tuple[int, str]]:
    """POST every (session, form) at once from its own thread; return (status, body) in order."""
    host = urllib.parse.urlsplit(live_server.url)
    url = reverse("mobility:book", args=["le-hangar"])
    barrier = threading.Barrier(len(requests))

    def post(args: tuple[str, dict[str, str]]) -> tuple[int, str]:
        session, form = args
        body = urllib.parse.urlencode(form)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        }
        barrier.wait()
        # The test server's listen queue is short: a refused connection is retried with the same
        # idempotency key, as a browser or a client library would.
        for attempt in range(50):
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
            try:
                connection.request("POST", url, body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.read().decode()
            except (ConnectionResetError, http.client.RemoteDisconnected):
                time.sleep(0.05 * (attempt + 1))
            finally:
                connection.close()
        raise AssertionError("the server never answered")

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(post, requests))


@pytest.fixture
def host(other_place, host_membership):
    """Le Hangar: 3 desks every day of the week."""
    return HostOfferFactory(place=other_place, **{f"desks_{d}": 3 for d in ("saturday", "sunday")})


@pytest.mark.django_db(transaction=True)
def test_the_last_desks_go_to_exactly_three_of_fifty_requests(
    live_server, network_a, place, membership, host
):
    scheme = make_scheme(network_a)
    day = next_weekday(1)
    requests = []
    for _ in range(REQUESTS):
        user = UserFactory(verified=False)
        PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MEMBER)
        pass_ = Pass.objects.create(scheme=scheme, holder=user, home_place=place, starts_on=day)
        form = {"pass_": str(pass_.pk), "day": day.isoformat(), "half": "full"}
        requests.append((session_cookie(user), {**form, "idempotency_key": uuid.uuid4().hex}))

    results = fire(live_server, requests)

    statuses = sorted(status for status, _ in results)
    assert statuses == [302] * 3 + [409] * (REQUESTS - 3)
    assert all("Complet" in body for status, body in results if status == 409)
    assert Booking.objects.filter(day=day).count() == 3
    host_day = HostDay.objects.get(day=day)
    assert (host_day.am_booked, host_day.pm_booked) == (3, 3)


def days_in_one_year(count: int) -> list[datetime.date]:
    """`count` bookable days (tomorrow on, within a year) of one calendar year."""
    start = timezone.localdate() + datetime.timedelta(days=1)
    if (datetime.date(start.year, 12, 31) - start).days < count:
        start = datetime.date(start.year + 1, 1, 1)
    return [start + datetime.timedelta(days=n) for n in range(count)]


@pytest.mark.django_db(transaction=True)
def test_the_last_quota_day_goes_to_exactly_one_of_fifty_requests(
    live_server, network_a, place, membership, bob, host
):
    # 4 days a year; Bob already holds 3, then asks for 50 different days at once.
    scheme = make_scheme(network_a, quota_days=4, quota_period=QuotaPeriod.YEAR)
    days = days_in_one_year(REQUESTS + 3)
    days, held = days[:REQUESTS], days[REQUESTS:]
    pass_ = Pass.objects.create(scheme=scheme, holder=bob, home_place=place, starts_on=days[0])
    for n, day in enumerate(held):
        svc.book_visit(pass_=pass_, place=host.place, day=day, idempotency_key=f"held{n}")
    session = session_cookie(bob)
    requests = [
        (
            session,
            {
                "pass_": str(pass_.pk),
                "day": day.isoformat(),
                "half": "full",
                "idempotency_key": uuid.uuid4().hex,
            },
        )
        for day in days
    ]

    results = fire(live_server, requests)

    statuses = sorted(status for status, _ in results)
    assert statuses == [302] + [409] * (REQUESTS - 1)
    assert all("Quota atteint" in body for status, body in results if status == 409)
    assert Booking.objects.filter(member_pass=pass_).count() == 4
