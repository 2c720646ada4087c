"""Reads of the observatory: scopes by their address, who sees which indicators, figures, series.

Every view goes through `get_scope` (404 when unknown) and `audience_for` (coordinators of the
scope's network see the indicators kept for them; everyone sees the public ones).
"""

import dataclasses
import datetime
import threading
import time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator, networks_coordinated_by

from .models import Snapshot
from .registry import (
    COORDINATORS,
    PUBLIC,
    Indicator,
    Period,
    Scope,
    get_indicator,
    indicators,
    masked,
    resolve_scope,
    scope_kinds,
)

AnyUser = User | AnonymousUser

# The scope kinds as they are written in addresses (French) and back.
KIND_SLUGS = {
    "reseau": "network",
    "cercle": "circle",
    "departement": "department",
    "region": "region",
    "epci": "epci",
}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
SERIES_MONTHS = 12


def get_scope(*, kind_slug: str, key: str) -> Scope:
    """The scope at this address; Http404 if the kind or the key is unknown."""
    kind = KIND_SLUGS.get(kind_slug)
    scope = resolve_scope(kind, key) if kind and key else None
    if scope is None:
        raise Http404(_("Ce périmètre n'existe pas."))
    return scope


def kind_label(scope: Scope) -> Any:
    found = scope_kinds().get(scope.kind)
    return found.label if found else scope.kind


def audience_for(*, user: AnyUser, scope: Scope) -> str:
    """COORDINATORS for the coordinators of the scope's network (and admins), PUBLIC otherwise."""
    if not user.is_authenticated:
        return PUBLIC
    if user.is_superuser:
        return COORDINATORS
    if scope.network_id is not None:
        network = Network.objects.filter(pk=scope.network_id).first()
        if network is not None and is_coordinator(user=user, network=network):
            return COORDINATORS
    return PUBLIC


# The order of the cards: the directory and the network first, then the features'.
ORDER = [
    "places.by_type",
    "places.by_status",
    "members.places",
    "members.new",
    "members.people",
    "directory.freshness",
    "mobility.visits",
    "mobility.flows",
    "mobility.money",
    "events.sessions",
    "events.attendance",
    "circles.budget",
    "commons.orientations",
    "commons.follow_through",
]


def visible_indicators(*, scope: Scope, audience: str) -> list[Indicator]:
    found = indicators(scope_kind=scope.kind, audience=audience)
    rank = {key: i for i, key in enumerate(ORDER)}
    return sorted(found, key=lambda ind: (rank.get(ind.key, len(ORDER)), ind.key))


def get_visible_indicator(*, scope: Scope, key: str, audience: str) -> Indicator:
    """The indicator for this scope; 404 if unknown there, 403 if kept for coordinators."""
    found = get_indicator(key)
    if found is None or scope.kind not in found.scopes:
        raise Http404(_("Cet indicateur n'existe pas pour ce périmètre."))
    if found.audience == COORDINATORS and audience != COORDINATORS:
        raise PermissionDenied(_("Cet indicateur est réservé à la coordination du réseau."))
    return found


@dataclasses.dataclass(frozen=True)
class Figure:
    label: str
    value: float
    display: str
    masked: bool


def display_value(value: float, *, indicator: Indicator) -> str:
    hidden = masked(value, people=indicator.people)
    if hidden:
        return hidden
    if indicator.unit == "cents":
        euros = value / 100
        return f"{euros:,.0f} €".replace(",", "\u202f")
    if indicator.unit == "percent":
        return f"{value:.0f} %"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


def figures_from_rows(rows: list[tuple[str, float]], *, indicator: Indicator) -> list[Figure]:
    return [
        Figure(
            label=label,
            value=value,
            display=display_value(value, indicator=indicator),
            masked=masked(value, people=indicator.people) is not None,
        )
        for label, value in rows
    ]


def current_period(today: datetime.date | None = None) -> Period:
    return Period.month_of(today or timezone.localdate())


LIVE_SECONDS = 120
_live: dict[tuple, tuple[float, list[tuple[str, float]]]] = {}
_live_lock = threading.Lock()


def live_rows(*, scope: Scope, indicator: Indicator, period: Period) -> list[tuple[str, float]]:
    """The indicator's rows for the month, computed at most once every LIVE_SECONDS per
    process for the same scope (its places and territory are part of the key): a monthly
    figure may lag a couple of minutes, a page of a dozen charts answers at once."""
    key = (
        scope.ident,
        hash((scope.place_ids, scope.commune_codes)),
        indicator.key,
        period.start,
        translation.get_language(),
    )
    now = time.monotonic()
    with _live_lock:
        found = _live.get(key)
        if found is not None and now - found[0] < LIVE_SECONDS:
            return found[1]
    rows = indicator.rows(scope, period)
    with _live_lock:
        if len(_live) > 2000:
            _live.clear()
        _live[key] = (now, rows)
    return rows


def clear_live_cache() -> None:
    with _live_lock:
        _live.clear()


def figures(*, scope: Scope, indicator: Indicator, period: Period | None = None) -> list[Figure]:
    """The indicator's figures for the scope, this month (live), small counts masked."""
    rows = live_rows(scope=scope, indicator=indicator, period=period or current_period())
    return figures_from_rows(rows, indicator=indicator)


@dataclasses.dataclass(frozen=True)
class SeriesPoint:
    month: datetime.date
    figures: list[Figure]
    total: float
    total_display: str
    live: bool


def series(
    *,
    scope: Scope,
    indicator: Indicator,
    months: int = SERIES_MONTHS,
    today: datetime.date | None = None,
) -> list[SeriesPoint]:
    """The monthly points of the last `months` months: the snapshots, and this month live."""
    period = current_period(today)
    first = period.start
    for _step in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    stored = {
        snap.month: snap
        for snap in Snapshot.objects.filter(
            scope_kind=scope.kind, scope_key=scope.key, indicator=indicator.key, month__gte=first
        )
    }
    points: list[SeriesPoint] = []
    month = first
    while month <= period.start:
        live = month == period.start
        if live:
            rows = live_rows(scope=scope, indicator=indicator, period=period)
        elif month in stored:
            rows = [(str(label), float(value)) for label, value in stored[month].rows]
        else:
            rows = []
        if rows or live:
            total = sum(value for _label, value in rows)
            points.append(
                SeriesPoint(
                    month=month,
                    figures=figures_from_rows(rows, indicator=indicator),
                    total=total,
                    total_display=display_value(total, indicator=indicator),
                    live=live,
                )
            )
        month = Period.month_of(month).next().start
    return points


def require_coordinator_scope(*, user: AnyUser, scope: Scope) -> None:
    if audience_for(user=user, scope=scope) != COORDINATORS:
        raise PermissionDenied


def coordinated_networks(*, user: AnyUser):
    return networks_coordinated_by(user=user).order_by("name")
