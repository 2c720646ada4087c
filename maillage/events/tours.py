"""Tours of places: the route a tour's map draws (a line through its stops, numbered markers)."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from maillage.events.models import TourStop


def tour_route(stops: Iterable[TourStop]) -> dict[str, Any]:
    """The stops with coordinates, in order, for `events.js` (stops without coordinates are
    listed on the page but left off the map)."""
    points = []
    for stop in stops:
        place = stop.place
        if place.latitude is None or place.longitude is None:
            continue
        points.append(
            {
                "position": stop.position,
                "name": place.name,
                "url": reverse("places:place-detail", args=[place.slug]),
                "lat": place.latitude,
                "lng": place.longitude,
                "arrives": timezone.localtime(stop.arrives_at).strftime("%H:%M"),
                "leaves": timezone.localtime(stop.leaves_at).strftime("%H:%M"),
                "confirmed": stop.confirmed_at is not None,
            }
        )
    return {"points": points}
