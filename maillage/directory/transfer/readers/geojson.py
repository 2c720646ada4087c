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
    pick_profile,
)
from maillage.directory.transfer.rows import ImportRow, ReadResult, UnreadableFile


def read_geojson(path: Path) -> ReadResult:
    """Read the Point features of a FeatureCollection; raise UnreadableFile otherwise."""
    data = load_json(path)
    return rows_from_geojson(data)


def rows_from_geojson(data: Any) -> ReadResult:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise UnreadableFile(_("Ce GeoJSON n'est pas une FeatureCollection."))
    features = data.get("features")
    if not isinstance(features, list):
        raise UnreadableFile(_("Ce GeoJSON n'a pas de liste « features »."))
    keys: list[str] = []
    for feature in features[:50]:
        for key in (feature.get("properties") or {}) if isinstance(feature, dict) else {}:
            if key not in keys:
                keys.append(key)
    profile = pick_profile(keys, profiles=[CGET_2019, MEDIATION, MAILLAGE_EXPORT, TEMPLATE])
    if not profile.matches(keys):
        raise UnreadableFile(
            _("Propriétés manquantes dans les points : %(missing)s.")
            % {"missing": ", ".join(TEMPLATE.missing(keys))}
        )
    notices = header_notices(profile, keys)
    rows: list[ImportRow] = []
    for number, feature in enumerate(features, start=1):
        props = dict((feature or {}).get("properties") or {}) if isinstance(feature, dict) else {}
        row = profile.row(props, row_number=number)
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if geometry and geometry.get("type") == "Point":
            coords = geometry.get("coordinates") or []
            if len(coords) >= 2:
                row.longitude, row.latitude = coords[0], coords[1]
                row.columns["latitude"] = row.columns["longitude"] = "geometry"
        elif geometry:
            row.raw["__geometry_error__"] = str(geometry.get("type"))
        rows.append(row)
    return ReadResult(rows=rows, notices=notices)
