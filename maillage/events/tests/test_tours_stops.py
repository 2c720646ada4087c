"""Tours: ordered stops inside the tour's times, reordering, the route, confirmation by places."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from maillage.events.models import EventKind
from maillage.events.services import (
    EventData,
    StopRefused,
    add_stop,
    confirm_stop,
    create_event,
    move_stop,
    remove_stop,
)
from maillage.notifications.models import Notification
from maillage.places.tests.factories import PlaceFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def tour(dora, network_a, place, other_place, commune):
    third = PlaceFactory(
        name="L'Atelier", slug="l-atelier", commune=commune, latitude=50.4, longitude=3.0
    )
    event = create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.TOUR,
            title="Tournée à vélo",
            starts_at=paris(2026, 5, 16, 9, 0),
            ends_at=paris(2026, 5, 16, 18, 0),
        ),
    )
    for hour, stop_place in ((9, place), (12, other_place), (15, third)):
        add_stop(
            by=dora,
            event=event,
            place=stop_place,
            arrives_at=paris(2026, 5, 16, hour, 30),
            leaves_at=paris(2026, 5, 16, hour + 1, 30),
        )
    return event


def order(event) -> list[str]:
    return [s.place.name for s in event.stops.order_by("position")]


@pytest.mark.django_db
def test_stops_are_numbered_in_order_and_can_be_moved_and_removed(tour, dora):
    assert order(tour) == ["La Bobine", "Le Hangar", "L'Atelier"]
    move_stop(by=dora, stop=tour.stops.get(position=3), offset=-1)
    assert order(tour) == ["La Bobine", "L'Atelier", "Le Hangar"]
    move_stop(by=dora, stop=tour.stops.get(position=1), offset=-1)  # already first: no change
    assert order(tour) == ["La Bobine", "L'Atelier", "Le Hangar"]
    remove_stop(by=dora, stop=tour.stops.get(position=1))
    assert order(tour) == ["L'Atelier", "Le Hangar"]
    assert list(tour.stops.values_list("position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_a_stop_outside_the_tour_times_is_refused(tour, dora, place):
    with pytest.raises(StopRefused, match="pendant la tournée"):
        add_stop(
            by=dora,
            event=tour,
            place=place,
            arrives_at=paris(2026, 5, 16, 17, 0),
            leaves_at=paris(2026, 5, 16, 19, 0),
        )
    with pytest.raises(StopRefused, match="après l'arrivée"):
        add_stop(
            by=dora,
            event=tour,
            place=place,
            arrives_at=paris(2026, 5, 16, 11, 0),
            leaves_at=paris(2026, 5, 16, 10, 0),
        )
    assert tour.stops.count() == 3


@pytest.mark.django_db
def test_only_a_manager_of_the_stop_place_confirms_it(tour, alice, charlie, dora):
    first = tour.stops.get(position=1)  # La Bobine, managed by Alice
    with pytest.raises(PermissionDenied):
        confirm_stop(by=charlie, stop=first)
    confirm_stop(by=alice, stop=first)
    first.refresh_from_db()
    assert first.confirmed_at is not None and first.confirmed_by == alice
    assert Notification.objects.filter(user=dora, topic="events.tour").count() == 1


@pytest.mark.django_db
def test_tour_page_draws_the_route_and_shows_the_confirmed_badge(client, tour, alice):
    client.force_login(alice)
    first = tour.stops.get(position=1)
    response = client.post(reverse("events:tour-stop-confirm", args=[tour.slug, first.pk]))
    assert response.status_code == 302
    text = client.get(reverse("events:event-detail", args=[tour.slug])).content.decode()
    route = json.loads(
        re.search(
            r'<script id="tour-route-data" type="application/json">(.*?)</script>', text, re.S
        ).group(1)
    )
    assert [p["position"] for p in route["points"]] == [1, 2, 3]
    assert [p["name"] for p in route["points"]] == ["La Bobine", "Le Hangar", "L'Atelier"]
    assert route["points"][0]["confirmed"] is True
    assert 'data-tour-route="tour-route-data"' in text
    assert "confirmée" in text
    # Alice confirmed hers; she is not a manager of the others, so no other button.
    assert "Confirmer l’étape" not in text


@pytest.mark.django_db
def test_adding_a_stop_through_the_page(client, tour, dora, place):
    client.force_login(dora)
    response = client.post(
        reverse("events:tour-stops", args=[tour.slug]),
        {
            "place": place.slug,
            "arrives_at": "2026-05-16T17:00",
            "leaves_at": "2026-05-16T17:45",
            "note": "Goûter",
        },
    )
    assert response.status_code == 302
    assert tour.stops.get(position=4).note == "Goûter"
    response = client.post(
        reverse("events:tour-stops", args=[tour.slug]),
        {"place": place.slug, "arrives_at": "2026-05-17T09:00", "leaves_at": "2026-05-17T10:00"},
    )
    assert response.status_code == 200
    assert "pendant la tournée" in str(response.context["form"].errors)
    assert tour.stops.count() == 4
