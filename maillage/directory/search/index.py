"""A compact picture of the published directory, for filters, facet counts, distances and the map.

Every facet count asks "how many places match every filter but this one". Asked of the database,
that is a dozen queries each re-running the whole filtered search; here each filter becomes a set
of places (a Python int used as a bitset: bit n is the n-th published place by id), the full-text
match is one query, and every count is an AND and a `bit_count()`.

The picture (≈ 2 MB for 10,000 places) is built once per *directory version* and kept in the
process. The version is read from the database on every request (`directory_version`: a
counter that triggers bump on every write to those tables), so each gunicorn worker, on any
server, notices another's writes before answering; the in-process generation bumped by save/delete signals only makes the
same process notice its own writes sooner (tests that freeze the clock). Freshness scores are not
in the picture (they change without touching `updated_at`): sorting by freshness asks the database.
"""

import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connections, router
from django.db.models.signals import post_delete, post_save

from maillage.directory.search.version import counter
from maillage.places.mediation import SEARCH_TAGS, split_values

CAPACITY_STEPS = (5, 10, 20, 50, 100)
SURFACE_STEPS = (10, 20, 50, 100, 200)
PRICE_STEPS_CENTS = (0, 1000, 2000, 5000, 10000, 20000)

# Space level tables kept per version besides the standard one (custom thresholds from a URL).
MAX_EXTRA_TABLES = 8
# Full-text answers kept per version (most recently asked).
MAX_TEXTS = 256

_lock = threading.Lock()
_current: "DirectoryIndex | None" = None
_generation = 0


# --- bitsets --------------------------------------------------------------------------------


def bits_of(positions: Iterable[int], size: int) -> int:
    """The bitset holding these positions."""
    packed = bytearray((size >> 3) + 1)
    for position in positions:
        packed[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(packed, "little")


def positions_of(bits: int) -> list[int]:
    """The positions set in a bitset, in increasing order."""
    if not bits:
        return []
    return [i for i, digit in enumerate(reversed(bin(bits)[2:])) if digit == "1"]


def position_array(bits: int) -> "np.ndarray":
    """The positions set in a bitset, in increasing order, as a NumPy array (no Python loop)."""
    if not bits:
        return np.zeros(0, dtype=np.int64)
    packed = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) >> 3, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(packed, bitorder="little"))


def array_bits(positions: "np.ndarray", size: int) -> int:
    """The bitset holding these positions (a NumPy array of positions)."""
    flags = np.zeros(size, dtype=np.uint8)
    flags[positions] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


# --- the version ----------------------------------------------------------------------------


def _bump(**_kwargs: Any) -> None:
    global _generation
    _generation += 1


def _version_tables() -> list[str]:
    from maillage.networks.models import Membership, Network
    from maillage.places.models import Equipment, Place, Space

    return [m._meta.db_table for m in (Place, Space, Equipment, Membership, Network)]


def directory_version(using: str) -> tuple[Any, ...]:
    """What changes whenever a place, space, equipment item, membership or network does: the
    trigger-kept counter (`version.py`), else counts and maxima of the tables themselves."""
    counted = counter(using)
    if counted is not None:
        return (_generation, counted)
    return (_generation, *_counted_version(using))


def _counted_version(using: str) -> tuple[str, ...]:
    parts = []
    for table in _version_tables():
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608 (model table names)
        parts.append(f"(SELECT MAX(updated_at) FROM {table})")  # noqa: S608
        parts.append(f"(SELECT MAX(id) FROM {table})")  # noqa: S608
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return tuple(str(value) for value in row)


def connect_signals() -> None:
    from maillage.networks.models import Membership, Network
    from maillage.places.models import Equipment, Place, Space

    for model in (Place, Space, Equipment, Membership, Network):
        post_save.connect(_bump, sender=model, dispatch_uid=f"search-index-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"search-index-{model.__name__}-d")


# --- the picture ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TextMatch:
    bits: int
    scores: dict[int, float]  # place id → relevance (higher is better)
    order: list[int]  # positions, most relevant first (then by name and id)


@dataclass(frozen=True)
class Thresholds:
    capacities: tuple[int, ...]
    surfaces: tuple[int, ...]
    prices: tuple[int, ...]


STANDARD = Thresholds(CAPACITY_STEPS, SURFACE_STEPS, PRICE_STEPS_CENTS)


@dataclass
class DirectoryIndex:
    version: tuple[Any, ...]
    ids: list[int]  # position → place id, increasing
    position: dict[int, int]
    everything: int
    names: list[str]
    slugs: list[str]
    communes: list[str]
    types: list[list[str]]
    latitudes: list[float | None]
    longitudes: list[float | None]
    located: int
    by_name: list[int]  # positions in the database's order of names
    type_bits: dict[str, int]
    status_bits: dict[str, int]
    accessible_bits: int
    network_bits: dict[str, int]
    network_names: dict[str, str]
    equipment_bits: dict[tuple[str, str], int]
    spaces: list[tuple[int, str, int | None, int | None, int | None]]
    # Position → opening hours in minutes since midnight, by day code ("mo"…"su").
    hours: list[dict[str, list[tuple[int, int]]]] = field(default_factory=list)
    # Tag facets ("service", "audience") → each value found in the places' tags → its places.
    tag_bits: dict[str, dict[str, int]] = field(default_factory=dict)
    _tables: dict[Thresholds, dict[tuple[str, int, int, int], int]] = field(default_factory=dict)
    _texts: "OrderedDict[tuple[str, ...], TextMatch]" = field(default_factory=OrderedDict)
    memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.ids)

    def bits(self, place_ids: Iterable[int]) -> int:
        position = self.position
        return bits_of((position[pk] for pk in place_ids if pk in position), self.size)

    def text_match(
        self, stems: tuple[str, ...], scores: Callable[[], dict[int, float]]
    ) -> "TextMatch":
        """The places matching these stems, best first; `scores` asks the full-text engine.

        The full-text index is made from the directory, so its answers hold for this version:
        the recent ones are kept (a visitor refining a search asks the same words again).
        """
        found = self._texts.get(stems)
        if found is not None:
            self._texts.move_to_end(stems)
            return found
        by_pk = scores()
        position, names = self.position, self.names
        matched = [(pk, position[pk]) for pk in by_pk if pk in position]
        matched.sort(key=lambda item: (-by_pk[item[0]], names[item[1]], item[0]))
        found = TextMatch(
            bits=bits_of((n for _pk, n in matched), self.size),
            scores=by_pk,
            order=[n for _pk, n in matched],
        )
        with _lock:
            self._texts[stems] = found
            while len(self._texts) > MAX_TEXTS:
                self._texts.popitem(last=False)
        return found

    def open_bits(self, day: str, minute: int | None = None) -> int:
        """The places open on this day (at this minute of it, if given)."""
        key = ("open", day)
        if minute is None and key in self.memo:
            return self.memo[key]
        bits = bits_of(
            (
                n
                for n, hours in enumerate(self.hours)
                if day in hours and (minute is None or any(a <= minute < b for a, b in hours[day]))
            ),
            self.size,
        )
        if minute is None:  # by the minute: not kept (a new minute each time)
            self.memo[key] = bits
        return bits

    def space_table(self, thresholds: Thresholds) -> dict[tuple[str, int, int, int], int]:
        """Places by space level: (kind, capacity level, surface level, price level) → bits.

        A level counts the thresholds a space meets: capacity ≥ capacities[i] iff level > i,
        price ≤ prices[i] iff level ≤ i (no price, no capacity: meets none).
        """
        table = self._tables.get(thresholds)
        if table is not None:
            return table
        caps, surfaces, prices = thresholds.capacities, thresholds.surfaces, thresholds.prices
        groups: dict[tuple[str, int, int, int], list[int]] = defaultdict(list)
        for position, kind, capacity, surface, price in self.spaces:
            groups[
                (
                    kind,
                    0 if capacity is None else bisect_right(caps, capacity),
                    0 if surface is None else bisect_right(surfaces, surface),
                    len(prices) if price is None else bisect_left(prices, price),
                )
            ].append(position)
        table = {key: bits_of(positions, self.size) for key, positions in groups.items()}
        if thresholds != STANDARD and len(self._tables) > MAX_EXTRA_TABLES:
            self._tables.clear()
        self._tables[thresholds] = table
        return table


# The médiation numérique tags a search can filter on: facet (its query key) → the tag keys
# holding its values (the schema's current name, then older ones).
TAG_FACETS = {key: names for key, _label, names in SEARCH_TAGS}


def _load(version: tuple[Any, ...], using: str) -> DirectoryIndex:
    from maillage.networks.models import Membership, MembershipStatus
    from maillage.places.models import Equipment, Place, Space

    # In the database's order of names (its collation), then by id for positions.
    named = list(
        Place.objects.using(using)
        .published()
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "slug",
            "commune__name",
            "types",
            "status",
            "latitude",
            "longitude",
            "access_step_free",
            "opening_hours",
            "tags",
        )
    )
    rows = sorted(named, key=lambda row: row[0])
    size = len(rows)
    ids = [row[0] for row in rows]
    position = {pk: n for n, pk in enumerate(ids)}
    by_type: dict[str, list[int]] = defaultdict(list)
    by_status: dict[str, list[int]] = defaultdict(list)
    accessible: set[int] = set()
    located = []
    by_tag: dict[str, dict[str, list[int]]] = {facet: defaultdict(list) for facet in TAG_FACETS}
    for n, (
        _pk, _name, _slug, _commune, types, status, lat, lon, step_free, _hours, tags
    ) in enumerate(rows):  # fmt: skip
        for facet, keys in TAG_FACETS.items():
            values: dict[str, None] = {}
            for key in keys:
                values.update(dict.fromkeys(split_values((tags or {}).get(key) or [])))
            for value in values:
                by_tag[facet][value[:200]].append(n)
        for code in types or []:
            by_type[code].append(n)
        by_status[status].append(n)
        if step_free:
            accessible.add(n)
        if lat is not None and lon is not None:
            located.append(n)
    by_name = [position[row[0]] for row in named]

    spaces = []
    for place_id, kind, capacity, surface, price, is_accessible in (
        Space.objects.using(using)
        .filter(place__is_published=True)
        .order_by()
        .values_list(
            "place_id", "kind", "capacity", "surface_m2", "price_public_cents", "is_accessible"
        )
    ):
        n = position.get(place_id)
        if n is None:
            continue
        spaces.append((n, kind, capacity, surface, price))
        if is_accessible:
            accessible.add(n)

    by_equipment: dict[tuple[str, str], list[int]] = defaultdict(list)
    for place_id, category, mode in (
        Equipment.objects.using(using)
        .filter(place__is_published=True)
        .order_by()
        .values_list("place_id", "category", "sharing_mode")
        .distinct()
    ):
        if place_id in position:
            by_equipment[(category, mode)].append(position[place_id])

    by_network: dict[str, list[int]] = defaultdict(list)
    network_names: dict[str, str] = {}
    for place_id, slug, name in (
        Membership.objects.using(using)
        .filter(status=MembershipStatus.ACCEPTED, place__is_published=True)
        .order_by()
        .values_list("place_id", "network__slug", "network__name")
    ):
        if place_id in position:
            by_network[slug].append(position[place_id])
            network_names[slug] = name

    return DirectoryIndex(
        version=version,
        ids=ids,
        position=position,
        everything=(1 << size) - 1,
        names=[row[1] for row in rows],
        slugs=[row[2] for row in rows],
        communes=[row[3] or "" for row in rows],
        types=[row[4] or [] for row in rows],
        latitudes=[row[6] for row in rows],
        longitudes=[row[7] for row in rows],
        located=bits_of(located, size),
        by_name=by_name,
        type_bits={code: bits_of(p, size) for code, p in by_type.items()},
        status_bits={code: bits_of(p, size) for code, p in by_status.items()},
        accessible_bits=bits_of(accessible, size),
        network_bits={slug: bits_of(p, size) for slug, p in by_network.items()},
        network_names=network_names,
        equipment_bits={key: bits_of(p, size) for key, p in by_equipment.items()},
        spaces=spaces,
        hours=[_opening_minutes(row[9]) for row in rows],
        tag_bits={
            facet: {value: bits_of(p, size) for value, p in found.items()}
            for facet, found in by_tag.items()
        },
    )


def _opening_minutes(hours: Any) -> dict[str, list[tuple[int, int]]]:
    """{"sa": [(600, 1080)], …}: the stored opening hours in minutes, unreadable days left out."""
    from maillage.places.opening_hours import InvalidOpeningHours, parse_day

    out: dict[str, list[tuple[int, int]]] = {}
    if not isinstance(hours, dict):
        return out
    for day, text in hours.items():
        try:
            pairs = parse_day(str(text or ""))
        except InvalidOpeningHours:
            continue
        minutes = []
        for opens, closes in pairs:
            h1, m1 = opens.split(":")
            h2, m2 = closes.split(":")
            minutes.append((int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)))
        if minutes:
            out[str(day)] = minutes
    return out


def directory_index(using: str | None = None) -> DirectoryIndex:
    """The picture of the directory as the database holds it now (rebuilt if it changed)."""
    global _current
    from maillage.places.models import Place

    using = using or router.db_for_read(Place)
    version = (using, *directory_version(using))
    current = _current
    if current is not None and current.version == version:
        return current
    with _lock:
        if _current is not None and _current.version == version:
            return _current
        _current = _load(version, using)
        _current.space_table(STANDARD)
        return _current


connect_signals()
