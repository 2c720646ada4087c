"""Territorial coverage: how far each commune's centre is from the nearest open place.

For a scope's territory (a network's communes, a département, a région, an EPCI; all of France
when a network has none), every commune gets its straight-line distance to the nearest open
place (the scope's places, or all the directory's, optionally of given types — places outside
the territory count: a place across the border serves it too). From that: the population within
5/10/20 km, the white zones (communes and people beyond N km), the coverage rate, tables by EPCI
and département, a map layer; and the what-ifs: the people a new place in a commune would bring
within reach, and a ranked list of communes where new places would reach the most people
(greedy maximum coverage).

Distances are straight lines between commune centres (Paris, Lyon and Marseille by
arrondissement) and places' positions — not travel times. Populations are INSEE's legal
populations carried by the gazetteer. Results are cached per (territory, places, types, date of
the directory's last change).
"""

import dataclasses
import datetime
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import json_script
from django.utils.translation import gettext_lazy as _

from maillage.lib.refusals import Refusal
from maillage.networks.models import Membership
from maillage.places.models import Place, PlaceStatus, PlaceType
from maillage.territory.models import Commune

from . import geometry
from .registry import Scope

RADII = (5, 10, 20)
DEFAULT_WHITE_KM = 10
MIN_RADIUS_KM = 1
MAX_RADIUS_KM = 100
SOURCES = ("network", "all")
CACHE_SIZE = 24


class CoverageError(Refusal):
    status = 422


class UnknownCommune(CoverageError):
    message = _("Cette commune est inconnue : choisissez-la dans la liste (nom ou code INSEE).")
    field = "commune"


class RadiusOutOfRange(CoverageError):
    message = _("La distance doit être un nombre entier de kilomètres entre 1 et 100.")
    field = "rayon"


class UnknownPlaceType(CoverageError):
    message = _("Ce type de lieu est inconnu.")
    field = "types"


def parse_radius(value: Any, *, default: int, field: str = "rayon") -> int:
    """A radius in whole km from a query parameter; RadiusOutOfRange if not in 1–100."""
    if value in (None, ""):
        return default
    try:
        radius = int(str(value).strip().removesuffix("km").strip())
    except ValueError:
        raise RadiusOutOfRange(field=field) from None
    if not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
        raise RadiusOutOfRange(field=field)
    return radius


def parse_types(values: Iterable[str]) -> tuple[str, ...]:
    known = set(PlaceType.values)
    chosen = tuple(sorted({v for v in values if v}))
    if any(v not in known for v in chosen):
        raise UnknownPlaceType
    return chosen


# --- the communes, once per process -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CommuneTable:
    """Every commune with a centre, as arrays; Paris, Lyon and Marseille by arrondissement."""

    codes: np.ndarray
    names: np.ndarray
    department_codes: np.ndarray
    departments: np.ndarray
    region_codes: np.ndarray
    epci_codes: np.ndarray
    epcis: np.ndarray
    zones: np.ndarray
    population: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    index: dict[str, int]
    arrondissements: dict[str, list[str]]
    without_centre: frozenset[str]
    key: tuple


_lock = threading.Lock()
_table: CommuneTable | None = None


def commune_table() -> CommuneTable:
    global _table
    key = tuple(Commune.objects.aggregate(n=Count("pk"), p=Max("population")).values())
    with _lock:
        if _table is not None and _table.key == key:
            return _table
        fields = [
            "code_insee",
            "name",
            "department_code",
            "department",
            "region_code",
            "epci_code",
            "epci",
            "zone",
            "population",
            "latitude",
            "longitude",
            "parent_code",
        ]
        rows = list(Commune.objects.order_by("code_insee").values_list(*fields))
        arrondissements: dict[str, list[str]] = {}
        for row in rows:
            if row[11]:
                arrondissements.setdefault(row[11], []).append(row[0])
        kept = [r for r in rows if r[9] is not None and r[0] not in arrondissements]
        without = frozenset(r[0] for r in rows if r[9] is None)
        columns: list[Any] = list(zip(*kept, strict=True)) if kept else [() for _ in fields]
        _table = CommuneTable(
            codes=np.array(columns[0], dtype=object),
            names=np.array(columns[1], dtype=object),
            department_codes=np.array(columns[2], dtype=object),
            departments=np.array(columns[3], dtype=object),
            region_codes=np.array(columns[4], dtype=object),
            epci_codes=np.array(columns[5], dtype=object),
            epcis=np.array(columns[6], dtype=object),
            zones=np.array(columns[7], dtype=object),
            population=np.array(columns[8], dtype=np.int64),
            lat=np.array(columns[9], dtype=np.float64),
            lon=np.array(columns[10], dtype=np.float64),
            index={code: i for i, code in enumerate(columns[0])},
            arrondissements=arrondissements,
            without_centre=without,
            key=key,
        )
        return _table


def territory_indices(table: CommuneTable, codes: Iterable[str] | None) -> np.ndarray:
    """Row numbers of the territory's communes (a PLM city → its arrondissements);
    None: metropolitan France and the overseas départements."""
    if codes is None:
        return np.flatnonzero(table.zones != Commune.Zone.COM)
    found: set[int] = set()
    for code in codes:
        for one in table.arrondissements.get(code, [code]):
            if one in table.index:
                found.add(table.index[one])
    return np.array(sorted(found), dtype=np.int64)


# --- the places -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PlacePoints:
    ids: np.ndarray
    names: list[str]
    lat: np.ndarray
    lon: np.ndarray


PLACES_BY_ID = 500  # beyond this many ids, read every open place and keep those wanted


def place_points(*, place_ids: Iterable[int] | None, types: Sequence[str] = ()) -> PlacePoints:
    """Open, published places with a position (their own, else their commune's centre)."""
    places = Place.objects.published().filter(status=PlaceStatus.OPEN)
    wanted = None if place_ids is None else frozenset(place_ids)
    if wanted is not None and len(wanted) <= PLACES_BY_ID:
        places = places.filter(pk__in=sorted(wanted))
        wanted = None  # a long IN list costs more than reading the rest and dropping it
    fields = ["pk", "name", "latitude", "longitude", "commune__latitude", "commune__longitude"]
    chosen = set(types)
    rows = []
    # The types (JSON) are read only when asked for.
    for pk, name, lat, lon, c_lat, c_lon, *kinds in places.order_by("pk").values_list(
        *fields, *(["types"] if chosen else [])
    ):
        if wanted is not None and pk not in wanted:
            continue
        if chosen and not chosen & set(kinds[0] or []):
            continue
        if lat is None or lon is None:
            lat, lon = c_lat, c_lon
        if lat is None or lon is None:
            continue
        rows.append((pk, name, lat, lon))
    return PlacePoints(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        names=[r[1] for r in rows],
        lat=np.array([r[2] for r in rows], dtype=np.float64),
        lon=np.array([r[3] for r in rows], dtype=np.float64),
    )


def directory_stamp() -> tuple[Any, ...]:
    """What changes when a place or a membership changes (the cache key's date part)."""
    places = Place.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    members = Membership.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return (places["n"], places["at"], members["n"], members["at"])


def directory_date() -> datetime.datetime | None:
    return Place.objects.aggregate(at=Max("updated_at"))["at"]


def directory_stamp_label() -> str:
    at = directory_date()
    return date_format(timezone.localtime(at), "j F Y") if at else "—"


# --- coverage ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    communes: int
    population: int
    covered: int
    white_communes: int
    white_population: int

    @property
    def rate(self) -> float:
        return 100 * self.covered / self.population if self.population else 0.0


@dataclasses.dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    department_code: str
    epci: str
    population: int
    distance_km: float
    nearest_place: str
    nearest_place_id: int | None


@dataclasses.dataclass(frozen=True)
class WhatIf:
    code: str
    name: str
    radius_km: int
    new_people: int
    new_communes: int
    covered_before: int
    covered_after: int
    population: int
    communes: list[tuple[str, str, int, float]]

    @property
    def rate_before(self) -> float:
        return 100 * self.covered_before / self.population if self.population else 0.0

    @property
    def rate_after(self) -> float:
        return 100 * self.covered_after / self.population if self.population else 0.0


@dataclasses.dataclass(frozen=True)
class Site:
    rank: int
    code: str
    name: str
    department_code: str
    new_people: int
    cumulative: int
    rate_after: float


class Coverage:
    """The distances of one territory's communes to the nearest open place, and what follows."""

    def __init__(
        self, *, table: CommuneTable, rows: np.ndarray, places: PlacePoints, stamp: Any
    ) -> None:
        self.table = table
        self.rows = rows
        self.places = places
        self.stamp = stamp
        self.computed_at = timezone.now()
        self.lat = table.lat[rows]
        self.lon = table.lon[rows]
        self.population_by_commune = table.population[rows]
        self.distance, self.nearest_index = geometry.nearest(
            self.lat, self.lon, places.lat, places.lon
        )
        self._pairs: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # Results kept with the coverage (itself cached until the directory changes).
        self._memo: dict[tuple, Any] = {}
        self._memo_lock = threading.Lock()

    def _remember(self, key: tuple, compute: Any) -> Any:
        with self._memo_lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._memo_lock:
            self._memo[key] = value
        return value

    # figures
    @property
    def population(self) -> int:
        return int(self.population_by_commune.sum())

    @property
    def commune_count(self) -> int:
        return len(self.rows)

    def population_within(self, radius_km: float) -> int:
        return int(self.population_by_commune[self.distance <= radius_km].sum())

    def communes_within(self, radius_km: float) -> int:
        return int((self.distance <= radius_km).sum())

    def rate(self, radius_km: float) -> float:
        return 100 * self.population_within(radius_km) / self.population if self.population else 0.0

    def bands(self) -> list[dict[str, Any]]:
        return [
            {
                "radius_km": radius,
                "population": self.population_within(radius),
                "communes": self.communes_within(radius),
                "rate": self.rate(radius),
            }
            for radius in RADII
        ]

    def median_distance(self) -> float | None:
        """Distance within which half of the territory's people live (population-weighted)."""
        if not self.population or not len(self.places.ids):
            return None
        order = np.argsort(self.distance)
        cumulative = np.cumsum(self.population_by_commune[order])
        return float(self.distance[order][np.searchsorted(cumulative, cumulative[-1] / 2)])

    # tables
    def commune_rows(self, *, beyond_km: float | None = None) -> list[CommuneRow]:
        chosen = np.arange(len(self.rows))
        if beyond_km is not None:
            chosen = np.flatnonzero(self.distance > beyond_km)
            chosen = chosen[np.argsort(-self.population_by_commune[chosen], kind="stable")]
        t = self.table
        out = []
        for i in chosen:
            r = self.rows[i]
            near = int(self.nearest_index[i])
            out.append(
                CommuneRow(
                    code=t.codes[r],
                    name=t.names[r],
                    department_code=t.department_codes[r],
                    epci=t.epcis[r],
                    population=int(t.population[r]),
                    distance_km=float(self.distance[i]),
                    nearest_place=self.places.names[near] if near >= 0 else "",
                    nearest_place_id=int(self.places.ids[near]) if near >= 0 else None,
                )
            )
        return out

    def white_zones(self, beyond_km: float) -> tuple[int, int]:
        """(communes, people) beyond `beyond_km` of every place."""
        far = self.distance > beyond_km
        return int(far.sum()), int(self.population_by_commune[far].sum())

    def _by(self, codes: np.ndarray, names: np.ndarray, radius_km: float) -> list[AreaRow]:
        if not len(self.rows):
            return []
        keys, first, group = np.unique(
            codes[self.rows].astype(str), return_index=True, return_inverse=True
        )
        labels = names[self.rows]
        pop = self.population_by_commune.astype(np.float64)
        near = self.distance <= radius_km
        n = len(keys)
        communes = np.bincount(group, minlength=n)
        population = np.bincount(group, weights=pop, minlength=n)
        covered = np.bincount(group, weights=pop * near, minlength=n)
        white = np.bincount(group, weights=~near, minlength=n)
        out = [
            AreaRow(
                code=str(keys[k]),
                name=labels[first[k]] or str(_("Sans EPCI")),
                communes=int(communes[k]),
                population=int(population[k]),
                covered=int(covered[k]),
                white_communes=int(white[k]),
                white_population=int(population[k] - covered[k]),
            )
            for k in range(n)
        ]
        return sorted(out, key=lambda row: (row.rate, -row.white_population, row.name))

    def by_department(self, radius_km: float) -> list[AreaRow]:
        return self._remember(
            ("dep", radius_km),
            lambda: self._by(self.table.department_codes, self.table.departments, radius_km),
        )

    def by_epci(self, radius_km: float) -> list[AreaRow]:
        return self._remember(
            ("epci", radius_km),
            lambda: self._by(self.table.epci_codes, self.table.epcis, radius_km),
        )

    # what-ifs
    def _within(self, radius_km: int) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (candidate commune, commune) of the territory within `radius_km`, cached."""
        if radius_km not in self._pairs:
            a, b, _d = geometry.pairs_within(
                self.lat, self.lon, self.lat, self.lon, radius_km=radius_km
            )
            self._pairs[radius_km] = (a, b)
        return self._pairs[radius_km]

    def what_if(self, *, code: str, radius_km: int) -> WhatIf:
        """The people a new place at the commune's centre would bring within `radius_km`."""
        table = self.table
        codes = table.arrondissements.get(code, [code])
        if codes[0] not in table.index:
            raise UnknownCommune
        where = table.index[codes[0]]
        d = geometry.haversine_km(table.lat[where], table.lon[where], self.lat, self.lon)
        newly = (d <= radius_km) & (self.distance > radius_km)
        covered_before = self.population_within(radius_km)
        gained = int(self.population_by_commune[newly].sum())
        idx = np.flatnonzero(newly)
        idx = idx[np.argsort(-self.population_by_commune[idx], kind="stable")][:50]
        return WhatIf(
            code=table.codes[where],
            name=table.names[where],
            radius_km=radius_km,
            new_people=gained,
            new_communes=int(newly.sum()),
            covered_before=covered_before,
            covered_after=covered_before + gained,
            population=self.population,
            communes=[
                (
                    table.codes[self.rows[i]],
                    table.names[self.rows[i]],
                    int(self.population_by_commune[i]),
                    float(d[i]),
                )
                for i in idx
            ],
        )

    def best_sites(self, *, radius_km: int, count: int = 10) -> list[Site]:
        """Greedy maximum coverage: pick, `count` times, the commune of the territory whose
        centre would bring the most still-uncovered people within `radius_km`."""
        return self._remember(
            ("sites", radius_km, count), lambda: self._best_sites(radius_km=radius_km, count=count)
        )

    def _best_sites(self, *, radius_km: int, count: int) -> list[Site]:
        uncovered = self.distance > radius_km
        if not uncovered.any():
            return []
        # Pairs sorted by candidate; "within" is symmetric, so a commune's slice is both whom
        # it would reach and who would reach it.
        candidate, reached = self._within(radius_km)
        n = len(self.rows)
        bounds = np.searchsorted(candidate, np.arange(n + 1))
        weights = self.population_by_commune.astype(np.float64)
        live = uncovered[reached]
        gains = np.bincount(candidate[live], weights=weights[reached[live]], minlength=n)
        covered = self.population_within(radius_km)
        sites: list[Site] = []
        for rank in range(1, count + 1):
            best = int(np.argmax(gains))
            if gains[best] <= 0:
                break
            gained = int(gains[best])
            covered += gained
            newly = reached[bounds[best] : bounds[best + 1]]
            newly = newly[uncovered[newly]]
            uncovered[newly] = False
            # The people newly reached no longer count for any candidate that reaches them.
            sizes = bounds[newly + 1] - bounds[newly]
            starts = np.repeat(bounds[newly] - (np.cumsum(sizes) - sizes), sizes)
            neighbours = reached[starts + np.arange(int(sizes.sum()))]
            gains -= np.bincount(neighbours, weights=np.repeat(weights[newly], sizes), minlength=n)
            r = self.rows[best]
            sites.append(
                Site(
                    rank=rank,
                    code=self.table.codes[r],
                    name=self.table.names[r],
                    department_code=self.table.department_codes[r],
                    new_people=gained,
                    cumulative=covered,
                    rate_after=100 * covered / self.population if self.population else 0.0,
                )
            )
        return sites

    def map_scripts(self, beyond_km: float, *, limit: int) -> tuple[str, str]:
        """The map's two data scripts (white communes, places), serialised once (kept)."""
        return self._remember(
            ("scripts", beyond_km, limit),
            lambda: (
                json_script(self.white_geojson(beyond_km, limit=limit), "white-zones-data"),
                json_script(self.places_geojson(), "coverage-places-data"),
            ),
        )

    def places_geojson(self) -> dict[str, Any]:
        """The places counted, as GeoJSON points with their names (kept)."""

        def compute() -> dict[str, Any]:
            places = self.places
            return {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "Point",
                            "coordinates": [round(float(lon), 5), round(float(lat), 5)],
                        },
                        "properties": {"name": name},
                    }
                    for name, lat, lon in zip(places.names, places.lat, places.lon, strict=True)
                ],
            }

        return self._remember(("places-geojson",), compute)

    def white_rows(self, beyond_km: float) -> list[CommuneRow]:
        """The communes beyond `beyond_km`, the most populated first (kept)."""
        return self._remember(("white", beyond_km), lambda: self.commune_rows(beyond_km=beyond_km))

    def white_geojson(self, beyond_km: float, *, limit: int) -> dict[str, Any]:
        """The white communes' centres (the `limit` most populated) as GeoJSON (kept)."""

        def compute() -> dict[str, Any]:
            far = np.flatnonzero(self.distance > beyond_km)
            far = far[np.argsort(-self.population_by_commune[far], kind="stable")][:limit]
            return self.geojson(beyond_km=beyond_km, only=far)

        return self._remember(("white-geojson", beyond_km, limit), compute)

    def geojson(self, *, beyond_km: float, only: np.ndarray | None = None) -> dict[str, Any]:
        """Commune centres as GeoJSON points, each with its distance and whether it is white."""
        t = self.table
        features = []
        chosen = np.arange(len(self.rows)) if only is None else only
        for i in chosen:
            r = self.rows[i]
            distance = float(self.distance[i])
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(float(t.lon[r]), 5), round(float(t.lat[r]), 5)],
                    },
                    "properties": {
                        "code": t.codes[r],
                        "name": t.names[r],
                        "population": int(t.population[r]),
                        "distance_km": round(distance, 1) if np.isfinite(distance) else None,
                        "white": bool(distance > beyond_km),
                    },
                }
            )
        return {"type": "FeatureCollection", "features": features}


_cache: "OrderedDict[str, Coverage]" = OrderedDict()


def coverage_for(*, scope: Scope, source: str = "network", types: Sequence[str] = ()) -> Coverage:
    """The coverage of the scope's territory by its places (`source="network"`) or by all the
    directory's (`"all"`), of the given types; cached until the directory changes."""
    table = commune_table()
    stamp = directory_stamp()
    place_ids = scope.place_ids if source == "network" else None
    territory = sorted(scope.commune_codes) if scope.commune_codes is not None else None
    digest = hashlib.blake2b(
        repr((scope.ident, territory, source, tuple(types), stamp, table.key)).encode(),
        digest_size=16,
    ).hexdigest()
    with _lock:
        found = _cache.get(digest)
        if found is not None:
            _cache.move_to_end(digest)
            return found
    coverage = Coverage(
        table=table,
        rows=territory_indices(table, territory),
        places=place_points(place_ids=place_ids, types=types),
        stamp=stamp,
    )
    with _lock:
        _cache[digest] = coverage
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return coverage


def clear_cache() -> None:
    global _table
    with _lock:
        _cache.clear()
        _table = None
