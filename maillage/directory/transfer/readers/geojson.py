"""GeoJSON: a FeatureCollection of Points (the CGET 2019 GeoJSON, our own export)."""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from maillage.directory.transfer.readers.jsonfile import load_json
from maillage.directory.transfer.readers.profiles import (
    CGET_2019,
    MAILLAGE_EXPORT,
    MEDIATION,
    TEMPLATE,
    header_notices,
    mapped_profile,
    pick_profile,
)
from maillage.directory.transfer.rows import (
    ImportRow,
    NeedsMapping,
    ReadResult,
    UnreadableFile,
    check_row_count,
)


def read_geojson(path: Path, *, mapping: dict[str, Any] | None = None) -> ReadResult:
    """Read the Point features of a FeatureCollection; raise UnreadableFile otherwise."""
    data = load_json(path)
    return rows_from_geojson(data, mapping=mapping)


def rows_from_geojson(data: Any, *, mapping: dict[str, Any] | None = None) -> ReadResult:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise UnreadableFile(_("Ce GeoJSON n'est pas une FeatureCollection."))
    features = data.get("features")
    if not isinstance(features, list):
        raise UnreadableFile(_("Ce GeoJSON n'a pas de liste « features »."))
    check_row_count(len(features))
    keys: list[str] = []
    for feature in features[:50]:
        for key in _properties(feature):
            if key not in keys:
                keys.append(key)
    if mapping:
        profile = mapped_profile(mapping, has_geometry=True)
    else:
        profile = pick_profile(keys, profiles=[CGET_2019, MEDIATION, MAILLAGE_EXPORT, TEMPLATE])
    if not profile.matches(keys):
        raise NeedsMapping(
            _("Propriétés manquantes dans les points : %(missing)s.")
            % {"missing": ", ".join(TEMPLATE.missing(keys))}
        )
    notices = header_notices(profile, keys)
    rows: list[ImportRow] = []
    for number, feature in enumerate(features, start=1):
        row = profile.row(_properties(feature), row_number=number)
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coords = geometry.get("coordinates")
            if isinstance(coords, list) and len(coords) >= 2:
                row.longitude, row.latitude = coords[0], coords[1]
                row.columns["latitude"] = row.columns["longitude"] = "geometry"
        elif geometry:
            kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
            row.raw["__geometry_error__"] = str(kind)[:40]
        rows.append(row)
    return ReadResult(rows=rows, notices=notices)


def _properties(feature: Any) -> dict[str, Any]:
    """A feature's properties with text names (a file made by hand may hold anything)."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return {}
    return {key: value for key, value in props.items() if isinstance(key, str)}
