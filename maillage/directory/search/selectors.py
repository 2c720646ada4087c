"""Reads of the search page, the map and the API: filtered places, facet counts, distances.

The work is done on a compact picture of the published directory (`search.index`), rebuilt
only when the directory changes: each filter is a set of places (a bitset), the full-text match is
one query with its scores, and each facet counts, for each option, the places matching every other
filter (so each option says how many places choosing it would give) with ANDs and bit counts.
Distances: a latitude/longitude box, then exact great-circle distances, computed for every match
only when sorting by distance (else for the page shown).
"""

import gzip
import hashlib
import heapq
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connections, router
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from maillage.directory.search import backends
from maillage.directory.search.filters import OPEN_NOW, RADIUS_CHOICES, SearchFilters, Sort
from maillage.directory.search.index import (
    CAPACITY_STEPS,
    PRICE_STEPS_CENTS,
    STANDARD,
    SURFACE_STEPS,
    DirectoryIndex,
    TextMatch,
    Thresholds,
    array_bits,
    directory_index,
    position_array,
    positions_of,
)
from maillage.lib.geo import EARTH_RADIUS_KM, distance_km, feature_collection
from maillage.places.mediation import SEARCH_TAGS
from maillage.places.models import (
    EquipmentCategory,
    Place,
    PlaceStatus,
    PlaceType,
    SharingMode,
    SpaceKind,
)

DAY_CODES = ("mo", "tu", "we", "th", "fr", "sa", "su")
PAGE_SIZE = 20
MAX_NETWORK_OPTIONS = 30
# Fewer places than this holding every word: the places holding some of them follow.
FEW_RESULTS = 3


@dataclass(frozen=True)
class Result:
    place: Place
    distance_km: float | None
    # Today's opening hours ("09:00-12:30, 14:00-18:00"), "" when closed, None when unknown.
    today_hours: str | None = None
    # The place's equipment matching the words or the equipment filters.
    equipment: tuple[str, ...] = ()


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
    # Some words only: the places holding every word (`complete` of them) come first.
    partial: bool = False
    complete: int = 0

    @property
    def notices(self) -> list[str]:
        """What the results are, when not what was asked (French, for the page and the API)."""
        if not self.partial:
            return []
        if not self.complete:
            return [_("Aucun lieu ne contient tous les mots ; voici les plus proches.")]
        return [
            ngettext(
                "Un seul lieu contient tous les mots ; suivent les plus proches.",
                "Seuls %(n)s lieux contiennent tous les mots ; suivent les plus proches.",
                self.complete,
            )
            % {"n": self.complete}
        ]

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


# --- the filtered sets ----------------------------------------------------------------------


def _threshold_index(steps: tuple[int, ...], value: int | None) -> int | None:
    return None if value is None else steps.index(value)


def _thresholds(filters: SearchFilters) -> Thresholds:
    """The standard steps, plus a value typed in a URL that is not one of them."""

    def with_value(steps: tuple[int, ...], value: int | None) -> tuple[int, ...]:
        return steps if value is None or value in steps else tuple(sorted({*steps, value}))

    wanted = Thresholds(
        with_value(CAPACITY_STEPS, filters.capacity_min),
        with_value(SURFACE_STEPS, filters.surface_min),
        with_value(PRICE_STEPS_CENTS, filters.price_max_cents),
    )
    return STANDARD if wanted == STANDARD else wanted


class Matcher:
    """The places matching each filter of a search, as bitsets of the directory picture."""

    def __init__(self, filters: SearchFilters, index: DirectoryIndex) -> None:
        self.filters = filters
        self.index = index
        self.thresholds = _thresholds(filters)
        self.table = index.space_table(self.thresholds)
        self.scores: dict[int, float] = {}  # place id → relevance, with words
        self.text: TextMatch | None = None
        self.stems: tuple[str, ...] = ()
        # Place position → how many of the words it holds, once widened to some words.
        self.word_counts: dict[int, int] | None = None
        self.own: dict[str, int] = {}  # filter → its places, for the single-field filters
        self._space: dict[tuple[Any, ...], int] = {}
        self._equipment: dict[tuple[Any, ...], int] = {}
        self._add_text()
        if filters.types:
            bits = 0
            for code in filters.types:
                bits |= index.type_bits.get(code, 0)
            self.own["types"] = bits
        if filters.status:
            self.own["status"] = index.status_bits.get(filters.status, 0)
        if filters.accessible:
            self.own["accessible"] = index.accessible_bits
        if filters.network:
            self.own["network"] = index.network_bits.get(filters.network, 0)
        for key in ("service", "audience"):
            if getattr(filters, key):
                self.own[key] = index.tag_bits.get(key, {}).get(getattr(filters, key), 0)
        if filters.origin is not None and filters.radius_km is not None:
            self.own["radius_km"] = self._within(filters.radius_km)
        if filters.open:
            if filters.open == OPEN_NOW:
                now = timezone.localtime()
                day = DAY_CODES[now.weekday()]
                self.own["open"] = index.open_bits(day, now.hour * 60 + now.minute)
            else:
                self.own["open"] = index.open_bits(filters.open)

    def _add_text(self) -> None:
        q = self.filters.q
        if not q:
            return
        using = router.db_for_read(Place)
        if backends.is_supported(connections[using]):
            stems = tuple(backends.query_tokens(q))
            if not stems:
                return  # only stop words ("de la"): nothing narrows
            self.stems = stems
            self.text = self.index.text_match(stems, lambda: backends.scores(q, using=using))
            self.scores = self.text.scores
            self.own["q"] = self.text.bits
        else:
            ids = Place.objects.published().filter(name__icontains=q).values_list("pk", flat=True)
            self.own["q"] = self.index.bits(ids)

    def widen_text(self) -> bool:
        """Match the places holding any of the words, those holding most of them first.

        Return whether that gives more places than every word did (else nothing changes).
        """
        if self.text is None or len(self.stems) < 2:
            return False
        using = router.db_for_read(Place)
        index = self.index
        before = self.base().bit_count()
        counts: dict[int, int] = {}
        scores: dict[int, float] = {}
        bits = 0
        for stem in self.stems:
            one = index.text_match(
                (stem,), lambda stem=stem: backends.scores("", using=using, stems=(stem,))
            )
            bits |= one.bits
            for n in one.order:
                counts[n] = counts.get(n, 0) + 1
            for pk, score in one.scores.items():
                scores[pk] = scores.get(pk, 0.0) + score
        if (self.base("q") & bits).bit_count() <= before:
            return False
        ids, names = index.ids, index.names
        order = sorted(counts, key=lambda n: (-counts[n], -scores[ids[n]], names[n], ids[n]))
        self.text = TextMatch(bits=bits, scores=scores, order=order)
        self.scores = scores
        self.own["q"] = bits
        self.word_counts = counts
        return True

    def _within(self, radius_km: float) -> int:
        origin = self.filters.origin
        assert origin is not None
        terms = haversine_terms(self.index, origin.lat, origin.lon)
        with np.errstate(invalid="ignore"):
            km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(terms, 1.0)))
        return array_bits(np.flatnonzero(km <= radius_km), self.index.size)

    # --- spaces and equipment: every condition holds for one and the same item ------------

    def _space_conditions(self, skip: str | None) -> tuple[Any, ...]:
        f, t = self.filters, self.thresholds
        return (
            f.space_kind if f.space_kind and skip != "space_kind" else None,
            None if skip == "capacity_min" else _threshold_index(t.capacities, f.capacity_min),
            None if skip == "surface_min" else _threshold_index(t.surfaces, f.surface_min),
            None if skip == "price_max_cents" else _threshold_index(t.prices, f.price_max_cents),
        )

    def space_bits(self, skip: str | None = None) -> int:
        conditions = self._space_conditions(skip)
        if conditions == (None, None, None, None):
            return self.index.everything
        if conditions not in self._space:
            kind, ci, si, pi = conditions
            bits = 0
            for (k, cl, sl, pl), places in self.table.items():
                if (
                    (kind is None or k == kind)
                    and (ci is None or cl > ci)
                    and (si is None or sl > si)
                    and (pi is None or pl <= pi)
                ):
                    bits |= places
            self._space[conditions] = bits
        return self._space[conditions]

    def equipment_bits(self, skip: str | None = None, **wanted: str) -> int:
        f = self.filters
        category = wanted.get("category") or (
            f.equipment_category if skip != "equipment_category" else ""
        )
        mode = wanted.get("mode") or (f.sharing_mode if skip != "sharing_mode" else "")
        if not category and not mode:
            return self.index.everything
        key = (category, mode)
        if key not in self._equipment:
            bits = 0
            for (c, m), places in self.index.equipment_bits.items():
                if (not category or c == category) and (not mode or m == mode):
                    bits |= places
            self._equipment[key] = bits
        return self._equipment[key]

    def base(self, skip: str | None = None) -> int:
        """The places matching every filter but `skip`."""
        bits = self.index.everything
        for name, places in self.own.items():
            if name != skip:
                bits &= places
        return bits & self.space_bits(skip) & self.equipment_bits(skip)


def matcher(filters: SearchFilters) -> Matcher:
    return Matcher(filters, directory_index())


# --- the search -----------------------------------------------------------------------------


def search(
    filters: SearchFilters, *, user: Any = None, page_size: int = PAGE_SIZE, facets: bool = True
) -> SearchResults:
    """One page of the places matching the filters, with distances, total and facet counts.

    Every visitor sees the same published places, so `user` only keeps the API's signature
    ready for private fields.
    """
    match = matcher(filters)
    index = match.index
    matching = match.base()
    total = complete = matching.bit_count()
    partial = False
    if total < FEW_RESULTS and match.widen_text():
        partial = True
        matching = match.base()
        total = matching.bit_count()
    counts = match.word_counts or {}
    page_count = max(1, math.ceil(total / page_size))
    page = min(filters.page, page_count)
    wanted = page * page_size
    origin = filters.origin
    distances: dict[int, float] = {}
    sort = filters.effective_sort
    if sort == Sort.DISTANCE or (sort == Sort.RELEVANCE and match.text is None):
        names, ids = index.names, index.ids
        if sort == Sort.DISTANCE and origin is not None:
            first = _nearest(
                index, origin.lat, origin.lon, position_array(matching), counts, wanted
            )
        else:  # relevance, but no word to rank by (stop words only): by name
            positions = positions_of(matching)
            first = heapq.nsmallest(wanted, positions, key=lambda n: (names[n], ids[n]))
        page_ids = [ids[n] for n in first[(page - 1) * page_size :]]
    else:
        if sort == Sort.RELEVANCE:
            assert match.text is not None
            order = match.text.order
        elif sort == Sort.FRESHNESS:
            # Freshness scores change without touching updated_at: ask the database.
            order = [
                index.position[pk]
                for pk in Place.objects.published()
                .order_by("-freshness_score", "name", "pk")
                .values_list("pk", flat=True)
                if pk in index.position
            ]
        else:
            order = index.by_name
        packed = matching.to_bytes((index.size >> 3) + 1, "little")
        first = []
        for n in order:
            if packed[n >> 3] >> (n & 7) & 1:
                first.append(n)
                if len(first) >= wanted:
                    break
        page_ids = [index.ids[n] for n in first[(page - 1) * page_size :]]
    by_pk = Place.objects.select_related("commune").in_bulk(page_ids)
    equipment = _matching_equipment(page_ids, filters, match.stems)
    today = DAY_CODES[timezone.localtime().weekday()]
    results = []
    for pk in page_ids:
        place = by_pk.get(pk)
        if place is None:
            continue
        km = distances.get(pk)
        if km is None and origin is not None and place.has_position:
            km = distance_km(origin.lat, origin.lon, place.latitude, place.longitude)
        results.append(
            Result(
                place=place,
                distance_km=km,
                today_hours=_today_hours(index, pk, today),
                equipment=tuple(equipment.get(pk, ())),
            )
        )
    found = SearchResults(
        filters=filters,
        results=results,
        total=total,
        page=page,
        page_count=page_count,
        partial=partial,
        complete=complete,
    )
    if facets:
        found.facets = facet_counts(filters, match=match)
    if total == 0:
        found.suggestions = widening_suggestions(filters, match=match)
    return found


def _radians(index: DirectoryIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitudes, longitudes (radians, NaN when unknown) and cosines of latitude, per version."""
    if "radians" not in index.memo:
        lat_r = np.radians(np.array(index.latitudes, dtype=float))
        lon_r = np.radians(np.array(index.longitudes, dtype=float))
        index.memo["radians"] = (lat_r, lon_r, np.cos(lat_r))
    return index.memo["radians"]


def haversine_terms(index: DirectoryIndex, lat: float, lon: float) -> np.ndarray:
    """For every place of the index, the haversine's inner term from (lat, lon): it grows with
    the distance (`2 R asin(sqrt(term))`), and is infinite for a place without coordinates."""
    lat_r, lon_r, cos_r = _radians(index)
    phi0, lambda0 = math.radians(lat), math.radians(lon)
    terms = (
        np.sin((lat_r - phi0) / 2) ** 2
        + math.cos(phi0) * cos_r * np.sin((lon_r - lambda0) / 2) ** 2
    )
    return np.where(np.isnan(terms), np.inf, terms)


def _nearest(
    index: DirectoryIndex,
    lat: float,
    lon: float,
    positions: np.ndarray,
    counts: dict[int, int],
    wanted: int,
) -> list[int]:
    """The `wanted` first positions by distance (those holding most words first when only
    some words matched), ties by name then id.

    NumPy ranks every candidate; Python only orders the few at the front (and their ties).
    """
    terms = haversine_terms(index, lat, lon)[positions]
    primary = (
        np.array([-counts.get(n, 0) for n in positions.tolist()], dtype=np.int64)
        if counts
        else np.zeros(len(positions), dtype=np.int64)
    )
    if len(positions) > wanted:
        order = np.lexsort((terms, primary))
        last = order[wanted - 1]
        keep = (primary < primary[last]) | ((primary == primary[last]) & (terms <= terms[last]))
        positions, terms, primary = positions[keep], terms[keep], primary[keep]
    names, ids = index.names, index.ids
    front = sorted(
        zip(primary.tolist(), terms.tolist(), positions.tolist(), strict=True),
        key=lambda row: (row[0], row[1], names[row[2]], ids[row[2]]),
    )
    return [n for _count, _term, n in front[:wanted]]


def _today_hours(index: DirectoryIndex, pk: int, day: str) -> str | None:
    n = index.position.get(pk)
    if n is None or not index.hours or not index.hours[n]:
        return None
    ranges = index.hours[n].get(day, [])
    return ", ".join(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in ranges)


def _matching_equipment(
    page_ids: list[int], filters: SearchFilters, stems: tuple[str, ...]
) -> dict[int, list[str]]:
    """The equipment of these places that the words or the equipment filters asked for."""
    if not page_ids or not (stems or filters.equipment_category or filters.sharing_mode):
        return {}
    from maillage.lib.french_stem import family_tokens
    from maillage.places.models import Equipment

    items = Equipment.objects.filter(place_id__in=page_ids).order_by("name")
    if filters.equipment_category:
        items = items.filter(category=filters.equipment_category)
    if filters.sharing_mode:
        items = items.filter(sharing_mode=filters.sharing_mode)
    wanted = set(stems)
    found: dict[int, list[str]] = {}
    for place_id, name in items.values_list("place_id", "name"):
        if wanted and not wanted & set(family_tokens(name)):
            continue
        names = found.setdefault(place_id, [])
        if name not in names and len(names) < 3:
            names.append(name)
    return found


# --- facets ---------------------------------------------------------------------------------


def _option(value: str, label: Any, count: int, selected: bool) -> FacetOption:
    return FacetOption(value=value, label=str(label), count=count, selected=selected)


def facet_counts(filters: SearchFilters, *, match: Matcher | None = None) -> list[Facet]:
    """For each facet, how many places each option would give with the other filters kept."""
    match = match or matcher(filters)
    index = match.index
    facets = []

    base = match.base("types")
    facets.append(
        Facet(
            "type",
            _("Type de lieu"),
            [
                _option(
                    code,
                    label,
                    (base & index.type_bits.get(code, 0)).bit_count(),
                    code in filters.types,
                )
                for code, label in PlaceType.choices
            ],
            multiple=True,
        )
    )
    facets.extend(_space_facets(filters, match))

    for name, label, choices, selected, key in (
        (
            "equipment_category",
            _("Catégorie d'équipement"),
            EquipmentCategory.choices,
            filters.equipment_category,
            "category",
        ),
        ("sharing_mode", _("Mode de partage"), SharingMode.choices, filters.sharing_mode, "mode"),
    ):
        base = match.base(name)
        facets.append(
            Facet(
                name,
                label,
                [
                    _option(
                        code,
                        option_label,
                        (base & match.equipment_bits(name, **{key: code})).bit_count(),
                        selected == code,
                    )
                    for code, option_label in choices
                ],
            )
        )

    accessible_count = (match.base("accessible") & index.accessible_bits).bit_count()
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

    base = match.base("network")
    counted = []
    for slug, places in index.network_bits.items():
        n = (base & places).bit_count()
        if n:
            counted.append((-n, index.network_names[slug], slug))
    counted.sort()
    options = [
        _option(slug, name, -minus_n, slug == filters.network)
        for minus_n, name, slug in counted[:MAX_NETWORK_OPTIONS]
    ]
    if filters.network and not any(option.selected for option in options):
        from maillage.networks.models import Network

        name = Network.objects.filter(slug=filters.network).values_list("name", flat=True).first()
        options.append(_option(filters.network, name or filters.network, 0, True))
    facets.append(Facet("network", _("Réseau"), options))

    base = match.base("status")
    facets.append(
        Facet(
            "status",
            _("Statut"),
            [
                _option(
                    code,
                    label,
                    (base & index.status_bits.get(code, 0)).bit_count(),
                    filters.status == code,
                )
                for code, label in PlaceStatus.choices
            ],
        )
    )
    facets.extend(_tag_facets(filters, match))
    return facets


# The most common values of a tag facet offered as options (a selected one always is).
MAX_TAG_OPTIONS = 30


def _tag_facets(filters: SearchFilters, match: Matcher) -> list[Facet]:
    """Services and publics of the médiation numérique places: the values found in the
    directory (the most common ones, in alphabetical order), each with its count."""
    facets = []
    for key, label, _names in SEARCH_TAGS:
        found = match.index.tag_bits.get(key, {})
        if not found:
            continue
        selected = getattr(filters, key)
        common = sorted(found, key=lambda value: (-found[value].bit_count(), value))
        values = sorted(
            set(common[:MAX_TAG_OPTIONS]) | ({selected} if selected in found else set()),
            key=str.casefold,
        )
        base = match.base(key)
        facets.append(
            Facet(
                key,
                str(label),
                [
                    _option(value, value, (base & found[value]).bit_count(), value == selected)
                    for value in values
                ],
            )
        )
    return facets


def _space_facets(filters: SearchFilters, match: Matcher) -> list[Facet]:
    """Space kind, capacity, surface and price: one pass over the space levels each."""
    t = match.thresholds

    def levels(skip: str, slot: int) -> dict[Any, int]:
        """Places by the value of one slot of the level key, the other conditions holding."""
        k_, c_, s_, p_ = match._space_conditions(skip)
        out: dict[Any, int] = {}
        for key, places in match.table.items():
            k, cl, sl, pl = key
            if (
                (k_ is None or k == k_)
                and (c_ is None or cl > c_)
                and (s_ is None or sl > s_)
                and (p_ is None or pl <= p_)
            ):
                out[key[slot]] = out.get(key[slot], 0) | places
        return out

    base = match.base("space_kind")
    by_kind = levels("space_kind", 0)
    facets = [
        Facet(
            "space_kind",
            _("Type d'espace"),
            [
                _option(
                    code,
                    label,
                    (base & by_kind.get(code, 0)).bit_count(),
                    filters.space_kind == code,
                )
                for code, label in SpaceKind.choices
            ],
        )
    ]

    def at_least(
        name: str, slot: int, thresholds: tuple[int, ...], steps: tuple[int, ...]
    ) -> dict[int, int]:
        by_level = levels(name, slot)
        base = match.base(name)
        counts = {}
        for step in steps:
            i = thresholds.index(step)
            bits = 0
            for level, places in by_level.items():
                if (slot != 3 and level > i) or (slot == 3 and level <= i):
                    bits |= places
            counts[step] = (base & bits).bit_count()
        return counts

    for name, key, label, slot, thresholds, steps, selected, describe, value in (
        (
            "capacity_min",
            "capacity_min",
            _("Capacité d'au moins"),
            1,
            t.capacities,
            CAPACITY_STEPS,
            filters.capacity_min,
            lambda n: _("%(n)s personnes") % {"n": n},
            str,
        ),
        (
            "surface_min",
            "surface_min",
            _("Surface d'au moins"),
            2,
            t.surfaces,
            SURFACE_STEPS,
            filters.surface_min,
            lambda n: _("%(n)s m²") % {"n": n},
            str,
        ),
        (
            "price_max",
            "price_max_cents",
            _("Prix public d'au plus"),
            3,
            t.prices,
            PRICE_STEPS_CENTS,
            filters.price_max_cents,
            lambda cents: _("gratuit") if cents == 0 else _("%(n)s €") % {"n": cents // 100},
            lambda cents: str(cents // 100),
        ),
    ):
        counts = at_least(key, slot, thresholds, steps)
        facets.append(
            Facet(
                name,
                label,
                [
                    _option(value(step), describe(step), counts[step], selected == step)
                    for step in steps
                ],
            )
        )
    return facets


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
        "service": _("le service"),
        "audience": _("le public accueilli"),
        "open": _("l'ouverture"),
    }
    return labels[name]


def widening_suggestions(
    filters: SearchFilters, *, match: Matcher | None = None
) -> list[Suggestion]:
    """Which single change would give results: a wider radius, or one filter less."""
    match = match or matcher(filters)
    index = match.index
    suggestions = []
    if filters.radius_km is not None and filters.origin is not None:
        origin = filters.origin
        without_radius = match.base("radius_km") & index.located
        distances = sorted(
            distance_km(origin.lat, origin.lon, index.latitudes[n], index.longitudes[n])  # type: ignore[arg-type]
            for n in positions_of(without_radius)
        )
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
        count = match.base(name).bit_count()
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


# What the map's script does to a name to get the usual slug (search.js, slugFromName): only
# ASCII survives NFKD, so it only trusts names whose other letters are Latin-1 or Latin
# Extended-A (decompositions every browser agrees on).
_NOT_SLUG = re.compile(r"[^a-z0-9_\s-]", re.ASCII)
_SLUG_GAPS = re.compile(r"[-\s]+", re.ASCII)


def slug_from_name(name: str) -> str | None:
    """The slug the browser derives from a name, or None if it can't be trusted to."""
    if any(ord(char) > 0x17F for char in name):
        return None
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return _SLUG_GAPS.sub("-", _NOT_SLUG.sub("", text)).strip("-_")[:200].strip("-") or "lieu"


def slug_property(name: str, slug: str) -> dict[str, str]:
    """{"slug": slug}, or nothing when the browser derives it from the name (most places)."""
    return {} if slug_from_name(name) == slug else {"slug": slug}


def _features(index: DirectoryIndex) -> list[dict[str, Any] | None]:
    """Every published place as a GeoJSON feature (None without a position), per language.

    Built once per directory version and language; callers must not change them.
    """
    key = ("features", get_language())
    if key not in index.memo:
        labels = {code: str(label) for code, label in PlaceType.choices}
        features: list[dict[str, Any] | None] = []
        for n, pk in enumerate(index.ids):
            lat, lon = index.latitudes[n], index.longitudes[n]
            if lat is None or lon is None:
                features.append(None)
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                    "properties": {
                        "id": pk,
                        "name": index.names[n],
                        **slug_property(index.names[n], index.slugs[n]),
                        "commune": index.communes[n],
                        "types": ", ".join(labels.get(code, code) for code in index.types[n]),
                    },
                }
            )
        index.memo[key] = features
    return index.memo[key]


def map_features(
    filters: SearchFilters,
    bbox: tuple[float, float, float, float] | None = None,
    *,
    urls: bool = False,
) -> dict[str, Any]:
    """A compact GeoJSON FeatureCollection of the matching places, within bbox (w, s, e, n).

    A feature carries its place's slug (its page is /lieux/<slug>/) only when the browser can't
    derive it from the name (`slug_from_name`); `urls` adds the page's path as `url`, for the
    `points_map` component.
    """
    match = matcher(filters)
    index = match.index
    features = _features(index)
    chosen = []
    lats, lons = index.latitudes, index.longitudes
    for n in positions_of(match.base() & index.located):
        if bbox is not None:
            west, south, east, north = bbox
            lat, lon = lats[n], lons[n]
            if not south <= lat <= north:  # type: ignore[operator]
                continue
            if west <= east:
                if not west <= lon <= east:  # type: ignore[operator]
                    continue
            elif not (lon >= west or lon <= east):  # type: ignore[operator]
                continue
        chosen.append(n)
    if not urls:
        return feature_collection(features[n] for n in chosen)
    # One reverse() for every URL: the slug is the only part that changes.
    pattern = reverse("places:place-detail", args=["slug-placeholder"])
    return feature_collection(
        {
            **features[n],
            "properties": {
                **features[n]["properties"],  # type: ignore[index]
                "url": pattern.replace("slug-placeholder", index.slugs[n]),
            },
        }
        for n in chosen
    )


@dataclass(frozen=True)
class PackedGeoJSON:
    body: bytes
    gzipped: bytes
    etag: str


def all_places_geojson() -> PackedGeoJSON:
    """The map of every published place, serialised and gzipped once per directory version."""
    index = directory_index()
    key = ("geojson", get_language())
    if key not in index.memo:
        body = json.dumps(
            map_features(SearchFilters()), separators=(",", ":"), ensure_ascii=False
        ).encode()
        digest = hashlib.sha256(repr((index.version, key)).encode()).hexdigest()[:32]
        index.memo[key] = PackedGeoJSON(
            body=body, gzipped=gzip.compress(body, compresslevel=6, mtime=0), etag=f'"{digest}"'
        )
    return index.memo[key]


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
