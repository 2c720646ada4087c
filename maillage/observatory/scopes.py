"""The observatory's own kinds of scope: a network, a département, a région, an EPCI.

Circles register theirs from `circles/indicators.py`. A scope is built from the directory and
the gazetteer only (layers below the features); `rural` says whether most of its inhabitants live
in communes under 2,000 people (the INSEE's old urban-unit threshold), used to find "similar"
scopes to compare with.
"""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from maillage.networks.models import MembershipStatus, Network
from maillage.places.models import Place
from maillage.territory.models import Commune

from .registry import Scope, ScopeKind, scope_kind

RURAL_COMMUNE = 2_000


def _rural(communes) -> tuple[int, bool | None]:
    totals = communes.aggregate(
        people=Sum("population"),
        rural_people=Sum("population", filter=Q(population__lt=RURAL_COMMUNE)),
    )
    population = totals["people"] or 0
    if not population:
        return 0, None
    return population, (totals["rural_people"] or 0) * 2 >= population


def network_scope(network: Network) -> Scope:
    place_ids = frozenset(
        Place.objects.filter(
            memberships__network=network, memberships__status=MembershipStatus.ACCEPTED
        ).values_list("pk", flat=True)
    )
    codes = frozenset(network.communes.values_list("code_insee", flat=True))
    population, rural = _rural(network.communes.all()) if codes else (0, None)
    return Scope(
        kind="network",
        key=network.slug,
        label=network.name,
        place_ids=place_ids,
        commune_codes=codes or None,
        network_id=network.pk,
        population=population,
        rural=rural,
    )


def _resolve_network(key: str) -> Scope | None:
    network = Network.objects.filter(slug=key).first()
    return network_scope(network) if network else None


def _area_scope(kind: str, field: str, key: str, label: str) -> Scope:
    communes = Commune.objects.filter(**{field: key})
    place_ids = frozenset(
        Place.objects.published().filter(**{f"commune__{field}": key}).values_list("pk", flat=True)
    )
    population, rural = _rural(communes)
    return Scope(
        kind=kind,
        key=key,
        label=label,
        place_ids=place_ids,
        commune_codes=frozenset(communes.values_list("code_insee", flat=True)),
        population=population,
        rural=rural,
    )


def _resolver(kind: str, field: str, name_field: str):
    def resolve(key: str) -> Scope | None:
        row = Commune.objects.filter(**{field: key}).values_list(name_field, flat=True).first()
        if not key or row is None:
            return None
        return _area_scope(kind, field, key, row)

    return resolve


def _areas(kind: str, field: str, name_field: str):
    def candidates() -> list[Scope]:
        rows = (
            Commune.objects.exclude(**{field: ""})
            .values(field, name_field)
            .annotate(n=Count("pk"))
            .order_by(field)
        )
        return [_area_scope(kind, field, row[field], row[name_field]) for row in rows]

    return candidates


def _networks() -> list[Scope]:
    return [network_scope(network) for network in Network.objects.order_by("name")]


scope_kind(
    ScopeKind(kind="network", label=_("Réseau"), resolve=_resolve_network, candidates=_networks)
)
scope_kind(
    ScopeKind(
        kind="department",
        label=_("Département"),
        resolve=_resolver("department", "department_code", "department"),
        candidates=_areas("department", "department_code", "department"),
    )
)
scope_kind(
    ScopeKind(
        kind="region",
        label=_("Région"),
        resolve=_resolver("region", "region_code", "region"),
        candidates=_areas("region", "region_code", "region"),
    )
)
scope_kind(
    ScopeKind(
        kind="epci",
        label=_("Intercommunalité (EPCI)"),
        resolve=_resolver("epci", "epci_code", "epci"),
        candidates=_areas("epci", "epci_code", "epci"),
    )
)
