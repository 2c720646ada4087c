"""Geography helpers that know nothing of our models."""

import math
from collections.abc import Iterable
from typing import Any

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def feature_collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def point_feature(*, lat: float, lon: float, properties: dict[str, Any]) -> dict[str, Any]:
    # GeoJSON orders coordinates longitude first; 5 decimals is about one metre.
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
        "properties": properties,
    }


def convex_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull of (x, y) points, counter-clockwise, without repeating the first point.

    Andrew's monotone chain. One or two distinct points come back as they are; collinear points
    come back as the two ends of their segment.
    """
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def hull_geometry(points: Iterable[tuple[float, float]]) -> dict[str, Any] | None:
    """A GeoJSON geometry around (lon, lat) points: Polygon, LineString (2 ends) or Point (1)."""
    hull = [(round(x, 5), round(y, 5)) for x, y in convex_hull(points)]
    if not hull:
        return None
    if len(hull) == 1:
        return {"type": "Point", "coordinates": list(hull[0])}
    if len(hull) == 2:
        return {"type": "LineString", "coordinates": [list(p) for p in hull]}
    ring = [list(p) for p in hull]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
