"""Where the animations show up outside the agenda: the event and session pages link to their
.ics downloads, the person's space to their registrations, private calendar and digest, and
the pages of a place, a network and a circle list their next animations with their feeds."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.circles.tests.factories import CircleFactory
from maillage.events.models import EventKind
from maillage.events.selectors import occurrence_key
from maillage.events.services import EventData, cancel_event, create_event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def data(title: str, *, day: int = 1, **fields) -> EventData:
    return EventData(
        kind=EventKind.CAFE,
        title=title,
        starts_at=datetime.datetime(2026, 12, day, 9, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2026, 12, day, 10, 0, tzinfo=PARIS),
        **fields,
    )


@pytest.fixture
def cafe(network_a, dora):
    return create_event(by=dora, owner=network_a, data=data("Café du mardi"))


def test_the_event_and_session_pages_link_to_their_calendar_downloads(client, cafe):
    session = cafe.occurrences.get()
    key = occurrence_key(session)

    page = client.get(reverse("events:event-detail", args=[cafe.slug])).content.decode()
    assert "Ajouter à mon agenda" in page
    assert f'href="{reverse("events:event-ics", args=[cafe.slug])}"' in page
    assert reverse("events:feed-my-calendar") not in page  # anonymous: no private calendar

    page = client.get(reverse("events:occurrence-detail", args=[cafe.slug, key])).content.decode()
    assert f'href="{reverse("events:occurrence-ics", args=[cafe.slug, key])}"' in page
    assert f'href="{reverse("events:event-ics", args=[cafe.slug])}"' in page


def test_a_logged_in_person_is_offered_their_private_calendar_on_the_event_page(
    persona_client, cafe
):
    page = persona_client("bob").get(reverse("events:event-detail", args=[cafe.slug]))
    assert f'href="{reverse("events:feed-my-calendar")}"' in page.content.decode()


def test_the_persons_space_links_to_registrations_private_calendar_and_digest(persona_client):
    page = persona_client("bob").get(reverse("accounts:profile")).content.decode()
    for name in ("events:my-registrations", "events:feed-my-calendar", "events:digest"):
        assert f'href="{reverse(name)}"' in page
    assert "Mes inscriptions" in page
    assert "Mon agenda privé" in page


def test_a_place_page_lists_its_events_and_those_it_hosts_with_its_feed(
    client, place, alice, dora, network_a, membership
):
    create_event(by=alice, owner=place, data=data("Repair café", day=2))
    create_event(by=dora, owner=network_a, data=data("Rencontre du réseau", day=3, venue=place))
    create_event(by=dora, owner=network_a, data=data("Ailleurs", day=4))

    page = client.get(reverse("places:place-detail", args=[place.slug])).content.decode()

    assert "Prochaines animations" in page
    assert page.index("Repair café") < page.index("Rencontre du réseau")
    assert "Ailleurs" not in page
    assert f'href="{reverse("events:feed-place", args=[place.slug])}"' in page
    assert reverse("events:feed-sources", args=[place.slug]) not in page


def test_only_the_place_managers_see_the_link_to_import_its_calendar(persona_client, place):
    url = reverse("places:place-detail", args=[place.slug])
    sources = f'href="{reverse("events:feed-sources", args=[place.slug])}"'
    assert sources in persona_client("alice").get(url).content.decode()
    assert sources not in persona_client("bob").get(url).content.decode()


def test_the_place_list_of_events_is_short_and_costs_the_same_queries_for_many(
    client, place, alice
):
    url = reverse("places:place-detail", args=[place.slug])
    create_event(by=alice, owner=place, data=data("Atelier 1", day=2))
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for day in range(3, 12):
        create_event(by=alice, owner=place, data=data(f"Atelier {day - 1}", day=day))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many.captured_queries) == len(one.captured_queries)
    assert page.count('class="upcoming-events-list"') == 1
    assert "Atelier 5" in page
    assert "Atelier 6" not in page  # five at most


def test_a_network_page_lists_its_events_with_the_filtered_agenda_and_its_feed(
    client, network_a, dora
):
    create_event(by=dora, owner=network_a, data=data("Café du mardi"))
    cancelled = create_event(by=dora, owner=network_a, data=data("Visio annulée", day=2))
    cancel_event(by=dora, event=cancelled)

    page = client.get(reverse("networks:network-detail", args=[network_a.slug])).content.decode()

    assert "Café du mardi" in page
    assert "Visio annulée" in page and "Annulée" in page
    assert f'href="{reverse("events:agenda")}?reseau={network_a.slug}"' in page
    assert f'href="{reverse("events:feed-network", args=[network_a.slug])}"' in page


def test_a_network_page_hides_events_the_visitor_may_not_see(client, network_a, dora):
    create_event(by=dora, owner=network_a, data=data("Entre membres", audience="network"))
    page = client.get(reverse("networks:network-detail", args=[network_a.slug])).content.decode()
    assert "Entre membres" not in page
    assert "Aucune animation à venir." in page


def test_a_circle_page_lists_its_events_with_the_filtered_agenda_and_its_feed(
    client, network_a, dora
):
    circle = CircleFactory(network=network_a, name="Cercle du Douaisis", slug="douaisis")
    create_event(by=dora, owner=circle, data=data("Codev du cercle"))

    response = client.get(reverse("circles:circle-detail", args=[circle.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Codev du cercle" in page
    assert f'href="{reverse("events:agenda")}?cercle=douaisis"' in page
    assert f'href="{reverse("events:feed-circle", args=["douaisis"])}"' in page
