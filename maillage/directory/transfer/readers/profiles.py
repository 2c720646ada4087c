"""Column sets the readers recognise, and how each maps onto an ImportRow."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.directory.transfer.rows import ImportRow, hashed_id, text, types_from_text
from maillage.places.mediation import TAG_FIELDS, split_values
from maillage.places.models import WEEKDAYS, PlaceType
from maillage.places.opening_hours import InvalidOpeningHours, normalize_opening_hours

FIELDS = [
    "external_id",
    "name",
    "types",
    "address",
    "postal_code",
    "commune_name",
    "insee_code",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "description",
    "opening_hours",
]


@dataclass(frozen=True)
class Profile:
    """A family of files: its source key (prefix of external ids) and its columns per field.

    Each field lists candidate columns; the first one present in the file is used. A field whose
    value is a list of columns joined with spaces (an address in parts) uses `joined`.
    """

    key: str
    label: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]
    joined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_types: tuple[str, ...] = ()
    # Columns copied as they are into ImportRow.extra (place field name → column).
    extras: dict[str, str] = field(default_factory=dict)
    # Whether the id column holds the place's external id as it is (our own export), and the
    # records may carry spaces and equipment.
    verbatim_ids: bool = False
    # A network's own names for type values ({"tierslieu": "other"}), from a mapping profile.
    type_map: dict[str, str] = field(default_factory=dict)
    # Multi-valued columns kept as the place's tags ("services": "A|B" → ["A", "B"]).
    tag_columns: tuple[str, ...] = ()
    # One column of opening hours per day ("h_lundi": "09:00 - 12:00 / 14:00 - 17:00").
    day_columns: dict[str, str] = field(default_factory=dict)

    def known_columns(self) -> set[str]:
        known = {col for cols in self.columns.values() for col in cols}
        known |= {col for cols in self.joined.values() for col in cols}
        known |= set(self.extras.values())
        known |= set(self.day_columns.values())
        known |= set(self.tag_columns)
        if self.verbatim_ids:
            known |= {"spaces", "equipment", "tags"}
        return known | {"source"}

    def missing(self, header: Iterable[str]) -> list[str]:
        """The required columns absent from the header (each requirement: one of several)."""
        present = set(header)
        return [" / ".join(group) for group in self.required if not present & set(group)]

    def matches(self, header: Iterable[str]) -> bool:
        present = set(header)
        return all(present & set(group) for group in self.required)

    def row(self, record: dict[str, Any], *, row_number: int) -> ImportRow:
        """Map one record (a dict of column → value) onto an ImportRow."""
        values: dict[str, Any] = {}
        columns: dict[str, str] = {}
        for name, candidates in self.columns.items():
            for col in candidates:
                if col in record:
                    value = record[col]
                    if isinstance(value, list):
                        value = "|".join(str(item) for item in value)
                    values[name] = value if name in {"latitude", "longitude"} else text(value)
                    columns[name] = col
                    if values[name] not in ("", None):
                        break
        for name, parts in self.joined.items():
            joined = " ".join(text(record.get(col)) for col in parts if text(record.get(col)))
            if joined and not values.get(name):
                values[name] = joined
                columns[name] = "+".join(parts)
        row = ImportRow(row_number=row_number, raw=dict(record), columns=columns)
        for name in FIELDS:
            if name in values and name != "types":
                setattr(row, name, values[name])
        row.types = types_from_text(values.get("types", "")) + [
            t for t in self.extra_types if t not in types_from_text(values.get("types", ""))
        ]
        # Multi-valued contact cells ("a@x.fr|b@y.fr"): keep the first.
        for name in ("email", "website", "phone"):
            value = getattr(row, name)
            if "|" in value:
                setattr(row, name, value.split("|")[0].strip())
        for name, col in self.extras.items():
            if col in record and record[col] not in (None, ""):
                row.extra[name] = record[col]
                row.columns[name] = col
        if self.day_columns:
            _day_hours(row, record, self.day_columns)
        tags = {
            col: split_values(record[col])
            for col in self.tag_columns
            if record.get(col) not in (None, "", [])
        }
        kept = _json_object(record.get("tags")) if self.verbatim_ids else None
        if kept is not None:
            # Our exports carry the tags as one object (a JSON text in a CSV cell).
            tags = {str(key): split_values(value) for key, value in kept.items()}
        tags = {key: values for key, values in tags.items() if values}
        if tags:
            row.extra["tags"] = tags
            row.columns["tags"] = ", ".join(tags)
        if self.key == "lmn" and "acceslibre_url" not in row.extra and record.get("accessibilite"):
            # The schema's older name for the acceslibre link.
            row.extra["acceslibre_url"] = record["accessibilite"]
            row.columns["acceslibre_url"] = "accessibilite"
        if "source" in record:
            source = text(record["source"])[:100]
            # Our own export says exactly what the place's source is, even when empty.
            if source or self.verbatim_ids:
                row.source = source
        if self.verbatim_ids:
            for name in ("spaces", "equipment"):
                if record.get(name) not in (None, ""):
                    setattr(row, name, record[name])
        row.attributes = self.attributes(record)
        if self.type_map and values.get("types"):
            row.types = mapped_types(str(values["types"]), self.type_map)
        row.external_id = self.external_id(record, row)
        return row

    def attributes(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record's columns no field uses, kept rather than thrown away."""
        if self.verbatim_ids:
            # Our own export carries them back as one "extra" object (a JSON text in a CSV).
            kept = record.get("extra")
            if isinstance(kept, str) and kept.strip().startswith("{"):
                try:
                    kept = json.loads(kept)
                except ValueError:
                    kept = None
            return dict(kept) if isinstance(kept, dict) else {}
        known = self.known_columns()
        return {
            key[:100]: value
            for key, value in record.items()
            if key and key not in known and value not in (None, "", [], {})
        }

    def external_id(self, record: dict[str, Any], row: ImportRow) -> str:
        source = self.key
        if self.verbatim_ids and row.external_id:
            # Our export's id is the place's external id as stored ("cget-2019-0042" or
            # "reseau-a:hangar-7"), or "maillage:<pk>": prefixing it would make a new place.
            return row.external_id[:100]
        if self.key == "lmn" and ":" in row.external_id:
            # An id our export wrote ("cget2019:42", "maillage:7"): already the place's own.
            return row.external_id[:100]
        if self.key == "lmn":
            # Médiation numérique files gather several publishers, each with its own ids.
            origin = slugify(text(record.get("source")))[:30]
            source = f"lmn-{origin}" if origin else "lmn"
        elif self.key == "csv" and text(record.get("source")):
            source = slugify(text(record.get("source")))[:30] or "csv"
        ident = row.external_id or hashed_id(
            row.name, row.address, row.postal_code, row.commune_name
        )
        return f"{source}:{ident}"[:100]


def _json_object(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _day_hours(row: ImportRow, record: dict[str, Any], columns: dict[str, str]) -> None:
    """Opening hours from one column per day; kept as a note when they cannot be read."""
    hours = {}
    for day, column in columns.items():
        value = text(record.get(column)).replace("/", ",").replace(" ", "")
        if value and value != "-":
            hours[day] = value
    if not hours:
        return
    try:
        row.extra["opening_hours"] = normalize_opening_hours(hours)
    except InvalidOpeningHours:
        labels = dict(WEEKDAYS)
        note = " ; ".join(f"{labels[day]} {text(record.get(columns[day]))}" for day in hours)
        row.extra["opening_hours_note"] = note
        row.columns["opening_hours_note"] = ", ".join(columns.values())


TEMPLATE_COLUMNS = [
    "identifiant",
    "source",
    "nom",
    "types",
    "adresse",
    "code_postal",
    "commune",
    "code_insee",
    "latitude",
    "longitude",
    "site_web",
    "courriel",
    "telephone",
    "description",
    "horaires",
]

# The usual French and English names of each column, ours first.
NAME_COLUMNS = ("nom", "name", "titre", "title", "nom_lieu", "libelle", "Nom", "Name", "NOM")
PLACE_COLUMNS = (
    "code_insee",
    "insee",
    "code_postal",
    "cp",
    "postcode",
    "postal_code",
    "zip",
    "zipcode",
    "commune",
    "ville",
    "city",
    "town",
    "CP",
    "Ville",
    "Commune",
    "Code postal",
)

TEMPLATE = Profile(
    key="csv",
    label="Maillage",
    columns={
        "external_id": ("identifiant", "id"),
        "name": NAME_COLUMNS,
        "types": ("types", "type", "typologie", "category", "categorie", "categories", "Type"),
        "address": ("adresse", "address", "street", "rue", "adresse_postale", "Adresse"),
        "postal_code": ("code_postal", "cp", "postcode", "postal_code", "zip", "zipcode", "CP"),
        "commune_name": ("commune", "ville", "city", "town", "Ville", "Commune"),
        "insee_code": ("code_insee", "insee"),
        "latitude": ("latitude", "lat"),
        "longitude": ("longitude", "lon", "lng", "long"),
        "website": ("site_web", "web", "site", "url", "website", "site_internet"),
        "email": ("courriel", "email", "mail", "e_mail", "e-mail", "courriels"),
        "phone": ("telephone", "tel", "phone", "téléphone", "tél"),
        "description": ("description", "presentation", "présentation"),
        "opening_hours": ("horaires", "opening_hours"),
    },
    required=(NAME_COLUMNS, PLACE_COLUMNS),
)

CGET_2019 = Profile(
    key="cget2019",
    label="CGET 2019",
    columns={
        "external_id": ("ID",),
        "name": ("NOM_TL",),
        "types": ("TYPO",),
        "address": ("ADRESSE",),
        "postal_code": ("CP",),
        "commune_name": ("COMINIT", "NOMCOM"),
        "insee_code": ("INSEECOM",),
        "latitude": ("LAT",),
        "longitude": ("LONG",),
        "website": ("WEB",),
    },
    required=(("ID",), ("NOM_TL",), ("INSEECOM", "CP")),
)

REGION_SUD_2022 = Profile(
    key="regionsud2022",
    label="Région Sud 2022",
    columns={
        "name": ("nom",),
        "types": ("type_lieu",),
        "address": ("adresse_brut",),
        "postal_code": ("adresse_code_postal",),
        "commune_name": ("adresse_commune",),
        "insee_code": ("adresse_code_insee",),
        "latitude": ("latitude",),
        "longitude": ("longitude",),
        "website": ("contact_web",),
        "email": ("contact_email",),
        "phone": ("contact_telephone",),
        "description": ("description",),
        "opening_hours": ("horaires_ouverture_osm", "horaires_ouverture_brut"),
    },
    joined={"address": ("adresse_numero", "adresse_rue")},
    required=(("nom",), ("adresse_code_postal", "adresse_code_insee", "adresse_commune")),
)

# The ANCT list of France Services (data.gouv.fr): public service points.
FRANCE_SERVICES = Profile(
    key="france-services",
    label=_("France Services (ANCT)"),
    columns={
        "external_id": ("id_fs",),
        "name": ("lib_fs",),
        "address": ("adresse",),
        "postal_code": ("code_postal",),
        "commune_name": ("lib_com",),
        "insee_code": ("insee_com",),
        "latitude": ("latitude",),
        "longitude": ("longitude",),
        "email": ("mail",),
        "phone": ("telephone",),
    },
    required=(("id_fs",), ("lib_fs",), ("insee_com", "code_postal", "lib_com")),
    extras={"address_complement": "complement_adresse"},
    extra_types=("numerique",),
    day_columns={
        "mo": "h_lundi",
        "tu": "h_mardi",
        "we": "h_mercredi",
        "th": "h_jeudi",
        "fr": "h_vendredi",
        "sa": "h_samedi",
        "su": "h_dimanche",
    },
)

MEDIATION = Profile(
    key="lmn",
    label=_("Lieux de médiation numérique"),
    columns={
        "external_id": ("id",),
        "name": ("nom",),
        "types": ("typologie",),
        "address": ("adresse",),
        "postal_code": ("code_postal",),
        "commune_name": ("commune",),
        "insee_code": ("code_insee",),
        "latitude": ("latitude",),
        "longitude": ("longitude",),
        "website": ("site_web",),
        "email": ("courriels", "courriel"),
        "phone": ("telephone",),
        "description": ("presentation_detail",),
        "opening_hours": ("horaires",),
    },
    required=(("id",), ("nom",), ("commune", "code_postal", "code_insee")),
    extra_types=("numerique",),
    extras={
        "summary": "presentation_resume",
        "address_complement": "complement_adresse",
        "acceslibre_url": "fiche_acces_libre",
        "siret": "pivot",
        "last_confirmed_at": "date_maj",
    },
    tag_columns=tuple(TAG_FIELDS),
)

# Our own export (opendata): English column names, ids already "source:id".
EXPORT_DAYS = ["mo", "tu", "we", "th", "fr", "sa", "su"]
MAILLAGE_EXPORT = Profile(
    key="maillage",
    label=_("Export Maillage"),
    columns={
        "external_id": ("id",),
        "name": ("name",),
        "types": ("types",),
        "address": ("address",),
        "postal_code": ("postal_code",),
        "commune_name": ("commune",),
        "insee_code": ("code_insee",),
        "latitude": ("latitude",),
        "longitude": ("longitude",),
        "website": ("website",),
        "email": ("email",),
        "phone": ("phone",),
        "description": ("description",),
    },
    required=(("id",), ("name",), ("code_insee", "postal_code", "commune")),
    extras={
        "summary": "summary",
        "status": "status",
        "address_complement": "address_complement",
        "opening_hours_note": "opening_hours_note",
        "accessibility_note": "accessibility_note",
        "acceslibre_url": "acceslibre_url",
        "access_step_free": "access_step_free",
        "access_toilets": "access_toilets",
        "access_parking": "access_parking",
        "access_hearing_loop": "access_hearing_loop",
        "access_public_transport": "access_public_transport",
        "siret": "siret",
        "last_confirmed_at": "last_confirmed_at",
        "opening_hours": "opening_hours",
        **{f"opening_hours_{day}": f"opening_hours_{day}" for day in EXPORT_DAYS},
        "source_format": "source_format",
        "source_producer": "source_producer",
        "source_licence": "source_licence",
    },
    verbatim_ids=True,
)

# Most specific first: a CGET file also has columns a looser profile would accept.
CSV_PROFILES = [CGET_2019, REGION_SUD_2022, FRANCE_SERVICES, MEDIATION, MAILLAGE_EXPORT, TEMPLATE]


def pick_profile(header: list[str], *, profiles: list[Profile] = CSV_PROFILES) -> Profile:
    """The profile whose required columns the header holds; the template's otherwise."""
    present = set(header)
    if "pivot" in present and MEDIATION in profiles and MEDIATION.matches(header):
        return MEDIATION
    for profile in profiles:
        if profile is not MEDIATION and profile.matches(header):
            return profile
    return TEMPLATE


def header_notices(profile: Profile, header: list[str]) -> list[str]:
    """Say which profile was recognised and which columns will be ignored."""
    notices = [_("Colonnes reconnues : %(label)s.") % {"label": profile.label}]
    extra = [col for col in header if col and col not in profile.known_columns()]
    if extra:
        notices.append(
            _("Colonnes gardées comme attributs supplémentaires des lieux : %(cols)s.")
            % {"cols": ", ".join(extra[:30]) + ("…" if len(extra) > 30 else "")}
        )
    return notices


def mapped_types(value: str, type_map: dict[str, str]) -> list[str]:
    """Types of a cell, by the network's own names first, then by the usual words."""
    found: list[str] = []
    for part in value.replace(";", "|").replace(",", "|").split("|"):
        part = part.strip()
        if not part:
            continue
        code = type_map.get(part)
        codes = [code] if code else types_from_text(part)
        found += [c for c in codes if c not in found]
    return found


# The fields a mapping may give a column (the usual names of the others stay recognised).
MAPPABLE_FIELDS = [
    "name",
    "types",
    "address",
    "postal_code",
    "commune_name",
    "insee_code",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "description",
    "opening_hours",
    "external_id",
]
PLACE_FIELDS = ("insee_code", "postal_code", "commune_name")


def mapped_profile(mapping: dict[str, Any], *, has_geometry: bool = False) -> Profile:
    """The template's profile with the columns a person chose (mapping["fields"]: field →
    column) tried first, and their names for type values (mapping["types"]: value → type)."""
    chosen = {
        name: column
        for name, column in (mapping.get("fields") or {}).items()
        if name in MAPPABLE_FIELDS and isinstance(column, str) and column
    }
    taken = set(chosen.values())
    columns = {
        name: (chosen[name],)
        if name in chosen
        else tuple(col for col in TEMPLATE.columns.get(name, ()) if col not in taken)
        for name in MAPPABLE_FIELDS
    }
    place_columns = tuple(col for name in PLACE_FIELDS for col in columns[name])
    if columns["latitude"] and columns["longitude"]:
        place_columns += columns["latitude"]
    # A GeoJSON's points give the position, from which the commune is found.
    required = (columns["name"],) if has_geometry else (columns["name"], place_columns)
    return Profile(
        key=TEMPLATE.key,
        label=_("colonnes associées à la main"),
        columns=columns,
        required=required,
        type_map={
            str(value): code
            for value, code in (mapping.get("types") or {}).items()
            if code in PlaceType.values
        },
    )
