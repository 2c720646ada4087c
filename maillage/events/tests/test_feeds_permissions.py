"""Permission matrix over every URL of the feeds area, and bounded queries on feeds."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.events.models import FeedSource
from maillage.events.recurrence import sync_occurrences
from maillage.events.tests.factories import EventFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ANON_LOGIN = 302

# persona order: anonymous, bob, charlie, alice, erin, dora, root
MATRIX = {
    ("get", "feed-network"): [200, 200, 200, 200, 200, 200, 200],
    ("get", "feed-place"): [200, 200, 200, 200, 200, 200, 200],
    ("get", "event-ics"): [200, 200, 200, 200, 200, 200, 200],
    ("get", "feed-my-calendar"): [ANON_LOGIN, 200, 200, 200, 200, 200, 200],
    ("post", "feed-revoke"): [ANON_LOGIN, 302, 302, 302, 302, 302, 302],
    ("get", "feed-sources"): [ANON_LOGIN, 403, 403, 200, 403, 403, 200],
    ("post", "feed-source-import"): [ANON_LOGIN, 403, 403, 302, 403, 403, 302],
}


@pytest.fixture
def world(network_a, place, settings):
    # The "read now" button must not reach out: a closed local port answers at once.
    settings.EVENT_FEEDS_ALLOW_PRIVATE_HOSTS = True
    event = EventFactory(network=network_a, slug="cafe-public", venue=place)
    sync_occurrences(event)
    source = FeedSource.objects.create(place=place, url="http://127.0.0.1:9/agenda.ics")
    return {"event": event, "source": source}


def url_for(name: str, world) -> str:
    args = {
        "feed-network": ["reseau-a"],
        "feed-place": ["la-bobine"],
        "event-ics": ["cafe-public"],
        "feed-my-calendar": [],
        "feed-revoke": [],
        "feed-sources": ["la-bobine"],
        "feed-source-import": ["la-bobine", world["source"].pk],
    }[name]
    return reverse(f"events:{name}", args=args)


@pytest.mark.parametrize(("method", "name"), list(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_feed_urls_answer_each_persona_as_expected(persona_client, world, method, name, persona):
    client = persona_client(persona)
    response = getattr(client, method)(url_for(name, world))
    assert response.status_code == MATRIX[(method, name)][PERSONAS.index(persona)]
    if response.status_code == ANON_LOGIN and persona == "anonymous":
        assert "/comptes/login/" in response["Location"]


def test_removing_a_source_is_refused_to_other_managers(persona_client, world):
    url = reverse("events:feed-source-delete", args=["la-bobine", world["source"].pk])
    assert persona_client("charlie").post(url).status_code == 403
    assert persona_client("dora").post(url).status_code == 403
    assert FeedSource.objects.filter(pk=world["source"].pk).exists()


def test_a_source_of_another_place_is_not_found_through_my_place(
    client, world, charlie, other_place
):
    other = FeedSource.objects.create(place=other_place, url="http://127.0.0.1:9/autre.ics")
    client.force_login(charlie)
    url = reverse("events:feed-source-delete", args=["le-hangar", world["source"].pk])
    assert client.post(url).status_code == 404
    assert FeedSource.objects.filter(pk=other.pk).exists()


def test_network_feed_queries_stay_bounded(client, network_a, django_assert_max_num_queries):
    for index in range(15):
        event = EventFactory(
            network=network_a,
            starts_at=datetime.datetime(2030, 1, 7, 9, tzinfo=PARIS),
            ends_at=datetime.datetime(2030, 1, 7, 10, tzinfo=PARIS),
            rrule="FREQ=WEEKLY;COUNT=5",
            slug=f"serie-{index}",
        )
        sync_occurrences(event)
        first = event.occurrences.first()
        first.cancelled = True
        first.save()
    with django_assert_max_num_queries(4):
        response = client.get(reverse("events:feed-network", args=["reseau-a"]))
    assert response.content.decode().count("BEGIN:VEVENT") == 15
