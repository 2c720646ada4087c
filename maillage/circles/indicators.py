"""The circles' contribution to the observatory: the circle as a scope, and its budget figures.

Read through `circles.budget` (the same figures as the budget and transparency pages, tested
equal to the ledger). Kept for coordinators: a network may publish its transparency pages to
its members only.
"""

from django.utils.translation import gettext_lazy as _

from maillage.circles import budget
from maillage.circles.models import Circle
from maillage.observatory.registry import (
    COORDINATORS,
    Period,
    Row,
    Scope,
    ScopeKind,
    indicator,
    scope_kind,
)


def circle_scope(circle: Circle) -> Scope:
    codes = frozenset(circle.communes.values_list("code_insee", flat=True))
    population = sum(circle.communes.values_list("population", flat=True))
    return Scope(
        kind="circle",
        key=circle.slug,
        label=circle.name,
        place_ids=frozenset(circle.places.values_list("pk", flat=True)),
        commune_codes=codes or None,
        network_id=circle.network_id,
        circle_id=circle.pk,
        population=population,
    )


def _resolve(key: str) -> Scope | None:
    circle = Circle.objects.filter(slug=key).first()
    return circle_scope(circle) if circle else None


def _candidates() -> list[Scope]:
    return [circle_scope(circle) for circle in Circle.objects.order_by("name")]


scope_kind(ScopeKind(kind="circle", label=_("Cercle"), resolve=_resolve, candidates=_candidates))


def _circles(scope: Scope) -> list[Circle]:
    if scope.kind == "circle":
        return list(Circle.objects.filter(pk=scope.circle_id or 0))
    return list(Circle.objects.filter(network_id=scope.network_id or 0))


@indicator(
    key="circles.budget",
    label=_("Budgets des cercles"),
    description=_(
        "Enveloppes reçues, sommes accordées par les décisions en vigueur et dépenses payées "
        "(aujourd'hui, en euros)."
    ),
    unit="cents",
    scopes=("network", "circle"),
    audience=COORDINATORS,
)
def circle_budgets(scope: Scope, period: Period) -> list[Row]:
    circles = _circles(scope)
    return [
        (_("Enveloppes"), sum(budget.budget_total(circle=c) for c in circles)),
        (_("Accordé"), sum(budget.granted_total(circle=c) for c in circles)),
        (_("Dépensé"), sum(budget.spent_total(circle=c) for c in circles)),
    ]
