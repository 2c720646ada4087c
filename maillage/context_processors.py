from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from maillage.accounts.models import User
from maillage.circles.selectors import circles_of_or_run_by
from maillage.networks.selectors import by_level, networks_coordinated_by
from maillage.places.selectors import places_managed_by

MENU_LIMIT = 5
"""How many places, networks or circles of a person the menu lists (Mon espace lists them all)."""


def site(request: HttpRequest) -> dict[str, object]:
    """Expose the few settings templates need (map tiles, site URL)."""
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "SITE_URL": settings.SITE_URL,
    }


class Navigation:
    """The role entries of the menu: the places a person manages, the networks they coordinate
    and the circles they sit in or whose network they coordinate. Each is read once, and only when the menu shows it."""

    def __init__(self, user: User) -> None:
        self.user = user

    def _first(self, queryset: QuerySet[Any]) -> list[Any]:
        return list(queryset[: MENU_LIMIT + 1])

    @cached_property
    def places(self) -> list[Any]:
        return self._first(places_managed_by(user=self.user))

    @cached_property
    def _coordinated(self) -> QuerySet[Any]:
        return networks_coordinated_by(user=self.user)

    @cached_property
    def networks(self) -> list[Any]:
        return self._first(by_level(self._coordinated))

    @cached_property
    def circles(self) -> list[Any]:
        return self._first(circles_of_or_run_by(user=self.user, coordinated=self._coordinated))

    @property
    def limit(self) -> int:
        return MENU_LIMIT


def navigation(request: HttpRequest) -> dict[str, object]:
    """`nav`: the person's role entries of the menu (nothing to read for a visitor)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    return {"nav": Navigation(user)}
