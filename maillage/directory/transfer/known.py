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
        """A place with a similar name within 200 m (or, without position, in the commune)."""
        key = normalize_name(name)
        if latitude is not None and longitude is not None:
            cy, cx = self.cell(latitude, longitude)
            candidates = [
                k
                for dy in (-1, 0, 1)
                for dx in (-1, 0, 1)
                for k in self.cells.get((cy + dy, cx + dx), [])
            ]
            candidates = [
                k
                for k in candidates
                if distance_km(latitude, longitude, k.latitude, k.longitude) <= DUPLICATE_RADIUS_KM
            ]
        else:
            candidates = list(self.by_commune.get(commune_id or "", []))
        for known in candidates:
            if known.key == key or (
                difflib.SequenceMatcher(None, known.key, key).ratio() >= SIMILAR_NAME_RATIO
            ):
                return known
        return None
