"""API of the observatory (public reads; a coordinator's token also reads their private
indicators): `/api/v1/observatory/indicators` and `/api/v1/observatory/coverage`."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from maillage.accounts.api_auth import token_auth
from maillage.lib.api import DETAIL_ERRORS, PRIVATE_READ_ERRORS, optional

from . import coverage, selectors

router = Router()
optional_token = optional(token_auth)


def _viewer(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", True)
    return auth if auth is not True else request.user


class ScopeIn(Schema):
    perimetre: str = Field(
        "reseau", description="reseau, cercle, departement, region ou epci.", max_length=20
    )
    cle: str = Field(
        ..., description="Identifiant d'adresse du réseau ou du cercle, ou code.", max_length=220
    )


class IndicatorsIn(ScopeIn):
    indicateur: str = Field("", description="Un seul indicateur (sa clé).", max_length=80)
    mois: int = Field(1, ge=1, le=36, description="Nombre de mois de la série (1 : ce mois).")


class FigureOut(Schema):
    label: str
    value: float | None = Field(description="Vide quand le chiffre est masqué (1 à 4 personnes).")
    display: str


class PointOut(Schema):
    month: str
    figures: list[FigureOut]


class IndicatorOut(Schema):
    key: str
    label: str
    description: str
    unit: str
    people: bool
    source: str
    series: list[PointOut]


class IndicatorsOut(Schema):
    scope: dict[str, Any]
    indicators: list[IndicatorOut]


def _figure(fig: selectors.Figure) -> dict[str, Any]:
    return {"label": fig.label, "value": None if fig.masked else fig.value, "display": fig.display}


@router.get(
    "/indicators",
    response={200: IndicatorsOut, **PRIVATE_READ_ERRORS},
    auth=optional_token,
    summary="Indicateurs d'un périmètre",
)
def indicators(request: HttpRequest, params: Query[IndicatorsIn]) -> Any:
    """Les indicateurs d'un réseau, d'un cercle, d'un département, d'une région ou d'un EPCI,
    mois par mois. Les comptes de 1 à 4 personnes sont masqués (`value` vide, `display` « < 5 »)."""
    scope = selectors.get_scope(kind_slug=params.perimetre, key=params.cle)
    audience = selectors.audience_for(user=_viewer(request), scope=scope)
    found = selectors.visible_indicators(scope=scope, audience=audience)
    if params.indicateur:
        found = [
            selectors.get_visible_indicator(scope=scope, key=params.indicateur, audience=audience)
        ]
    out = []
    for indicator in found:
        points = selectors.series(scope=scope, indicator=indicator, months=params.mois)
        out.append(
            {
                "key": indicator.key,
                "label": str(indicator.label),
                "description": str(indicator.description),
                "unit": indicator.unit,
                "people": indicator.people,
                "source": indicator.source,
                "series": [
                    {"month": f"{p.month:%Y-%m}", "figures": [_figure(f) for f in p.figures]}
                    for p in points
                ],
            }
        )
    return {
        "scope": {"kind": scope.kind, "key": scope.key, "label": scope.label},
        "indicators": out,
    }


class CoverageIn(ScopeIn):
    rayon: int = Field(
        coverage.DEFAULT_WHITE_KM, description="Zone blanche au-delà de (km, 1–100)."
    )
    lieux: str = Field("", description="network (les lieux du périmètre) ou all (tout l'annuaire).")
    types: list[str] = Field([], description="Types de lieux (coworking, fablab…).")
    communes: bool = Field(False, description="Donner aussi chaque commune (distance, population).")


@router.get(
    "/coverage",
    response={200: dict[str, Any], **DETAIL_ERRORS},
    summary="Couverture du territoire d'un périmètre",
)
def coverage_read(request: HttpRequest, params: Query[CoverageIn]) -> Any:
    """Population à moins de 5, 10 et 20 km d'un lieu ouvert, zones blanches au-delà de `rayon`
    km, par département et par EPCI. Distances à vol d'oiseau entre centres des communes et lieux."""
    scope = selectors.get_scope(kind_slug=params.perimetre, key=params.cle)
    radius = coverage.parse_radius(params.rayon, default=coverage.DEFAULT_WHITE_KM)
    types = coverage.parse_types(params.types)
    source = (
        params.lieux
        if params.lieux in coverage.SOURCES
        else ("network" if scope.kind in ("network", "circle") else "all")
    )
    result = coverage.coverage_for(scope=scope, source=source, types=types)
    white_communes, white_people = result.white_zones(radius)

    def areas(rows: list[coverage.AreaRow]) -> list[dict[str, Any]]:
        return [
            {
                "code": r.code,
                "name": r.name,
                "communes": r.communes,
                "population": r.population,
                "covered_population": r.covered,
                "rate": round(r.rate, 2),
                "white_population": r.white_population,
            }
            for r in rows
        ]

    body: dict[str, Any] = {
        "scope": {"kind": scope.kind, "key": scope.key, "label": scope.label},
        "method": "straight-line distance between commune centres and places (great circle)",
        "directory_date": (d.isoformat() if (d := coverage.directory_date()) else None),
        "places": len(result.places.ids),
        "communes": result.commune_count,
        "population": result.population,
        "bands": [{**b, "rate": round(b["rate"], 2)} for b in result.bands()],
        "white_zone_km": radius,
        "white_communes": white_communes,
        "white_population": white_people,
        "coverage_rate": round(result.rate(radius), 2),
        "by_department": areas(result.by_department(radius)),
        "by_epci": areas(result.by_epci(radius)),
    }
    if params.communes:
        body["commune_rows"] = [
            {
                "code": r.code,
                "name": r.name,
                "population": r.population,
                "distance_km": round(r.distance_km, 2) if r.nearest_place else None,
                "nearest_place": r.nearest_place,
            }
            for r in result.commune_rows()
        ]
    return body
