"""Reads of the search page, the map and the API: filtered places, facet counts, distances.

Everything narrows one SQL query of published places; facets are grouped COUNTs over that query
minus the facet's own filter (so each option says how many places choosing it would give).
Distances: a latitude/longitude box in SQL, then exact great-circle distances in Python on the
rows the box lets through.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.lib.geo import EARTH_RADIUS_KM, distance_km, feature_collection
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.models import (
    Equipment,
    EquipmentCategory,
    Place,
    PlaceStatus,
    PlaceType,
    SharingMode,
    Space,
    SpaceKind,
)
from maillage.places.search import backends
from maillage.places.search.filters import RADIUS_CHOICES, SearchFilters, Sort

PAGE_SIZE = 20
CAPACITY_STEPS = (5, 10, 20, 50, 100)
SURFACE_STEPS = (10, 20, 50, 100, 200)
PRICE_STEPS_CENTS = (0, 1000, 2000, 5000, 10000, 20000)
MAX_NETWORK_OPTIONS = 30

SPACE_FILTERS = ("space_kind", "capacity_min", "surface_min", "price_max_cents")
EQUIPMENT_FILTERS = ("equipment_category", "sharing_mode")


@dataclass(frozen=True)
class Result:
    place: Place
    distance_km: float | None


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str  # the query key
    label: str
    options: list[FacetOption]
    multiple: bool = False

    @property
    def has_selection(self) -> bool:
        return any(option.selected for option in self.options)


@dataclass(frozen=True)
class Suggestion:
    text: str
    query: str
    count: int


@dataclass
class SearchResults:
    filters: SearchFilters
    results: list[Result]
    total: int
    page: int
    page_count: int
    facets: list[Facet] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def previous_query(self) -> str:
        return self.filters.with_(page=self.page - 1).to_query()

    @property
    def next_query(self) -> str:
        return self.filters.with_(page=self.page + 1).to_query()


# --- the filtered query ---------------------------------------------------------------------


def _space_conditions(filters: SearchFilters, skip: str | None) -> dict[str, Any]:
    conditions: dict[str, Any] = {}
    if filters.space_kind and skip != "space_kind":
        conditions["kind"] = filters.space_kind
    if filters.capacity_min is not None and skip != "capacity_min":
        conditions["capacity__gte"] = filters.capacity_min
    if filters.surface_min is not None and skip != "surface_min":
        conditions["surface_m2__gte"] = filters.surface_min
    if filters.price_max_cents is not None and skip != "price_max_cents":
        conditions["price_public_cents__lte"] = filters.price_max_cents
    return conditions


def _equipment_conditions(filters: SearchFilters, skip: str | None) -> dict[str, Any]:
    conditions: dict[str, Any] = {}
    if filters.equipment_category and skip != "equipment_category":
        conditions["category"] = filters.equipment_category
    if filters.sharing_mode and skip != "sharing_mode":
        conditions["sharing_mode"] = filters.sharing_mode
    return conditions


def _filtered(
    filters: SearchFilters, *, skip: str | None = None, radius_ids: list[int] | None = None
) -> QuerySet[Place]:
    """Published places matching every filter but `skip` (radius as precomputed ids)."""
    places = Place.objects.published()
    if filters.q and skip != "q":
        using = router.db_for_read(Place)
        if backends.is_supported(connections[using]):
            # None when the words are all stop words ("de la"): nothing then narrows.
            subquery = backends.match_subquery(filters.q, using=using)
            if subquery is not None:
                # Fixed SQL from backends; the words travel as a parameter.
                places = places.filter(pk__in=RawSQL(*subquery))  # noqa: S611
        else:
            places = places.filter(name__icontains=filters.q)
    if filters.types and skip != "types":
        # Several types: a place of any of them. Types are a JSON list of known codes; the quoted
        # code matches one element exactly (SQLite has no JSON containment lookup).
        any_type = Q()
        for code in filters.types:
            any_type |= Q(types__icontains=f'"{code}"')
        places = places.filter(any_type)
    if filters.status and skip != "status":
        places = places.filter(status=filters.status)
    # The space conditions hold for one and the same space: "a meeting room for 20".
    space_conditions = _space_conditions(filters, skip)
    if space_conditions:
        places = places.filter(
            Exists(Space.objects.filter(place=OuterRef("pk"), **space_conditions))
        )
    equipment_conditions = _equipment_conditions(filters, skip)
    if equipment_conditions:
        places = places.filter(
            Exists(Equipment.objects.filter(place=OuterRef("pk"), **equipment_conditions))
        )
    if filters.accessible and skip != "accessible":
        places = places.filter(
            Q(access_step_free=True)
            | Exists(Space.objects.filter(place=OuterRef("pk"), is_accessible=True))
        )
    if filters.network and skip != "network":
        places = places.filter(
            Exists(
                Membership.objects.filter(
                    place=OuterRef("pk"),
                    network__slug=filters.network,
                    status=MembershipStatus.ACCEPTED,
                )
            )
        )
    if radius_ids is not None and skip != "radius_km":
        places = places.filter(pk__in=radius_ids)
    return places


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box holding every point within `km` of (lat, lon)."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(lat))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, dlat / cos_lat)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _in_box(places: QuerySet[Place], box: tuple[float, float, float, float]) -> QuerySet[Place]:
    south, north, west, east = box
    places = places.filter(latitude__range=(south, north))
    if west < -180 or east > 180:
        # The box crosses the antimeridian (Wallis-et-Futuna): keep every longitude.
        return places.filter(longitude__isnull=False)
    return places.filter(longitude__range=(west, east))


def _within_radius(filters: SearchFilters) -> list[int] | None:
    """The ids of published places within the radius of the origin, or None without a radius."""
    origin = filters.origin
    if origin is None or filters.radius_km is None:
        return None
    box = bounding_box(origin.lat, origin.lon, filters.radius_km)
    rows = _in_box(Place.objects.published(), box).values_list("pk", "latitude", "longitude")
    return [
        pk
        for pk, lat, lon in rows
        if distance_km(origin.lat, origin.lon, lat, lon) <= filters.radius_km
    ]


# --- the search -----------------------------------------------------------------------------


def search(
    filters: SearchFilters, *, user: Any = None, page_size: int = PAGE_SIZE, facets: bool = True
) -> SearchResults:
    """One page of the places matching the filters, with distances, total and facet counts.

    Every visitor sees the same published places, so `user` only keeps the API's signature
    ready for private fields.
    """
    radius_ids = _within_radius(filters)
    places = _filtered(filters, radius_ids=radius_ids)
    origin = filters.origin
    sort = filters.effective_sort
    if sort in (Sort.RELEVANCE, Sort.DISTANCE):
        ids, distances = _sorted_ids(places, filters, sort)
        total = len(ids)
        page_count = max(1, math.ceil(total / page_size))
        page = min(filters.page, page_count)
        page_ids = ids[(page - 1) * page_size : page * page_size]
        by_pk = Place.objects.select_related("commune").in_bulk(page_ids)
        page_places = [by_pk[pk] for pk in page_ids if pk in by_pk]
    else:
        total = places.count()
        page_count = max(1, math.ceil(total / page_size))
        page = min(filters.page, page_count)
        order = ["-freshness_score", "name", "pk"] if sort == Sort.FRESHNESS else ["name", "pk"]
        page_places = list(
            places.select_related("commune").order_by(*order)[
                (page - 1) * page_size : page * page_size
            ]
        )
        distances = {}
    results = []
    for place in page_places:
        km = distances.get(place.pk)
        if km is None and origin is not None and place.has_position:
            km = distance_km(origin.lat, origin.lon, place.latitude, place.longitude)
        results.append(Result(place=place, distance_km=km))
    found = SearchResults(
        filters=filters, results=results, total=total, page=page, page_count=page_count
    )
    if facets:
        found.facets = facet_counts(filters, radius_ids=radius_ids)
    if total == 0:
        found.suggestions = widening_suggestions(filters, radius_ids=radius_ids)
    return found


def _sorted_ids(
    places: QuerySet[Place], filters: SearchFilters, sort: str
) -> tuple[list[int], dict[int, float]]:
    rows = list(places.values_list("pk", "name", "latitude", "longitude"))
    origin = filters.origin
    distances: dict[int, float] = {}
    if origin is not None:
        for pk, _name, lat, lon in rows:
            if lat is not None and lon is not None:
                distances[pk] = distance_km(origin.lat, origin.lon, lat, lon)
    if sort == Sort.DISTANCE:
        rows.sort(key=lambda row: (distances.get(row[0], math.inf), row[1], row[0]))
    else:
        scores = backends.scores(filters.q, using=router.db_for_read(Place))
        rows.sort(key=lambda row: (-scores.get(row[0], 0.0), row[1], row[0]))
    return [row[0] for row in rows], distances


# --- facets ---------------------------------------------------------------------------------


def _option(value: str, label: Any, count: int, selected: bool) -> FacetOption:
    return FacetOption(value=value, label=str(label), count=count, selected=selected)


def facet_counts(filters: SearchFilters, *, radius_ids: list[int] | None = None) -> list[Facet]:
    """For each facet, how many places each option would give with the other filters kept."""

    def base(skip: str) -> QuerySet[Place]:
        return _filtered(filters, skip=skip, radius_ids=radius_ids)

    facets = []

    type_counts = base("types").aggregate(
        **{code: Count("pk", filter=Q(types__icontains=f'"{code}"')) for code in PlaceType.values}
    )
    facets.append(
        Facet(
            "type",
            _("Type de lieu"),
            [
                _option(code, label, type_counts[code], code in filters.types)
                for code, label in PlaceType.choices
            ],
            multiple=True,
        )
    )

    kind_counts = dict(
        Space.objects.filter(
            place__in=base("space_kind"), **_space_conditions(filters, "space_kind")
        )
        .values("kind")
        .annotate(n=Count("place", distinct=True))
        .values_list("kind", "n")
    )
    facets.append(
        Facet(
            "space_kind",
            _("Type d'espace"),
            [
                _option(code, label, kind_counts.get(code, 0), filters.space_kind == code)
                for code, label in SpaceKind.choices
            ],
        )
    )

    facets.append(
        _step_facet(
            "capacity_min",
            _("Capacité d'au moins"),
            base("capacity_min"),
            _space_conditions(filters, "capacity_min"),
            "capacity__gte",
            CAPACITY_STEPS,
            filters.capacity_min,
            lambda n: _("%(n)s personnes") % {"n": n},
        )
    )
    facets.append(
        _step_facet(
            "surface_min",
            _("Surface d'au moins"),
            base("surface_min"),
            _space_conditions(filters, "surface_min"),
            "surface_m2__gte",
            SURFACE_STEPS,
            filters.surface_min,
            lambda n: _("%(n)s m²") % {"n": n},
        )
    )
    facets.append(
        _step_facet(
            "price_max",
            _("Prix public d'au plus"),
            base("price_max_cents"),
            _space_conditions(filters, "price_max_cents"),
            "price_public_cents__lte",
            PRICE_STEPS_CENTS,
            filters.price_max_cents,
            lambda cents: _("gratuit") if cents == 0 else _("%(n)s €") % {"n": cents // 100},
            value=lambda cents: str(cents // 100),
        )
    )

    for name, label, choices, selected in (
        (
            "equipment_category",
            _("Catégorie d'équipement"),
            EquipmentCategory.choices,
            filters.equipment_category,
        ),
        ("sharing_mode", _("Mode de partage"), SharingMode.choices, filters.sharing_mode),
    ):
        field_name = "category" if name == "equipment_category" else name
        counts = dict(
            Equipment.objects.filter(place__in=base(name), **_equipment_conditions(filters, name))
            .values(field_name)
            .annotate(n=Count("place", distinct=True))
            .values_list(field_name, "n")
        )
        facets.append(
            Facet(
                name,
                label,
                [
                    _option(code, option_label, counts.get(code, 0), selected == code)
                    for code, option_label in choices
                ],
            )
        )

    accessible_count = (
        base("accessible")
        .filter(
            Q(access_step_free=True)
            | Exists(Space.objects.filter(place=OuterRef("pk"), is_accessible=True))
        )
        .count()
    )
    facets.append(
        Facet(
            "accessible",
            _("Accessibilité"),
            [
                _option(
                    "1",
                    _("Accessible en fauteuil roulant"),
                    accessible_count,
                    filters.accessible,
                )
            ],
        )
    )

    network_rows = list(
        Membership.objects.filter(status=MembershipStatus.ACCEPTED, place__in=base("network"))
        .values("network__slug", "network__name")
        .annotate(n=Count("place", distinct=True))
        .order_by("-n", "network__name")[:MAX_NETWORK_OPTIONS]
    )
    options = [
        _option(
            row["network__slug"],
            row["network__name"],
            row["n"],
            row["network__slug"] == filters.network,
        )
        for row in network_rows
    ]
    if filters.network and not any(option.selected for option in options):
        from maillage.networks.models import Network

        name = Network.objects.filter(slug=filters.network).values_list("name", flat=True).first()
        options.append(_option(filters.network, name or filters.network, 0, True))
    facets.append(Facet("network", _("Réseau"), options))

    status_counts = dict(
        base("status").values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    facets.append(
        Facet(
            "status",
            _("Statut"),
            [
                _option(code, label, status_counts.get(code, 0), filters.status == code)
                for code, label in PlaceStatus.choices
            ],
        )
    )
    return facets


def _step_facet(
    name: str,
    label: str,
    places: QuerySet[Place],
    conditions: dict[str, Any],
    lookup: str,
    steps: tuple[int, ...],
    selected: int | None,
    describe: Any,
    value: Any = str,
) -> Facet:
    counts = Space.objects.filter(place__in=places, **conditions).aggregate(
        **{f"s{step}": Count("place", distinct=True, filter=Q(**{lookup: step})) for step in steps}
    )
    return Facet(
        name,
        label,
        [
            _option(value(step), describe(step), counts[f"s{step}"], selected == step)
            for step in steps
        ],
    )


# --- empty results --------------------------------------------------------------------------


def _filter_label(name: str) -> str:
    labels = {
        "q": _("les mots cherchés"),
        "types": _("le type de lieu"),
        "space_kind": _("le type d'espace"),
        "capacity_min": _("la capacité"),
        "surface_min": _("la surface"),
        "price_max_cents": _("le prix"),
        "equipment_category": _("la catégorie d'équipement"),
        "sharing_mode": _("le mode de partage"),
        "accessible": _("l'accessibilité"),
        "network": _("le réseau"),
        "status": _("le statut"),
    }
    return labels[name]


def widening_suggestions(
    filters: SearchFilters, *, radius_ids: list[int] | None = None
) -> list[Suggestion]:
    """Which single change would give results: a wider radius, or one filter less."""
    suggestions = []
    if filters.radius_km is not None and filters.origin is not None:
        origin = filters.origin
        rows = (
            _filtered(filters)
            .filter(latitude__isnull=False, longitude__isnull=False)
            .values_list("latitude", "longitude")
        )
        distances = sorted(distance_km(origin.lat, origin.lon, lat, lon) for lat, lon in rows)
        for radius in RADIUS_CHOICES:
            if radius <= filters.radius_km:
                continue
            count = sum(1 for km in distances if km <= radius)
            if count:
                suggestions.append(
                    Suggestion(
                        _("Élargissez le rayon à %(km)s km") % {"km": radius},
                        filters.with_(radius_km=radius).to_query(),
                        count,
                    )
                )
                break
        else:
            if distances:
                suggestions.append(
                    Suggestion(
                        _("Retirez le rayon"),
                        filters.without("radius_km").to_query(),
                        len(distances),
                    )
                )
    for name in filters.narrowing():
        if name == "radius_km":
            continue
        count = _filtered(filters, skip=name, radius_ids=radius_ids).count()
        if count:
            suggestions.append(
                Suggestion(
                    _("Retirez le filtre sur %(filter)s") % {"filter": _filter_label(name)},
                    filters.without(name).to_query(),
                    count,
                )
            )
    return suggestions


# --- the map --------------------------------------------------------------------------------


def map_features(
    filters: SearchFilters, bbox: tuple[float, float, float, float] | None = None
) -> dict[str, Any]:
    """A compact GeoJSON FeatureCollection of the matching places, within bbox (w, s, e, n)."""
    places = _filtered(filters, radius_ids=_within_radius(filters)).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    if bbox is not None:
        west, south, east, north = bbox
        places = places.filter(latitude__range=(south, north))
        if west <= east:
            places = places.filter(longitude__range=(west, east))
        else:  # across the antimeridian
            places = places.filter(Q(longitude__gte=west) | Q(longitude__lte=east))
    labels = dict(PlaceType.choices)
    # One reverse() for every URL: the slug is the only part that changes.
    url_pattern = reverse("places:place-detail", args=["slug-placeholder"])
    rows = places.order_by("pk").values_list(
        "pk", "name", "slug", "commune__name", "types", "latitude", "longitude"
    )
    return feature_collection(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {
                "id": pk,
                "name": name,
                "url": url_pattern.replace("slug-placeholder", slug),
                "commune": commune or "",
                "types": ", ".join(str(labels.get(code, code)) for code in types or []),
            },
        }
        for pk, name, slug, commune, types, lat, lon in rows
    )


def parse_bbox(text: str) -> tuple[float, float, float, float] | None:
    """Read "west,south,east,north" (Leaflet's toBBoxString); None if it isn't one."""
    parts = text.split(",")
    if len(parts) != 4:
        return None
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    if south > north:
        return None
    # Leaflet reports longitudes past ±180 when the world wraps: fold them back.
    if east - west >= 360:
        west, east = -180.0, 180.0
    else:
        west = (west + 180) % 360 - 180
        east = (east + 180) % 360 - 180
    return west, max(south, -90.0), east, min(north, 90.0)
