"""The mapping step: a file's columns with sample values, and a person's choice of fields.

When a file names its columns in a way no reader recognises, the dry run stops at a mapping
step: each column (or GeoJSON property) is shown with a few sample values, to be given a
Maillage field, and the distinct values of its type column, to be given a place type. The
choice may be saved as a network's named profile and used again (page or command).
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import User
from maillage.directory.transfer.readers import MAPPABLE_FORMATS
from maillage.directory.transfer.readers.csvfile import decode, sniff_delimiter
from maillage.directory.transfer.readers.geojson import _properties
from maillage.directory.transfer.readers.jsonfile import load_json
from maillage.directory.transfer.readers.profiles import MAPPABLE_FIELDS, TEMPLATE
from maillage.directory.transfer.rows import TransferError, text
from maillage.networks.models import Network
from maillage.places.models import ImportProfile, ImportRun, PlaceType

SAMPLES = 3
MAX_COLUMNS = 80
MAX_TYPE_VALUES = 60

FIELD_LABELS = {
    "name": gettext_lazy("Nom du lieu"),
    "types": gettext_lazy("Types de lieu"),
    "address": gettext_lazy("Adresse"),
    "postal_code": gettext_lazy("Code postal"),
    "commune_name": gettext_lazy("Commune (nom)"),
    "insee_code": gettext_lazy("Code INSEE de la commune"),
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
    "website": gettext_lazy("Site web"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Téléphone"),
    "description": gettext_lazy("Description"),
    "opening_hours": gettext_lazy("Horaires"),
    "external_id": gettext_lazy("Identifiant dans le fichier"),
}
assert set(FIELD_LABELS) == set(MAPPABLE_FIELDS)


class MappingError(TransferError):
    """A mapping that cannot work (the name or the commune has no column…)."""


@dataclass
class Column:
    name: str
    samples: list[str] = field(default_factory=list)
    # The field its name is usually given to ("" when none).
    usual_field: str = ""


def _records(path: Path, format: str, limit: int) -> list[dict[str, Any]]:
    if format == ImportRun.Format.GEOJSON:
        data = load_json(path)
        features = data.get("features") if isinstance(data, dict) else None
        return [_properties(f) for f in (features or [])[:limit]]
    content, _encoding = decode(path.read_bytes()[: 4 * 1024 * 1024])
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=sniff_delimiter(content))
    records = []
    for number, record in enumerate(reader):
        if number >= limit:
            break
        records.append(
            {(key or "").strip().lstrip("\ufeff"): value for key, value in record.items() if key}
        )
    return records


def _usual_field(column: str) -> str:
    for name in MAPPABLE_FIELDS:
        if column in TEMPLATE.columns.get(name, ()):
            return name
    return ""


def inspect_file(path: Path, *, format: str, limit: int = 2000) -> dict[str, Any]:
    """The file's columns (with sample values) and the distinct values of each column that
    looks like a list of categories, as stored on the run for the mapping step."""
    if format not in MAPPABLE_FORMATS:
        return {}
    records = _records(path, format, limit)
    columns: dict[str, Column] = {}
    distinct: dict[str, list[str]] = {}
    for record in records:
        for key, value in record.items():
            column = columns.setdefault(key, Column(name=key, usual_field=_usual_field(key)))
            if len(columns) > MAX_COLUMNS and key not in list(columns)[:MAX_COLUMNS]:
                continue
            value = "|".join(map(str, value)) if isinstance(value, list) else text(value)
            if value and len(column.samples) < SAMPLES and value[:80] not in column.samples:
                column.samples.append(value[:80])
            values = distinct.setdefault(key, [])
            if len(values) <= MAX_TYPE_VALUES:
                for part in value.replace(";", "|").replace(",", "|").split("|"):
                    part = part.strip()[:80]
                    if part and part not in values:
                        values.append(part)
    return {
        "columns": [
            {"name": c.name, "samples": c.samples, "usual": c.usual_field}
            for c in list(columns.values())[:MAX_COLUMNS]
        ],
        # Only columns with few distinct values can be category columns.
        "values": {
            key: values for key, values in distinct.items() if len(values) <= MAX_TYPE_VALUES
        },
    }


def check_mapping(
    fields: dict[str, str], *, columns: list[str], has_geometry: bool
) -> dict[str, str]:
    """The field → column mapping, checked; raise MappingError naming the form field to fix."""
    clean: dict[str, str] = {}
    for name, column in fields.items():
        if not column:
            continue
        if name not in MAPPABLE_FIELDS:
            raise MappingError(_("Champ inconnu : « %(f)s ».") % {"f": name})
        if column not in columns:
            raise MappingError(
                _("La colonne « %(c)s » n'est pas dans le fichier.") % {"c": column}, field=name
            )
        clean[name] = column
    if "name" not in clean:
        raise MappingError(_("Choisissez la colonne qui donne le nom du lieu."), field="field-name")
    has_coordinates = has_geometry or ("latitude" in clean and "longitude" in clean)
    if not any(name in clean for name in ("insee_code", "postal_code", "commune_name")) and (
        not has_coordinates
    ):
        raise MappingError(
            _(
                "Choisissez au moins une colonne qui situe le lieu : code INSEE, code postal, "
                "nom de commune, ou latitude et longitude."
            ),
            field="field-commune_name",
        )
    if ("latitude" in clean) != ("longitude" in clean):
        missing = "longitude" if "latitude" in clean else "latitude"
        raise MappingError(
            _("Associez aussi la %(f)s, ou aucune des deux coordonnées.")
            % {"f": FIELD_LABELS[missing].lower()},
            field=f"field-{missing}",
        )
    return clean


def check_types(types: dict[str, str]) -> dict[str, str]:
    clean = {}
    for value, code in types.items():
        if not code:
            continue
        if code not in PlaceType.values:
            raise MappingError(_("Type de lieu inconnu : « %(t)s ».") % {"t": code})
        clean[str(value)[:80]] = code
    return clean


def save_profile(
    *, network: Network, name: str, mapping: dict[str, Any], by: User | None
) -> ImportProfile:
    """Create or replace the network's profile of that name."""
    name = " ".join(name.split())[:100]
    if not name:
        raise MappingError(_("Donnez un nom au profil."), field="profile_name")
    try:
        with transaction.atomic():
            profile, _created = ImportProfile.objects.update_or_create(
                network=network,
                name=name,
                defaults={
                    "fields": mapping.get("fields") or {},
                    "types": mapping.get("types") or {},
                    "created_by": by,
                },
            )
    except IntegrityError as exc:  # two saves at once: the other one won
        raise MappingError(
            _("Un profil de ce nom vient d'être enregistré : réessayez."), field="profile_name"
        ) from exc
    return profile


def profile_mapping(profile: ImportProfile) -> dict[str, Any]:
    return {"fields": dict(profile.fields or {}), "types": dict(profile.types or {})}
