"""Peer-only audiences: does this place, or this person, belong to a public of peers?

A codéveloppement group or an event can be reserved to the managers of places, of big places,
of rural places or of young places. The classification lives here, under the features that use
it (services' peer groups, events' registrations), so that each asks the same named selectors:

- a **big place** has at least 800 m² of spaces; when none of its spaces gives a surface, at
  least 6 spaces;
- a **rural place** is in a commune of fewer than 2,000 inhabitants;
- a **young place** opened less than 3 years ago: the opening year a feature knows (the peer
  profile of services, registered with `register_opening_years`), else the year it joined the
  directory.

A person belongs to an audience when they manage a place (not closed) that does.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from maillage.places.models import Place, PlaceRole, PlaceStatus, Space
from maillage.places.selectors import AnyUser

BIG_PLACE_M2 = 800
BIG_PLACE_SPACES = 6
RURAL_BELOW = 2_000
YOUNG_YEARS = 3


class PeerAudience(models.TextChoices):
    """Which places a peer programme or event is reserved to (`ALL`: any place)."""

    ALL = "all", _("Tous les lieux")
    BIG = "big", _("Gérant·es de grands lieux")
    RURAL = "rural", _("Lieux ruraux")
    YOUNG = "young", _("Lieux de moins de 3 ans")


# How a reservation reads to a person ("Réservé aux gérant·es de lieux ruraux").
RESERVED_TO: dict[str, StrPromise] = {
    PeerAudience.ALL: _("Réservé aux gérant·es de lieux"),
    PeerAudience.BIG: _("Réservé aux gérant·es de grands lieux"),
    PeerAudience.RURAL: _("Réservé aux gérant·es de lieux ruraux"),
    PeerAudience.YOUNG: _("Réservé aux gérant·es de lieux de moins de 3 ans"),
}

# Who they are, inside a sentence ("Cette animation est réservée aux gérant·es de lieux ruraux").
PEERS: dict[str, StrPromise] = {
    PeerAudience.ALL: _("gérant·es de lieux"),
    PeerAudience.BIG: _("gérant·es de grands lieux"),
    PeerAudience.RURAL: _("gérant·es de lieux ruraux"),
    PeerAudience.YOUNG: _("gérant·es de lieux de moins de 3 ans"),
}

OpeningYears = Callable[[list[int]], dict[int, int]]
_opening_years: list[OpeningYears] = []


def register_opening_years(provider: OpeningYears) -> None:
    """Let a feature say when places opened ({place id: year} for the ids it is given); called
    from its `AppConfig.ready()`. A later provider wins over an earlier one."""
    if provider not in _opening_years:
        _opening_years.append(provider)


@dataclass(frozen=True)
class PlaceFacts:
    """What the audiences look at, for one place."""

    surface_m2: int
    spaces: int
    population: int
    opened_year: int


def facts_of(place_ids: Iterable[int]) -> dict[int, PlaceFacts]:
    """The facts of these places, in a few queries whatever their number."""
    ids = list(dict.fromkeys(place_ids))
    if not ids:
        return {}
    sizes = {
        row["place_id"]: (row["surface"] or 0, row["spaces"])
        for row in Space.objects.filter(place_id__in=ids)
        .values("place_id")
        .annotate(surface=Sum("surface_m2"), spaces=Count("pk"))
    }
    years: dict[int, int] = {}
    for provider in _opening_years:
        years.update(provider(ids))
    facts = {}
    for pk, population, created_at in Place.objects.filter(pk__in=ids).values_list(
        "pk", "commune__population", "created_at"
    ):
        surface, spaces = sizes.get(pk, (0, 0))
        facts[pk] = PlaceFacts(
            surface_m2=surface,
            spaces=spaces,
            population=population if population is not None else -1,
            opened_year=years.get(pk) or timezone.localtime(created_at).year,
        )
    return facts


def fits(facts: PlaceFacts, audience: str, *, today: datetime.date | None = None) -> bool:
    """Whether a place with these facts is in the audience (an unknown audience: no place)."""
    if audience == PeerAudience.ALL:
        return True
    if audience == PeerAudience.BIG:
        if facts.surface_m2:
            return facts.surface_m2 >= BIG_PLACE_M2
        return facts.spaces >= BIG_PLACE_SPACES
    if audience == PeerAudience.RURAL:
        # A place without a commune is neither rural nor urban: it does not count.
        return 0 <= facts.population < RURAL_BELOW
    if audience == PeerAudience.YOUNG:
        year = (today or timezone.localdate()).year
        return year - facts.opened_year < YOUNG_YEARS
    return False


def places_in_audience(
    *, place_ids: Iterable[int], audience: str, today: datetime.date | None = None
) -> set[int]:
    """Those of these places that are in the audience."""
    return {pk for pk, facts in facts_of(place_ids).items() if fits(facts, audience, today=today)}


def place_in_audience(*, place: Place, audience: str, today: datetime.date | None = None) -> bool:
    """Whether the place is in the audience (every place is in `all`)."""
    if audience == PeerAudience.ALL:
        return True
    return bool(places_in_audience(place_ids=[place.pk], audience=audience, today=today))


def managed_place_ids(*, user: AnyUser) -> list[int]:
    """The places (not closed) this person manages."""
    if not user.is_authenticated:
        return []
    return list(
        PlaceRole.objects.filter(user=user, role=PlaceRole.Role.MANAGER)
        .exclude(place__status=PlaceStatus.CLOSED)
        .values_list("place_id", flat=True)
        .distinct()
    )


def person_in_audience(*, user: AnyUser, audience: str, today: datetime.date | None = None) -> bool:
    """Whether the person manages a place (not closed) in the audience; `all`: any place."""
    ids = managed_place_ids(user=user)
    if not ids:
        return False
    if audience == PeerAudience.ALL:
        return True
    return bool(places_in_audience(place_ids=ids, audience=audience, today=today))


def reserved_to(audience: str) -> str:
    """ "Réservé aux gérant·es de lieux ruraux"; empty for no reservation."""
    label = RESERVED_TO.get(audience)
    return str(label) if label is not None else ""
