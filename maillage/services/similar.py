"""Similar places: for a place, the ten most alike, with the reason shown.

What counts: the place's types, its size (total surface of its spaces), the kinds of its spaces,
the categories of its equipment, rural or urban (its commune's population), its age, its
economic model as the directory shows it (`economic_model`: spaces rented, members' price,
equipment lent for a fee, free or paid access, legal form). These are
kept per place in `PlaceFeatures` (bit masks and a few numbers), refreshed when the directory
announces a change (`place_changed`) and filled in bulk for places written by imports. A search
scores every published place on NumPy columns each process keeps (reloaded when a place's
features change), then computes the reasons of the best few: well under a millisecond of
scoring among 10,000 places.
"""

import datetime
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.lib.geo import distance_km
from maillage.places.audiences import RURAL_BELOW
from maillage.places.models import Equipment, EquipmentCategory, Place, PlaceType, Space, SpaceKind
from maillage.services.economic_model import model_codes, model_labels, model_mask
from maillage.services.models import PeerProfile, PlaceFeatures

LIMIT = 10
TYPE_BITS = {code: 1 << i for i, code in enumerate(PlaceType.values)}
SPACE_BITS = {code: 1 << i for i, code in enumerate(SpaceKind.values)}
EQUIPMENT_BITS = {code: 1 << i for i, code in enumerate(EquipmentCategory.values)}
# Size classes by total surface of spaces (m²): unknown, < 100, < 300, < 800, ≥ 800.
SIZE_LIMITS = (100, 300, 800)
# What each criterion weighs in the score (they add up to 1).
WEIGHTS = {
    "types": 0.32,
    "size": 0.18,
    "spaces": 0.14,
    "equipment": 0.08,
    "settlement": 0.12,
    "age": 0.08,
    "model": 0.08,
}
URBAN_FROM = 20_000


def size_class(surface: int) -> int:
    if surface <= 0:
        return 0
    return 1 + sum(1 for limit in SIZE_LIMITS if surface >= limit)


def settlement(population: int) -> str:
    if population < RURAL_BELOW:
        return "rural"
    return "urban" if population >= URBAN_FROM else "small_town"


SETTLEMENT_CODES = {"rural": 0, "small_town": 1, "urban": 2}
SETTLEMENT_LABELS = {
    "rural": _("rural"),
    "small_town": _("petite ville"),
    "urban": _("urbain"),
}


def _mask(codes: Iterable[str], bits: dict[str, int]) -> int:
    value = 0
    for code in codes:
        value |= bits.get(code, 0)
    return value


def refresh_features(place_ids: Iterable[int]) -> int:
    """Compute the features of these places (a handful of queries whatever their number)."""
    ids = list(place_ids)
    if not ids:
        return 0
    places = Place.objects.filter(pk__in=ids).select_related("commune")
    surfaces = dict(
        Space.objects.filter(place_id__in=ids)
        .values("place_id")
        .annotate(total=Sum("surface_m2"))
        .values_list("place_id", "total")
    )
    kinds: dict[int, set[str]] = defaultdict(set)
    for place_id, kind in Space.objects.filter(place_id__in=ids).values_list("place_id", "kind"):
        kinds[place_id].add(kind)
    categories: dict[int, set[str]] = defaultdict(set)
    for place_id, category in Equipment.objects.filter(place_id__in=ids).values_list(
        "place_id", "category"
    ):
        categories[place_id].add(category)
    priced = Q(price_public_cents__gt=0) | Q(price_network_cents__gt=0)
    spaces_priced = set(
        Space.objects.filter(priced | Q(price_member_cents__gt=0), place_id__in=ids).values_list(
            "place_id", flat=True
        )
    )
    members_price = set(
        Space.objects.filter(place_id__in=ids, price_member_cents__isnull=False)
        .filter(priced)
        .values_list("place_id", flat=True)
    )
    equipment_priced = set(
        Equipment.objects.filter(place_id__in=ids, price_cents__gt=0).values_list(
            "place_id", flat=True
        )
    )
    years = dict(
        PeerProfile.objects.filter(place_id__in=ids, opened_year__isnull=False).values_list(
            "place_id", "opened_year"
        )
    )
    rows = []
    for place in places:
        surface = surfaces.get(place.pk) or 0
        commune = place.commune
        types_mask = _mask(place.types or [], TYPE_BITS)
        spaces_mask = _mask(kinds[place.pk], SPACE_BITS)
        equipment_mask = _mask(categories[place.pk], EQUIPMENT_BITS)
        population = commune.population if commune else 0
        model = model_mask(
            model_codes(
                spaces_priced=place.pk in spaces_priced,
                members_price=place.pk in members_price,
                equipment_priced=place.pk in equipment_priced,
                tags=place.tags or {},
                extra=place.extra or {},
            )
        )
        rows.append(
            PlaceFeatures(
                place_id=place.pk,
                types_mask=types_mask,
                spaces_mask=spaces_mask,
                equipment_mask=equipment_mask,
                types_count=types_mask.bit_count(),
                spaces_count=spaces_mask.bit_count(),
                equipment_count=equipment_mask.bit_count(),
                model_mask=model,
                model_count=model.bit_count(),
                settlement=SETTLEMENT_CODES[settlement(population)],
                surface_m2=surface,
                size_class=size_class(surface),
                population=commune.population if commune else 0,
                opened_year=years.get(place.pk) or place.created_at.year,
                latitude=place.latitude
                if place.latitude is not None
                else (commune.latitude if commune else None),
                longitude=place.longitude
                if place.longitude is not None
                else (commune.longitude if commune else None),
                is_published=place.is_published and place.status != "closed",
            )
        )
    PlaceFeatures.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["place"],
        update_fields=[
            "types_mask",
            "spaces_mask",
            "equipment_mask",
            "types_count",
            "spaces_count",
            "equipment_count",
            "model_mask",
            "model_count",
            "settlement",
            "surface_m2",
            "size_class",
            "population",
            "opened_year",
            "latitude",
            "longitude",
            "is_published",
        ],
        batch_size=500,
    )
    _bump_generation()
    return len(rows)


def refresh_missing() -> int:
    """Fill the features of the places written without a signal (imports, the demo)."""
    missing = Place.objects.filter(is_published=True).exclude(
        pk__in=PlaceFeatures.objects.values("place_id")
    )
    ids = list(missing.values_list("pk", flat=True))
    total = 0
    for start in range(0, len(ids), 2000):
        total += refresh_features(ids[start : start + 2000])
    return total


def features_of(place: Place) -> PlaceFeatures:
    found = PlaceFeatures.objects.filter(place_id=place.pk).first()
    if found is None:
        refresh_features([place.pk])
        found = PlaceFeatures.objects.get(place_id=place.pk)
    return found


@dataclass(frozen=True)
class Similar:
    place_id: int
    score: float
    reasons: list[str]
    distance_km: float | None = None


def _bits(mask: int) -> int:
    return bin(mask).count("1")


def _jaccard(a: int, b: int) -> float:
    union = a | b
    return _bits(a & b) / _bits(union) if union else 0.0


TYPE_LABELS = {bit: code for code, bit in TYPE_BITS.items()}


def _shared_type_labels(mask: int) -> list[str]:
    labels = dict(PlaceType.choices)
    return [str(labels[code]) for bit, code in TYPE_LABELS.items() if mask & bit]


def score(base: PlaceFeatures, other: tuple, this_year: int) -> tuple[float, list[str]]:
    """Score (0–1) and reasons of one candidate row (the columns of CANDIDATE_COLUMNS)."""
    (_pk, types, spaces, equipment, surface, size, population, year, _lat, _lon, model) = other
    reasons: list[str] = []
    total = 0.0
    type_share = _jaccard(base.types_mask, types)
    total += WEIGHTS["types"] * type_share
    if base.types_mask & types:
        reasons.append(
            _("même type : %(types)s")
            % {"types": ", ".join(_shared_type_labels(base.types_mask & types))}
        )
    if base.size_class and size:
        gap = abs(base.size_class - size)
        total += WEIGHTS["size"] * (1 - gap / 4)
        if gap == 0:
            reasons.append(_("surface comparable (%(m2)s m²)") % {"m2": surface})
    space_share = _jaccard(base.spaces_mask, spaces)
    total += WEIGHTS["spaces"] * space_share
    if space_share >= 0.5:
        reasons.append(_("des espaces semblables"))
    equipment_share = _jaccard(base.equipment_mask, equipment)
    total += WEIGHTS["equipment"] * equipment_share
    if equipment_share >= 0.5:
        reasons.append(_("des équipements semblables"))
    same_settlement = settlement(base.population) == settlement(population)
    if same_settlement:
        total += WEIGHTS["settlement"]
        reasons.append(
            _("territoire %(kind)s aussi") % {"kind": SETTLEMENT_LABELS[settlement(population)]}
        )
    if base.opened_year and year:
        gap_years = abs(base.opened_year - year)
        total += WEIGHTS["age"] * max(0.0, 1 - gap_years / 10)
        if gap_years <= 2:
            age = max(this_year - year, 0)
            reasons.append(
                ngettext("ouvert il y a %(n)d an", "ouvert il y a %(n)d ans", age) % {"n": age}
                if age
                else _("ouvert cette année")
            )
    model_share = _jaccard(base.model_mask, model)
    total += WEIGHTS["model"] * model_share
    if model_share >= 0.5:
        reasons.append(
            _("même modèle : %(model)s")
            % {"model": ", ".join(model_labels(base.model_mask & model))}
        )
    return total, reasons


CANDIDATE_COLUMNS = (
    "place_id",
    "types_mask",
    "spaces_mask",
    "equipment_mask",
    "surface_m2",
    "size_class",
    "population",
    "opened_year",
    "latitude",
    "longitude",
    "model_mask",
)


def similar_places(
    place: Place, *, limit: int = LIMIT, today: datetime.date | None = None
) -> list[Similar]:
    """The `limit` places most like this one, best first, each with its reasons."""
    base = features_of(place)
    this_year = (today or timezone.localdate()).year
    ids = _best_ids(base, limit=limit)
    rows = list(PlaceFeatures.objects.filter(place_id__in=ids).values_list(*CANDIDATE_COLUMNS))
    scored: list[Similar] = []
    for row in rows:
        value, reasons = score(base, row, this_year)
        distance = None
        if base.latitude is not None and row[8] is not None:
            distance = distance_km(base.latitude, base.longitude, row[8], row[9])  # type: ignore[arg-type]
        scored.append(
            Similar(place_id=row[0], score=round(value, 3), reasons=reasons, distance_km=distance)
        )
    scored.sort(
        key=lambda s: (-s.score, s.distance_km if s.distance_km is not None else 1e9, s.place_id)
    )
    return scored[:limit]


# --- the scoring of every place, in memory ---------------------------------------------------
#
# Scoring 10,000 places in SQL (a CASE per bit of each mask, per row) took tens of milliseconds;
# the same arithmetic on NumPy columns takes well under one. Each process keeps the columns of
# the published places and reloads them when `refresh_features` has changed any (a generation
# number in the shared cache, written in the same transaction) or after a few minutes (a place
# deleted meanwhile is simply skipped: more candidates are read than shown).

GENERATION_KEY = "services.place-features.generation"
MATRIX_MAX_AGE = 300.0
MATRIX_COLUMNS = (
    "place_id",
    "types_mask",
    "types_count",
    "spaces_mask",
    "spaces_count",
    "equipment_mask",
    "equipment_count",
    "model_mask",
    "model_count",
    "settlement",
    "size_class",
    "opened_year",
)


@dataclass(frozen=True)
class _Matrix:
    generation: str
    loaded_at: float
    columns: dict[str, np.ndarray]


_matrix_cache: _Matrix | None = None


def _bump_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _matrix() -> _Matrix:
    global _matrix_cache
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.set(GENERATION_KEY, generation, None)
    found = _matrix_cache
    if (
        found is not None
        and found.generation == generation
        and time.monotonic() - found.loaded_at < MATRIX_MAX_AGE
    ):
        return found
    # A missing opening year reads 0 (never within ten years of a real one).
    rows = [
        tuple(value or 0 for value in row)
        for row in PlaceFeatures.objects.filter(is_published=True)
        .order_by("place_id")
        .values_list(*MATRIX_COLUMNS)
    ]
    table = np.array(rows, dtype=np.int64).reshape(len(rows), len(MATRIX_COLUMNS))
    found = _Matrix(
        generation=generation,
        loaded_at=time.monotonic(),
        columns={name: table[:, i] for i, name in enumerate(MATRIX_COLUMNS)},
    )
    _matrix_cache = found
    return found


def _jaccard_column(mask: int, count: int, masks: np.ndarray, counts: np.ndarray) -> np.ndarray:
    shared = np.bitwise_count(masks & mask).astype(np.float64)
    union = count + counts - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def _best_ids(base: PlaceFeatures, *, limit: int) -> list[int]:
    """The ids of the best-scored places (the weights of `score`), best first, ties by id."""
    columns = _matrix().columns
    ids = columns["place_id"]
    if not len(ids):
        return []
    w = WEIGHTS
    total = w["types"] * _jaccard_column(
        base.types_mask, base.types_count, columns["types_mask"], columns["types_count"]
    )
    total += w["spaces"] * _jaccard_column(
        base.spaces_mask, base.spaces_count, columns["spaces_mask"], columns["spaces_count"]
    )
    total += w["equipment"] * _jaccard_column(
        base.equipment_mask,
        base.equipment_count,
        columns["equipment_mask"],
        columns["equipment_count"],
    )
    total += w["model"] * _jaccard_column(
        base.model_mask, base.model_count, columns["model_mask"], columns["model_count"]
    )
    total += np.where(columns["settlement"] == base.settlement, w["settlement"], 0.0)
    if base.size_class:
        sizes = columns["size_class"]
        total += np.where(sizes > 0, w["size"] * (1 - np.abs(sizes - base.size_class) / 4), 0.0)
    if base.opened_year:
        gap = np.abs(columns["opened_year"] - base.opened_year)
        total += np.where((columns["opened_year"] > 0) & (gap < 10), w["age"] * (1 - gap / 10), 0.0)
    total[ids == base.place_id] = -1.0
    wanted = min(limit * 3, len(ids))
    # The best `wanted` by score (ids are sorted, so a stable sort breaks ties by id).
    best = (
        np.argpartition(-total, wanted - 1)[:wanted] if wanted < len(ids) else np.arange(len(ids))
    )
    order = best[np.lexsort((ids[best], -total[best]))]
    return [int(ids[i]) for i in order if total[i] >= 0]


def with_places(found: list[Similar]) -> list[tuple[Place, Similar]]:
    places = Place.objects.in_bulk([s.place_id for s in found])
    return [(places[s.place_id], s) for s in found if s.place_id in places]
