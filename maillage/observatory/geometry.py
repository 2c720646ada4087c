"""Distances between many points with NumPy: nearest point, points within a radius, brute force.

Everything is straight lines on the sphere (great-circle distance, mean Earth radius), between
the points given — here commune centres and places. Nothing here knows Django.

The fast path puts the points on the unit sphere in 3-D and sorts them into cubic cells of side
`cell_km` (a chord): two points less than `cell_km` apart are in the same or in adjacent cells
(27 of them), so the nearest place of a commune is among its neighbouring cells whenever one lies
within `cell_km`. The cells are read closest first and a cell is skipped once the best distance
found is shorter than the way to its box, so a city's commune never reads the hundreds of places
of the cells around it. The few communes with nothing that close (white zones) fall back to a
brute force over every place, in blocks. The great-circle distance is recovered from the chord
exactly (θ = 2·asin(c/2)), so the results agree with a haversine brute force to rounding.
"""

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_KM = 6371.0088
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

_OFFSETS = np.array(
    [(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)], dtype=np.int64
)


def unit_vectors(lat: Floats, lon: Floats) -> Floats:
    """(n, 3) points on the unit sphere for latitudes and longitudes in degrees."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_to_km(chord: Floats) -> Floats:
    """Great-circle km from chords on the unit sphere."""
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def km_to_chord(km: float) -> float:
    return float(2 * np.sin(min(km, np.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)))


def haversine_km(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """Great-circle km (haversine), broadcasting."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


class Grid:
    """Points sorted into cubic cells of side `cell` (a chord on the unit sphere)."""

    def __init__(self, points: Floats, cell: float) -> None:
        self.points = points
        self.cell = cell
        self.span = int(np.ceil(2 / cell)) + 4
        keys = self._keys(points)
        self.order = np.argsort(keys, kind="stable")
        sorted_keys = keys[self.order]
        self.cells, self.starts, self.counts = np.unique(
            sorted_keys, return_index=True, return_counts=True
        )

    def _coords(self, points: Floats) -> Ints:
        return np.floor(points / self.cell).astype(np.int64) + self.span // 2

    def _keys(self, points: Floats) -> Ints:
        c = self._coords(points)
        return (c[:, 0] * self.span + c[:, 1]) * self.span + c[:, 2]

    def expand(self, slots: Ints) -> tuple[Ints, Ints]:
        """The points of the given cells (indices into `cells`), cell after cell, and how many
        each cell holds."""
        counts = self.counts[slots]
        total = int(counts.sum())
        offset = np.repeat(self.starts[slots] - (np.cumsum(counts) - counts), counts)
        return counts, self.order[offset + np.arange(total)]

    def neighbour_cells(self, queries: Floats) -> tuple[Ints, Floats]:
        """For each query, its occupied neighbour cells (indices into `cells`, shape (n, 27)),
        closest first, and the squared distance from the query to each cell's box (inf when the
        cell is empty). The lookups are done once per distinct query cell."""
        own = self._keys(queries)
        distinct, inverse = np.unique(own, return_inverse=True)
        span = self.span
        shifts = (_OFFSETS[:, 0] * span + _OFFSETS[:, 1]) * span + _OFFSETS[:, 2]
        keys = (distinct[:, None] + shifts[None, :]).ravel()
        slot = np.minimum(np.searchsorted(self.cells, keys), len(self.cells) - 1)
        found = (self.cells[slot] == keys).reshape(len(distinct), 27)[inverse]
        slot = slot.reshape(len(distinct), 27)[inverse]
        scaled = queries / self.cell
        frac = scaled - np.floor(scaled)
        # Squared gap to the next cell along each axis, for the offsets −1, 0, +1.
        gaps = np.stack((frac, np.zeros_like(frac), 1 - frac), axis=-1) ** 2 * self.cell**2
        box = (
            gaps[:, 0, _OFFSETS[:, 0] + 1]
            + gaps[:, 1, _OFFSETS[:, 1] + 1]
            + gaps[:, 2, _OFFSETS[:, 2] + 1]
        )
        box[~found] = np.inf
        order = np.argsort(box, axis=1, kind="stable")
        return np.take_along_axis(slot, order, axis=1), np.take_along_axis(box, order, axis=1)


def nearest_brute(
    lat: Floats, lon: Floats, p_lat: Floats, p_lon: Floats, *, block: int = 2048
) -> tuple[Floats, Ints]:
    """Nearest point (km, index) of every query against every point, in blocks: the plain
    brute force (every pair: 2 − 2·q·p by a matrix product, then the winner's exact distance)."""
    n = len(lat)
    dist = np.full(n, np.inf)
    index = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(p_lat) == 0:
        return dist, index
    q = unit_vectors(lat, lon)
    p = unit_vectors(p_lat, p_lon)
    for start in range(0, n, block):
        stop = min(start + block, n)
        index[start:stop] = np.argmax(q[start:stop] @ p.T, axis=1)
        diff = q[start:stop] - p[index[start:stop]]
        dist[start:stop] = chord_to_km(np.sqrt(np.einsum("ij,ij->i", diff, diff)))
    return dist, index


def nearest_haversine(
    lat: Floats, lon: Floats, p_lat: Floats, p_lon: Floats, *, block: int = 1024
) -> tuple[Floats, Ints]:
    """The same by the haversine formula on every pair (slow; for checks)."""
    n = len(lat)
    dist = np.full(n, np.inf)
    index = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(p_lat) == 0:
        return dist, index
    for start in range(0, n, block):
        stop = min(start + block, n)
        d = haversine_km(
            lat[start:stop, None], lon[start:stop, None], p_lat[None, :], p_lon[None, :]
        )
        index[start:stop] = np.argmin(d, axis=1)
        dist[start:stop] = d[np.arange(stop - start), index[start:stop]]
    return dist, index


def nearest(
    lat: Floats, lon: Floats, p_lat: Floats, p_lon: Floats, *, cell_km: float = 20.0
) -> tuple[Floats, Ints]:
    """Nearest point (km, index) of every query; the same answer as `nearest_brute`, faster.

    Each query visits the occupied cells among its 27 neighbours, closest box first, and skips a
    cell once the best distance found so far is shorter than the way to the cell's box: a query
    in a city meets its nearest place in its own cell and never reads the dense cells around it.
    Rounds go by rank (every query's closest cell, then every query's second…), each one
    vectorised. What lies within `cell_km` is then certain; the rest goes to the brute force.
    """
    n = len(lat)
    dist = np.full(n, np.inf)
    index = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(p_lat) == 0:
        return dist, index
    q = unit_vectors(lat, lon)
    p = unit_vectors(p_lat, p_lon)
    cell = km_to_chord(cell_km)
    grid = Grid(p, cell)
    best = np.full(n, np.inf)
    slots, box = grid.neighbour_cells(q)
    for rank in range(slots.shape[1]):
        todo = np.flatnonzero(box[:, rank] < best)
        if not len(todo):
            break
        counts, point = grid.expand(slots[todo, rank])
        query = np.repeat(todo, counts)
        diff = q[query] - p[point]
        d2 = np.einsum("ij,ij->i", diff, diff)
        # One cell per query in a round: the minimum of each group, then its first position.
        group_starts = np.cumsum(counts) - counts
        mins = np.minimum.reduceat(d2, group_starts)
        hits = np.flatnonzero(d2 == np.repeat(mins, counts))
        first = np.ones(len(hits), dtype=bool)
        first[1:] = query[hits[1:]] != query[hits[:-1]]
        better = mins < best[todo]
        best[todo[better]] = mins[better]
        index[todo[better]] = point[hits[first]][better]
    chord = np.sqrt(best)
    sure = chord <= cell
    dist[sure] = chord_to_km(chord[sure])
    rest = np.flatnonzero(~sure)
    if len(rest):
        d_rest, i_rest = nearest_brute(lat[rest], lon[rest], p_lat, p_lon)
        dist[rest] = d_rest
        index[rest] = i_rest
    return dist, index


def pairs_within(
    lat: Floats, lon: Floats, p_lat: Floats, p_lon: Floats, *, radius_km: float
) -> tuple[Ints, Ints, Floats]:
    """Every (query index, point index, km) with the point within `radius_km` of the query,
    sorted by query. Only the neighbour cells whose box comes within the radius are read."""
    if len(lat) == 0 or len(p_lat) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    q = unit_vectors(lat, lon)
    p = unit_vectors(p_lat, p_lon)
    cell = km_to_chord(radius_km)
    grid = Grid(p, cell)
    slots, box = grid.neighbour_cells(q)
    found_q, found_p, found_d = [], [], []
    for rank in range(slots.shape[1]):
        todo = np.flatnonzero(box[:, rank] <= cell**2)
        if not len(todo):
            break
        counts, point = grid.expand(slots[todo, rank])
        query = np.repeat(todo, counts)
        diff = q[query] - p[point]
        chord = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        keep = chord <= cell
        found_q.append(query[keep])
        found_p.append(point[keep])
        found_d.append(chord_to_km(chord[keep]))
    queries = np.concatenate(found_q)
    order = np.argsort(queries, kind="stable")
    return queries[order], np.concatenate(found_p)[order], np.concatenate(found_d)[order]
