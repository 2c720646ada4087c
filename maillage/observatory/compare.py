"""A scope beside similar ones on one indicator: same kind, similar size, rural or urban alike.

"Similar": the other scopes of the same kind (networks of the same level) whose population is
closest to this one's (on a log scale) and whose rural/urban character is the same when known
(most inhabitants in communes under 2,000 people → rural).
"""

import dataclasses
import math

from django.db.models import Q, Sum

from maillage.networks.models import Network
from maillage.territory.models import Commune

from .registry import Indicator, Period, Scope, resolve_scope, scope_kinds
from .scopes import RURAL_COMMUNE
from .selectors import Figure, current_period, display_value, figures_from_rows

SIMILAR = 5
AREA_FIELDS = {"department": "department_code", "region": "region_code", "epci": "epci_code"}
HEADER = [
    "perimetre",
    "identifiant",
    "nom",
    "population",
    "rural",
    "categorie",
    "valeur",
    "affichage",
]


@dataclasses.dataclass
class Line:
    scope: Scope
    figures: dict[str, Figure]
    total: float
    total_display: str
    is_self: bool


@dataclasses.dataclass
class CompareTable:
    indicator: Indicator
    columns: list[str]
    lines: list[Line]

    def rows(self) -> list[list]:
        out = []
        for line in self.lines:
            for column in self.columns:
                fig = line.figures.get(column)
                out.append(
                    [
                        line.scope.kind,
                        line.scope.key,
                        line.scope.label,
                        line.scope.population,
                        "" if line.scope.rural is None else ("oui" if line.scope.rural else "non"),
                        column,
                        None if fig is None or fig.masked else fig.value,
                        fig.display if fig else "",
                    ]
                )
        return out


def _closeness(scope: Scope, population: int, rural: bool | None) -> tuple[int, float]:
    same = 0 if scope.rural is None or rural is None or scope.rural == rural else 1
    return same, abs(math.log1p(population) - math.log1p(scope.population))


def similar_keys(scope: Scope, *, limit: int = SIMILAR) -> list[str]:
    """The keys of the most similar scopes of the same kind (not the scope itself)."""
    field = AREA_FIELDS.get(scope.kind)
    if field is not None:
        rows = (
            Commune.objects.exclude(**{field: ""})
            .values(field)
            .annotate(
                people=Sum("population"),
                rural_people=Sum("population", filter=Q(population__lt=RURAL_COMMUNE)),
            )
        )
        ranked = sorted(
            (
                _closeness(
                    scope,
                    row["population"] or 0,
                    (row["rural"] or 0) * 2 >= (row["population"] or 0)
                    if row["population"]
                    else None,
                ),
                row[field],
            )
            for row in rows
            if row[field] != scope.key
        )
        return [key for _rank, key in ranked[:limit]]
    if scope.kind == "network":
        level = (
            Network.objects.filter(pk=scope.network_id or 0).values_list("level", flat=True).first()
        )
        keys = (
            Network.objects.filter(level=level)
            .exclude(slug=scope.key)
            .values_list("slug", flat=True)
        )
        others = [s for s in (resolve_scope("network", k) for k in keys) if s is not None]
    else:
        kind = scope_kinds().get(scope.kind)
        others = [
            s for s in (kind.candidates() if kind and kind.candidates else []) if s.key != scope.key
        ]
    others.sort(key=lambda s: _closeness(scope, s.population, s.rural))
    return [s.key for s in others[:limit]]


def compare(*, scope: Scope, indicator: Indicator, period: Period | None = None) -> CompareTable:
    period = period or current_period()
    scopes = [scope] + [
        s for s in (resolve_scope(scope.kind, k) for k in similar_keys(scope)) if s is not None
    ]
    lines: list[Line] = []
    columns: list[str] = []
    for one in scopes:
        figures = figures_from_rows(indicator.rows(one, period), indicator=indicator)
        for fig in figures:
            if fig.label not in columns:
                columns.append(fig.label)
        total = sum(f.value for f in figures)
        lines.append(
            Line(
                scope=one,
                figures={f.label: f for f in figures},
                total=total,
                total_display=display_value(total, indicator=indicator),
                is_self=one is scope,
            )
        )
    return CompareTable(indicator=indicator, columns=columns, lines=lines)
