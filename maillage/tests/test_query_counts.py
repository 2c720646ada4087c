"""Exact query counts on the ten busiest pages, the same with few rows and with many.

A count that changes means a new query per row (an N+1) or a query a page stopped needing: look
at the queries (pytest -vv shows them) before updating a number here.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.circles.tests.factories import ActionFactory, CircleFactory, CircleMemberFactory
from maillage.events.tests.factories import EventFactory, OccurrenceFactory
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.models import PlaceType
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def _world(size: int, *, network, commune, place, dora) -> dict:
    """`size` member places with spaces and equipment, events with sessions, circle actions."""
    circle = CircleFactory(network=network, name=f"Cercle {size}", slug=f"cercle-{size}")
    circle.places.add(place)
    CircleMemberFactory(circle=circle, user=dora, role="steward")
    soon = timezone.now() + datetime.timedelta(days=3)
    for n in range(size):
        other = PlaceFactory(
            name=f"Coworking {n}", types=[PlaceType.COWORKING], commune=commune,
            latitude=50.37, longitude=3.08, summary="Un coworking",
        )  # fmt: skip
        Membership.objects.create(place=other, network=network, status=MembershipStatus.ACCEPTED)
        SpaceFactory(place=place, name=f"Salle {n}")
        EquipmentFactory(place=place, name=f"Imprimante {n}")
        start = soon + datetime.timedelta(hours=n)
        event = EventFactory(
            network=network, title=f"Café {n}", slug=f"cafe-{size}-{n}", starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )  # fmt: skip
        OccurrenceFactory(event=event)
        ActionFactory(circle=circle, title=f"Action {n}")
        circle.places.add(other)
    return {"circle": circle, "event": event}


PAGES = {
    "home": lambda w, place, network: "/",
    "search": lambda w, place, network: "/recherche/?q=coworking",
    "map-geojson": lambda w, place, network: reverse("search:map-geojson"),
    "place": lambda w, place, network: place.get_absolute_url(),
    "network": lambda w, place, network: network.get_absolute_url(),
    "agenda": lambda w, place, network: "/agenda/",
    "event": lambda w, place, network: reverse("events:event-detail", args=[w["event"].slug]),
    "circle": lambda w, place, network: reverse("circles:circle-detail", args=[w["circle"].slug]),
    "my-space": lambda w, place, network: reverse("accounts:profile"),
    "api-places": lambda w, place, network: "/api/v1/places?q=coworking",
    "api-places-facets": lambda w, place, network: "/api/v1/places?q=coworking&facets=1",
}

# Signed in as Dora, coordinator of network A; the same on SQLite and PostgreSQL. Every page
# of a signed-in person spends some on the menu (places managed, networks coordinated — read
# once per request whoever asks —, circles).
EXPECTED: dict[str, int] = {
    "home": 11,
    "search": 12,  # one to read a commune among the words
    "map-geojson": 1,
    "place": 18,  # + next permanences (communication), peer profile (services)
    "network": 16,
    "agenda": 15,  # and a few to decide whether to offer « Proposer une animation »
    "event": 15,
    "circle": 26,  # + the circle's tools (communication), with the roles the page knows,
    # and its debate spaces (governance: one query)
    # the hub: tasks, visits, registrations, places, networks, circles; then, fixed per section
    # (not per row), permanences, governance (fee calls, volunteer hours, treasurer roles),
    # commons campaigns and payouts, services (proposals, support requests, project holders'
    # places to link, accompanist),
    # opportunities (invitations to answer a call together); the networks coordinated are read
    # once per request (networks.selectors keeps them on the user)
    "my-space": 45,
    "api-places": 2,  # the same
    "api-places-facets": 2,  # the facets are counted on the search index: no query
}


def _count(client, url: str) -> int:
    client.get(url)  # warm what lives in the process (site, content types)
    cache.clear()  # and count the work of a page built afresh, not a cached answer
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_busy_page_makes_the_same_queries_with_few_rows_and_many(
    client, dora, place, network_a, commune, membership, page
):
    client.force_login(dora)
    world = _world(2, network=network_a, commune=commune, place=place, dora=dora)
    url = PAGES[page](world, place, network_a)
    few = _count(client, url)

    more = _world(8, network=network_a, commune=commune, place=place, dora=dora)
    url = PAGES[page](more, place, network_a)
    many = _count(client, url)

    assert few == many, f"{page}: {few} queries with few rows, {many} with more"
    assert few == EXPECTED[page], f"{page}: {few} queries"
