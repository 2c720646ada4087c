"""Pages of the coverage (white zones, what-if, best sites) and of the comparisons."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.places.models import PlaceType
from maillage.territory.selectors import search_communes

from . import compare, coverage, exports, selectors
from .registry import COORDINATORS, Scope

MAP_WHITE_LIMIT = 4000
EPCI_ROWS = 100


def default_source(scope: Scope) -> str:
    return "network" if scope.kind in ("network", "circle") else "all"


def _params(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    """The coverage's parameters from the query; refusals collected per field (French)."""
    errors: dict[str, str] = {}
    source = request.GET.get("lieux") or default_source(scope)
    if source not in coverage.SOURCES:
        source = default_source(scope)
    try:
        white_km = coverage.parse_radius(
            request.GET.get("rayon"), default=coverage.DEFAULT_WHITE_KM
        )
    except coverage.CoverageError as refusal:
        errors["rayon"] = str(refusal.message)
        white_km = coverage.DEFAULT_WHITE_KM
    try:
        types = coverage.parse_types(request.GET.getlist("types"))
    except coverage.CoverageError as refusal:
        errors["types"] = str(refusal.message)
        types = ()
    return {"source": source, "white_km": white_km, "types": types, "errors": errors}


def _resolve_commune(request: HttpRequest) -> tuple[str, str | None]:
    """(text typed, INSEE code) for the what-if; UnknownCommune when nothing matches."""
    text = (request.GET.get("commune") or "").strip()[:100]
    code = (request.GET.get("commune_code") or "").strip()
    table = coverage.commune_table()
    if code and (code in table.index or code in table.arrondissements):
        return text, code
    if not text:
        return text, None
    if text.isdigit() and len(text) == 5 and (text in table.index or text in table.arrondissements):
        return text, text
    found = search_communes(query=text, limit=1)
    if not found:
        raise coverage.UnknownCommune
    return text, found[0].code_insee


@require_GET
def coverage_page(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    scope = selectors.get_scope(kind_slug=kind, key=key)
    audience = selectors.audience_for(user=request.user, scope=scope)
    params = _params(request, scope)
    errors: dict[str, str] = params["errors"]
    result = coverage.coverage_for(scope=scope, source=params["source"], types=params["types"])
    white_km = params["white_km"]
    what_if = None
    commune_text = request.GET.get("commune", "")
    try:
        sim_km = coverage.parse_radius(
            request.GET.get("rayon_simulation"), default=white_km, field="rayon_simulation"
        )
    except coverage.CoverageError as refusal:
        errors["rayon_simulation"] = str(refusal.message)
        sim_km = white_km
    try:
        commune_text, code = _resolve_commune(request)
        if code and "rayon_simulation" not in errors:
            what_if = result.what_if(code=code, radius_km=sim_km)
    except coverage.CoverageError as refusal:
        errors["commune"] = str(refusal.message)
    white_communes, white_people = result.white_zones(white_km)
    white_rows = result.white_rows(white_km)
    white_script, places_script = result.map_scripts(white_km, limit=MAP_WHITE_LIMIT)
    query = request.GET.copy()
    context = {
        "scope": scope,
        "kind": kind,
        "kind_label": selectors.kind_label(scope),
        "is_coordinator": audience == COORDINATORS,
        "coverage": result,
        "bands": result.bands(),
        "median_km": result.median_distance(),
        "white_km": white_km,
        "sim_km": sim_km,
        "white_communes": white_communes,
        "white_people": white_people,
        "white_rows": white_rows[:100],
        "white_total_rows": len(white_rows),
        "rate": result.rate(white_km),
        "by_department": result.by_department(white_km),
        "by_epci": result.by_epci(white_km)[:EPCI_ROWS],
        "epci_total": len(result.by_epci(white_km)),
        "sites": result.best_sites(radius_km=sim_km, count=10),
        "what_if": what_if,
        "commune_text": commune_text,
        "commune_code": request.GET.get("commune_code", ""),
        "errors": errors,
        "source": params["source"],
        "types": params["types"],
        "type_choices": PlaceType.choices,
        "white_script": white_script,
        "places_script": places_script,
        "directory_date": coverage.directory_stamp_label(),
        "query": query.urlencode(),
        "csv_url": reverse("observatory:coverage-data", args=[kind, key, "csv"]),
        "json_url": reverse("observatory:coverage-data", args=[kind, key, "json"]),
        "xlsx_url": reverse("observatory:coverage-data", args=[kind, key, "xlsx"]),
        "geojson_url": reverse("observatory:coverage-data", args=[kind, key, "geojson"]),
        "scope_url": reverse("observatory:scope", args=[kind, key]),
    }
    status = 422 if errors else 200
    return render(request, "observatory/coverage.html", context, status=status)


COMMUNE_HEADER = [
    "code_insee",
    "commune",
    "departement",
    "epci",
    "population",
    "distance_km",
    "lieu_le_plus_proche",
    "zone_blanche",
]


@require_GET
def coverage_data(request: HttpRequest, kind: str, key: str, fmt: str) -> HttpResponseBase:
    scope = selectors.get_scope(kind_slug=kind, key=key)
    params = _params(request, scope)
    if params["errors"]:
        return JsonResponse({"detail": " ".join(params["errors"].values())}, status=422)
    result = coverage.coverage_for(scope=scope, source=params["source"], types=params["types"])
    white_km = params["white_km"]
    if fmt == "geojson":
        response = JsonResponse(result.geojson(beyond_km=white_km))
        response["Content-Disposition"] = (
            f'attachment; filename="couverture-{scope.kind}-{scope.key}.geojson"'
        )
        return response
    rows = [
        [
            row.code,
            row.name,
            row.department_code,
            row.epci,
            row.population,
            round(row.distance_km, 2) if row.distance_km != float("inf") else None,
            row.nearest_place,
            "oui" if row.distance_km > white_km else "non",
        ]
        for row in result.commune_rows()
    ]
    return exports.table_response(
        fmt=fmt,
        filename=f"couverture-{scope.kind}-{scope.key}",
        header=COMMUNE_HEADER,
        rows=rows,
        delimiter=request.GET.get("sep"),
    )


@require_GET
def compare_page(request: HttpRequest, kind: str, key: str) -> HttpResponseBase:
    scope = selectors.get_scope(kind_slug=kind, key=key)
    audience = selectors.audience_for(user=request.user, scope=scope)
    available = selectors.visible_indicators(scope=scope, audience=audience)
    chosen_key = request.GET.get("indicateur") or (available[0].key if available else "")
    indicator = next((ind for ind in available if ind.key == chosen_key), None)
    error = None
    if indicator is None and available:
        error = _("Cet indicateur n'existe pas pour ce périmètre : choisissez-en un dans la liste.")
        indicator = available[0]
    table = compare.compare(scope=scope, indicator=indicator) if indicator else None
    fmt = request.GET.get("format")
    if table is not None and fmt in exports.FORMATS:
        return exports.table_response(
            fmt=fmt,
            filename=f"comparaison-{scope.kind}-{scope.key}",
            header=compare.HEADER,
            rows=table.rows(),
            delimiter=request.GET.get("sep"),
        )
    context = {
        "scope": scope,
        "kind": kind,
        "kind_label": selectors.kind_label(scope),
        "indicators": available,
        "indicator": indicator,
        "table": table,
        "error": error,
        "scope_url": reverse("observatory:scope", args=[kind, key]),
    }
    return render(request, "observatory/compare.html", context, status=422 if error else 200)
