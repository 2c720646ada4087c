"""The directory as it is, in memory: existing places by stable id and by name and position."""

import difflib
import math
from collections import defaultdict
from dataclasses import dataclass

from maillage.directory.transfer.fields import SIMILAR_NAME_RATIO
from maillage.lib.geo import distance_km
from maillage.places.models import Place
from maillage.places.services import (
    DUPLICATE_RADIUS_KM,
)
from maillage.territory.selectors import normalize_name


@dataclass
class Known:
    pk: int | None
    slug: str
    name: str
    key: str
    latitude: float | None
    longitude: float | None
    commune_id: str | None
    row: int | None = None  # a row of this file, not yet in the directory


class PlaceIndex:
    """The directory's places by external id, by grid cell and by commune (one query)."""

    def __init__(self) -> None:
        self.by_external: dict[str, Known] = {}
        self.by_pk: dict[int, Known] = {}
        self.cells: dict[tuple[int, int], list[Known]] = defaultdict(list)
        self.by_commune: dict[str, list[Known]] = defaultdict(list)
        for pk, slug, name, lat, lon, commune_id, external_id in Place.objects.values_list(
            "pk", "slug", "name", "latitude", "longitude", "commune_id", "external_id"
        ):
            known = Known(pk, slug, name, normalize_name(name), lat, lon, commune_id)
            self.add(known)
            self.by_pk[pk] = known
            if external_id:
                self.by_external[external_id] = known

    @staticmethod
    def cell(lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat * 100), math.floor(lon * 100))

    def add(self, known: Known) -> None:
        if known.latitude is not None and known.longitude is not None:
            self.cells[self.cell(known.latitude, known.longitude)].append(known)
        elif known.commune_id:
            self.by_commune[known.commune_id].append(known)

    def near_duplicate(
        self, *, name: str, latitude: float | None, longitude: float | None, commune_id: str | None
    ) -> Known | None:
        """A place of a similar name within 200 m (or, without position, in the commune), or
        of the same words in another order within 2 km in the same commune."""
        key = normalize_name(name)
        words = name_tokens(name)
        if latitude is not None and longitude is not None:
            cy, cx = self.cell(latitude, longitude)
            around = [
                (k, distance_km(latitude, longitude, k.latitude, k.longitude))
                for dy in range(-2, 3)
                for dx in range(-2, 3)
                for k in self.cells.get((cy + dy, cx + dx), [])
            ]
            candidates = [
                (k, km) for k, km in sorted(around, key=lambda pair: pair[1]) if km <= WIDE_KM
            ]
        else:
            candidates = [(k, 0.0) for k in self.by_commune.get(commune_id or "", [])]
        for known, km in candidates:
            close = km <= DUPLICATE_RADIUS_KM
            if close and (
                known.key == key
                or difflib.SequenceMatcher(None, known.key, key).ratio() >= SIMILAR_NAME_RATIO
            ):
                return known
            if (close or known.commune_id == commune_id) and same_words(
                words, name_tokens(known.name)
            ):
                return known
        return None


# Names made of the same words ("La Cordée Rennes-Lice", "La Cordée Lices - Rennes") are the
# same place up to this distance, in the same commune.
WIDE_KM = 2.0
TOKEN_SIMILARITY = 0.75
STOP_WORDS = {"la", "le", "les", "l", "de", "du", "des", "d", "et", "a", "au", "aux", "en"}


def name_tokens(name: str) -> set[str]:
    """The meaningful words of a name, singular ("lices" → "lice"), without articles."""
    words = set()
    for word in normalize_name(name).replace("/", " ").split():
        word = "".join(ch for ch in word if ch.isalnum())
        if not word or word in STOP_WORDS:
            continue
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        words.add(word)
    return words


def same_words(left: set[str], right: set[str]) -> bool:
    """Whether two names share most of their words (Jaccard ≥ 0.75, at least two words)."""
    shared = left & right
    if len(shared) < 2:
        return False
    return len(shared) / len(left | right) >= TOKEN_SIMILARITY
