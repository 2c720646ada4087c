"""The indicator registry: one small function per indicator, declared by the app that owns the data.

An app adds its indicators in its own `indicators.py` (discovered when the observatory starts):

    from maillage.observatory.registry import Period, Scope, indicator

    @indicator(key="events.attendance", label=_("Participation aux animations"), people=True,
               scopes={"network", "circle"})
    def attendance(scope: Scope, period: Period) -> list[tuple[str, float]]:
        return [(_("Inscrits"), ...), (_("Présents"), ...)]

The function reads through its own app's selectors and returns rows `(label, value)` for the
scope and the month: "as of the end of the month" figures (stock) or "during the month" ones
(flow). `history=True` says the function can answer for a past month from the data's own
history, so the monthly snapshots can be back-filled. `people=True` marks counts of persons:
from 1 to 4 they are shown as "< 5" everywhere (pages, downloads, API), so no figure points at
someone. Scope kinds other than the observatory's own (network, département, région, EPCI) are
registered the same way (`scope_kind`), e.g. circles by the circles app.
"""

import calendar
import dataclasses
import datetime
from collections.abc import Callable, Iterable
from typing import Any

SMALL_COUNT = 5
"""Counts of people from 1 to SMALL_COUNT - 1 are never shown as such."""

PUBLIC = "public"
COORDINATORS = "coordinators"

Row = tuple[Any, float]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Scope:
    """What an indicator is computed for: a network, a circle, a département, a région, an EPCI.

    `place_ids`: the places it counts (a network's accepted members, the published places of a
    département…); `commune_codes`: its territory (None: no territory of its own);
    `network_id`: the network whose rules apply (licence, coordinators), if any.
    """

    kind: str
    key: str
    label: str
    place_ids: frozenset[int]
    commune_codes: frozenset[str] | None = None
    network_id: int | None = None
    circle_id: int | None = None
    population: int = 0
    rural: bool | None = None

    @property
    def ident(self) -> str:
        return f"{self.kind}:{self.key}"


@dataclasses.dataclass(frozen=True)
class Period:
    """One calendar month: `start` (its first day) and `end` (its last day), Europe/Paris."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def month_of(cls, day: datetime.date) -> "Period":
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(day.replace(day=1), day.replace(day=last))

    def previous(self) -> "Period":
        return Period.month_of(self.start - datetime.timedelta(days=1))

    def next(self) -> "Period":
        return Period.month_of(self.end + datetime.timedelta(days=1))

    @property
    def end_moment(self) -> datetime.datetime:
        """The first instant after the month (Europe/Paris), for `< end_moment` filters."""
        from django.utils import timezone

        following = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))

    @property
    def start_moment(self) -> datetime.datetime:
        from django.utils import timezone

        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Indicator:
    key: str
    label: Any
    compute: Callable[[Scope, Period], list[Row]]
    description: Any = ""
    unit: str = "count"  # count | cents | percent | km
    people: bool = False
    chart: str = "bars"  # bars | flows
    scopes: frozenset[str] = frozenset({"network"})
    audience: str = PUBLIC
    history: bool = False
    source: str = ""

    def rows(self, scope: Scope, period: Period) -> list[tuple[str, float]]:
        return [(str(label), float(value)) for label, value in self.compute(scope, period)]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ScopeKind:
    kind: str
    label: Any
    resolve: Callable[[str], Scope | None]
    candidates: Callable[[], Iterable[Scope]] | None = None


_INDICATORS: dict[str, Indicator] = {}
_SCOPE_KINDS: dict[str, ScopeKind] = {}


def indicator(
    *,
    key: str,
    label: Any,
    description: Any = "",
    unit: str = "count",
    people: bool = False,
    chart: str = "bars",
    scopes: Iterable[str] = ("network",),
    audience: str = PUBLIC,
    history: bool = False,
) -> Callable[[Callable[[Scope, Period], list[Row]]], Callable[[Scope, Period], list[Row]]]:
    """Register the decorated function as the indicator `key` (see the module's docstring)."""

    def register(fn: Callable[[Scope, Period], list[Row]]) -> Callable[[Scope, Period], list[Row]]:
        if key in _INDICATORS and _INDICATORS[key].compute is not fn:
            raise ValueError(f"indicator {key!r} is already registered")
        _INDICATORS[key] = Indicator(
            key=key,
            label=label,
            compute=fn,
            description=description,
            unit=unit,
            people=people,
            chart=chart,
            scopes=frozenset(scopes),
            audience=audience,
            history=history,
            source=fn.__module__.split(".")[1] if fn.__module__.count(".") else fn.__module__,
        )
        return fn

    return register


def scope_kind(kind: ScopeKind) -> None:
    """Register a kind of scope (its label and how to find one by its key)."""
    _SCOPE_KINDS[kind.kind] = kind


def indicators(*, scope_kind: str | None = None, audience: str | None = None) -> list[Indicator]:
    """The registered indicators (for a kind of scope, visible to an audience), by key."""
    found = [
        ind
        for ind in _INDICATORS.values()
        if (scope_kind is None or scope_kind in ind.scopes)
        and (audience is None or audience == COORDINATORS or ind.audience == PUBLIC)
    ]
    return sorted(found, key=lambda ind: ind.key)


def get_indicator(key: str) -> Indicator | None:
    return _INDICATORS.get(key)


def scope_kinds() -> dict[str, ScopeKind]:
    return dict(_SCOPE_KINDS)


def resolve_scope(kind: str, key: str) -> Scope | None:
    found = _SCOPE_KINDS.get(kind)
    return found.resolve(key) if found else None


def masked(value: float, *, people: bool) -> str | None:
    """The text shown instead of a count of 1 to 4 people ("< 5"), or None to show it."""
    if people and 0 < value < SMALL_COUNT:
        return f"< {SMALL_COUNT}"
    return None
