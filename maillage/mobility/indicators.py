"""Mobility's contribution to the observatory: visits, flows between places, money to hosts.

Read through `mobility.selectors.network_flows` (the month's settlement, frozen once the month
is closed), so the figures are those of the statements. Visits are made by people: from 1 to 4
they are shown as "< 5".
"""

from django.utils.translation import gettext_lazy as _

from maillage.mobility import selectors
from maillage.networks.models import Network
from maillage.observatory.registry import COORDINATORS, Period, Row, Scope, indicator

TOP_FLOWS = 12


def _flows(scope: Scope, period: Period) -> list:
    network = Network.objects.filter(pk=scope.network_id or 0).first()
    if network is None:
        return []
    return selectors.network_flows(network=network, month=period.start)


@indicator(
    key="mobility.visits",
    label=_("Visites de coworkers entre lieux"),
    description=_("Visites faites avec un pass de mobilité pendant le mois (relevés du mois)."),
    people=True,
    scopes=("network",),
    history=True,
)
def visits(scope: Scope, period: Period) -> list[Row]:
    return [(_("Visites"), sum(flow.visits for flow in _flows(scope, period)))]


@indicator(
    key="mobility.flows",
    label=_("Flux entre lieux"),
    description=_("Les trajets les plus fréquents du mois : lieu d'attache → lieu d'accueil."),
    people=True,
    chart="flows",
    scopes=("network",),
    audience=COORDINATORS,
    history=True,
)
def flows(scope: Scope, period: Period) -> list[Row]:
    ranked = sorted(_flows(scope, period), key=lambda flow: -flow.visits)[:TOP_FLOWS]
    return [(f"{flow.from_place} → {flow.to_place}", flow.visits) for flow in ranked]


@indicator(
    key="mobility.money",
    label=_("Argent versé aux lieux d'accueil"),
    description=_("Sommes reçues par les lieux d'accueil pour les visites du mois (en euros)."),
    unit="cents",
    scopes=("network",),
    audience=COORDINATORS,
    history=True,
)
def money(scope: Scope, period: Period) -> list[Row]:
    return [(_("Versé aux lieux"), sum(flow.amount_cents for flow in _flows(scope, period)))]
