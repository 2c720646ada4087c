"""The directory as files: CSV (places, spaces, equipment), GeoJSON, JSON, médiation numérique.

One *record* per place (`place_record`) is the source of every format: GeoJSON carries it whole
as feature properties (the lossless format), JSON is the plain list of records, CSV flattens it
into the import template's columns, and the médiation numérique export maps it onto the 32
columns of the national schema (v1.0.2).

Every exporter takes an iterable of places loaded by `selectors.export_places` (commune joined,
spaces and equipment prefetched) and yields text chunks, so big exports stream.
"""

import csv
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from maillage.lib.csvio import BOM, DELIMITERS, iter_csv, neutralize
from maillage.places.mediation import allowed_values, split_values
from maillage.places.models import Equipment, Place, PlaceStatus, PlaceType, Space
from maillage.places.opening_hours import DAY_CODES, parse_day
from maillage.places.services import EQUIPMENT_FIELDS, SPACE_FIELDS

# --- Records ------------------------------------------------------------------------------------

# The place's own columns, in the order of the CSV file. `id` is the stable identifier: a
# re-import matches on it, so re-importing an export updates instead of duplicating.
PLACE_COLUMNS = [
    "id",
    "name",
    "types",
    "summary",
    "description",
    "status",
    "address",
    "address_complement",
    "postal_code",
    "code_insee",
    "commune",
    "latitude",
    "longitude",
    *[f"opening_hours_{code}" for code in DAY_CODES],
    "opening_hours_note",
    "access_step_free",
    "access_toilets",
    "access_parking",
    "access_hearing_loop",
    "access_public_transport",
    "accessibility_note",
    "acceslibre_url",
    "email",
    "phone",
    "website",
    "source",
    "source_format",
    "source_producer",
    "source_licence",
    "extra",
    "siret",
    "tags",
    "last_confirmed_at",
    "url",
]
SPACE_COLUMNS = ["place_id", *SPACE_FIELDS]
EQUIPMENT_COLUMNS = ["place_id", *EQUIPMENT_FIELDS]
# Several values in one CSV cell (place types) are separated by this.
LIST_SEPARATOR = "|"


def stable_id(place: Place) -> str:
    """The identifier an export gives a place: its external id, or `maillage:<pk>`."""
    return place.external_id or f"maillage:{place.pk}"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def space_record(space: Space) -> dict[str, Any]:
    return {field: getattr(space, field) for field in SPACE_FIELDS}


def equipment_record(item: Equipment) -> dict[str, Any]:
    return {field: getattr(item, field) for field in EQUIPMENT_FIELDS}


def place_record(place: Place, *, base_url: str = "", extras: bool = False) -> dict[str, Any]:
    """Everything public about a place, spaces and equipment included, as JSON-ready values.

    Contact e-mail and phone are the place's own public contact, shown on its page; nothing
    about the people behind it (managers, members) is ever exported.
    """
    commune = place.commune
    return {
        "id": stable_id(place),
        "name": place.name,
        "types": list(place.types),
        "summary": place.summary,
        "description": place.description,
        "status": place.status,
        "address": place.address,
        "address_complement": place.address_complement,
        "postal_code": place.postal_code,
        "code_insee": commune.code_insee if commune else "",
        "commune": commune.name if commune else "",
        "latitude": place.latitude,
        "longitude": place.longitude,
        "opening_hours": {
            code: place.opening_hours[code] for code in DAY_CODES if place.opening_hours.get(code)
        },
        "opening_hours_note": place.opening_hours_note,
        "access_step_free": place.access_step_free,
        "access_toilets": place.access_toilets,
        "access_parking": place.access_parking,
        "access_hearing_loop": place.access_hearing_loop,
        "access_public_transport": place.access_public_transport,
        "accessibility_note": place.accessibility_note,
        "acceslibre_url": place.acceslibre_url,
        "email": place.email,
        "phone": place.phone,
        "website": place.website,
        "source": place.source,
        # Where an import found it, and the columns of that file Maillage has no field for.
        "source_format": place.source_format,
        "source_producer": place.source_producer,
        "source_licence": place.source_licence,
        # Columns of an imported file Maillage has no field for: the place page shows them to its
        # managers only (a network's own spreadsheet may hold anything), so only the exports of
        # who may see them carry them.
        "extra": dict(place.extra or {}) if extras else {},
        "siret": place.siret,
        "tags": dict(place.tags or {}),
        "last_confirmed_at": _iso(place.last_confirmed_at),
        "url": base_url + place.get_absolute_url(),
        "spaces": [space_record(space) for space in place.spaces.all()],
        "equipment": [equipment_record(item) for item in place.equipment.all()],
    }


# --- CSV ----------------------------------------------------------------------------------------

TABLES = {"places", "spaces", "equipment"}


def _place_row(record: dict[str, Any]) -> list[Any]:
    flat = dict(record)
    flat["types"] = LIST_SEPARATOR.join(record["types"])
    # Tags in one cell, as a JSON object the import reads back.
    flat["tags"] = _dumps(record["tags"]) if record["tags"] else ""
    for code in DAY_CODES:
        flat[f"opening_hours_{code}"] = record["opening_hours"].get(code, "")
    flat["extra"] = json.dumps(record["extra"], ensure_ascii=False) if record["extra"] else ""
    return [flat[column] for column in PLACE_COLUMNS]


def iter_places_csv(
    places: Iterable[Place],
    *,
    delimiter: str = ",",
    table: str = "places",
    base_url: str = "",
    extras: bool = False,
) -> Iterator[str]:
    """Yield one CSV table of the directory: places, or their spaces, or their equipment.

    Spaces and equipment rows carry the place's stable id in `place_id`.
    """
    if table == "spaces":
        rows: Iterable[list[Any]] = (
            [stable_id(place), *(getattr(space, f) for f in SPACE_FIELDS)]
            for place in places
            for space in place.spaces.all()
        )
        return iter_csv(rows, header=SPACE_COLUMNS, delimiter=delimiter)
    if table == "equipment":
        rows = (
            [stable_id(place), *(getattr(item, f) for f in EQUIPMENT_FIELDS)]
            for place in places
            for item in place.equipment.all()
        )
        return iter_csv(rows, header=EQUIPMENT_COLUMNS, delimiter=delimiter)
    rows = (_place_row(place_record(place, base_url=base_url, extras=extras)) for place in places)
    return iter_csv(rows, header=PLACE_COLUMNS, delimiter=delimiter)


# --- GeoJSON and JSON ---------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def place_feature(record: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature for a record; a place without a position gets a null geometry."""
    geometry = None
    if record["latitude"] is not None and record["longitude"] is not None:
        # GeoJSON order is longitude, latitude (RFC 7946).
        geometry = {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]}
    return {"type": "Feature", "id": record["id"], "geometry": geometry, "properties": record}


def iter_geojson(
    places: Iterable[Place],
    *,
    base_url: str = "",
    metadata: dict[str, Any] | None = None,
    extras: bool = False,
) -> Iterator[str]:
    """Yield a GeoJSON FeatureCollection of the places, one feature per chunk."""
    head = {"type": "FeatureCollection"}
    if metadata:
        head["metadata"] = metadata  # type: ignore[assignment]
    yield _dumps(head)[:-1] + ',"features":['
    for index, place in enumerate(places):
        feature = place_feature(place_record(place, base_url=base_url, extras=extras))
        yield ("," if index else "") + _dumps(feature)
    yield "]}"


def iter_json(
    places: Iterable[Place], *, base_url: str = "", extras: bool = False
) -> Iterator[str]:
    """Yield a JSON array of place records (the GeoJSON properties, without the envelope)."""
    yield "["
    for index, place in enumerate(places):
        yield ("," if index else "") + _dumps(place_record(place, base_url=base_url, extras=extras))
    yield "]"


# --- GoGoCarto -----------------------------------------------------------------------------------

_GOGOCARTO_DAYS = {
    "mo": "Mo",
    "tu": "Tu",
    "we": "We",
    "th": "Th",
    "fr": "Fr",
    "sa": "Sa",
    "su": "Su",
}


def gogocarto_element(place: Place, *, base_url: str = "") -> dict[str, Any]:
    """A place as an element of GoGoCarto's "gogofull" JSON (schema.org names inside).

    The id is the place's stable id, which the GoGoCarto import recognises as it is.
    """
    commune = place.commune
    labels = dict(PlaceType.choices)
    return {
        "id": stable_id(place),
        "name": place.name,
        "status": 1,
        "geo": {"latitude": place.latitude, "longitude": place.longitude},
        "address": {
            "streetAddress": place.address,
            "addressLocality": commune.name if commune else "",
            "postalCode": place.postal_code,
            "addressCountry": "FR",
        },
        "description": place.description,
        # Not GoGoCarto's own fields: read back by Maillage's import.
        "summary": place.summary,
        "telephone": place.phone,
        "website": place.website,
        "email": place.email,
        "categories": [str(labels.get(code, code)) for code in place.types],
        "openHours": {
            _GOGOCARTO_DAYS[code]: place.opening_hours[code]
            for code in DAY_CODES
            if place.opening_hours.get(code)
        },
        "openHoursMoreInfos": place.opening_hours_note,
        "sourceKey": place.source or "Maillage",
        "url": base_url + place.get_absolute_url(),
        "createdAt": _iso(place.created_at),
        "updatedAt": _iso(place.last_confirmed_at or place.updated_at),
    }


def iter_gogocarto(places: Iterable[Place], *, base_url: str = "") -> Iterator[str]:
    """Yield a GoGoCarto export: {"ontology": "gogofull", "data": [elements]}."""
    # "generator" tells Maillage's import that the ids are places' own.
    yield '{"ontology":"gogofull","generator":"Maillage","data":['
    for index, place in enumerate(places):
        yield ("," if index else "") + _dumps(gogocarto_element(place, base_url=base_url))
    yield "]}"


# --- Lieux de médiation numérique (schema v1.0.2) -----------------------------------------------

MEDIATION_COLUMNS = [
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
]
# The schema requires a SIRET-like "pivot"; a place without one gets the schema's agreed blank.
NO_PIVOT = "00000000000000"
# The schema's service closest to what each kind of tiers-lieu offers; the last one is the
# default: every tiers-lieu welcoming the public offers internet access and computers.
SERVICES_BY_TYPE = {
    PlaceType.NUMERIQUE: "Maîtrise des outils numériques du quotidien",
    PlaceType.FABLAB: "Loisirs et créations numériques",
    PlaceType.LIVING_LAB: "Compréhension du monde numérique",
    PlaceType.COWORKING: "Accès internet et matériel informatique",
}
DEFAULT_SERVICE = "Accès internet et matériel informatique"
_SCHEMA_PHONE = re.compile(
    r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$"
)
_OSM_DAYS = {"mo": "Mo", "tu": "Tu", "we": "We", "th": "Th", "fr": "Fr", "sa": "Sa", "su": "Su"}


def osm_opening_hours(hours: dict[str, str]) -> str:
    """Opening hours in OpenStreetMap syntax, consecutive days with equal hours grouped.

    {"mo": "09:00-12:00", "tu": "09:00-12:00", "sa": "10:00-12:00"} → "Mo-Tu 09:00-12:00; Sa 10:00-12:00"
    """
    days = []
    for code in DAY_CODES:
        try:
            pairs = parse_day(hours.get(code) or "")
        except ValueError:
            pairs = []
        days.append((code, ",".join(f"{opens}-{closes}" for opens, closes in pairs)))
    rules = []
    index = 0
    while index < len(days):
        code, spec = days[index]
        end = index
        while end + 1 < len(days) and days[end + 1][1] == spec:
            end += 1
        if spec:
            first, last = _OSM_DAYS[code], _OSM_DAYS[days[end][0]]
            span = first if end == index else f"{first}{',' if end == index + 1 else '-'}{last}"
            rules.append(f"{span} {spec}")
        index = end + 1
    return "; ".join(rules)


def schema_phone(phone: str) -> str:
    """The phone in the schema's form (+33 and digits only), or "" if it cannot be put so."""
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0") and len(digits) == 10:
        digits = "+33" + digits[1:]
    return digits if _SCHEMA_PHONE.match(digits) else ""


def _mediation_postal_code(place: Place) -> str:
    if place.postal_code:
        return place.postal_code
    codes = [
        code for code in (place.commune.postal_codes if place.commune else "").split("|") if code
    ]
    return codes[0] if codes else ""


def mediation_eligible(place: Place) -> bool:
    """Whether the place has what the schema requires (commune, postal code, street address)."""
    return bool(place.commune and place.address and _mediation_postal_code(place))


# Place types that make a place a tiers-lieu in the schema's typology.
TIERS_LIEU_TYPES = {
    PlaceType.COWORKING,
    PlaceType.FABLAB,
    PlaceType.CAFE,
    PlaceType.REPAIR,
    PlaceType.RESSOURCERIE,
    PlaceType.RURAL_HUB,
    PlaceType.FABRIQUE,
    PlaceType.LIVING_LAB,
    PlaceType.FOOD,
}


def mediation_id(place: Place) -> str:
    """The id a médiation numérique file gave the place (without our "lmn-<source>:" prefix),
    or the place's stable id, which an import of the file recognises as it is."""
    prefix, _sep, ident = place.external_id.partition(":")
    if prefix.startswith("lmn") and ident:
        return ident
    return stable_id(place)


def _tag(place: Place, key: str) -> list[str]:
    return allowed_values(key, split_values((place.tags or {}).get(key) or []))


def mediation_record(place: Place) -> dict[str, Any]:
    """The place as a row of the médiation numérique schema (only for `mediation_eligible`).

    What the place holds from such a file (tags, SIRET, date of update) comes back as it was;
    what it does not hold is deduced from its types and contacts — only for places that hold
    none, so that a file exported and imported again says the same.
    """
    commune = place.commune
    assert commune is not None  # mediation_eligible() checked it
    types = place.types or []
    deduce = not place.tags
    services = (
        _tag(place, "services")
        or [service for code, service in SERVICES_BY_TYPE.items() if code in types]
        or [DEFAULT_SERVICE]
    )
    phone = schema_phone(place.phone)
    modalites = _tag(place, "modalites_acces")
    if not modalites and deduce:
        if place.status == PlaceStatus.OPEN:
            modalites.append("Se présenter")
        if phone:
            modalites.append("Téléphoner")
        if place.email:
            modalites.append("Contacter par mail")
    labels = _tag(place, "formations_labels") or (
        ["Fabriques de Territoire"] if deduce and PlaceType.FABRIQUE in types else []
    )
    typologie = split_values((place.tags or {}).get("typologie") or []) or (
        ["TIERS_LIEUX"] if deduce and TIERS_LIEU_TYPES & set(types) else []
    )
    itinerance = _tag(place, "itinerance") or (["Fixe"] if deduce else [])
    updated = place.last_confirmed_at or place.updated_at
    extra = place.extra or {}
    return {
        "id": mediation_id(place),
        "pivot": place.siret or NO_PIVOT,
        "nom": place.name,
        "commune": commune.name,
        "code_postal": _mediation_postal_code(place),
        "code_insee": commune.code_insee,
        "adresse": place.address,
        "complement_adresse": place.address_complement,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "typologie": LIST_SEPARATOR.join(typologie),
        "telephone": phone,
        "courriels": place.email,
        "site_web": place.website,
        "horaires": osm_opening_hours(place.opening_hours),
        "presentation_resume": place.summary[:280],
        "presentation_detail": place.description,
        "source": place.source or "Maillage",
        "itinerance": LIST_SEPARATOR.join(itinerance),
        "structure_parente": str(extra.get("structure_parente") or ""),
        "date_maj": timezone.localtime(updated).date().isoformat() if updated else "",
        "services": LIST_SEPARATOR.join(dict.fromkeys(services)),
        "publics_specifiquement_adresses": LIST_SEPARATOR.join(
            _tag(place, "publics_specifiquement_adresses")
        ),
        "prise_en_charge_specifique": LIST_SEPARATOR.join(
            _tag(place, "prise_en_charge_specifique")
        ),
        "frais_a_charge": LIST_SEPARATOR.join(_tag(place, "frais_a_charge")),
        "dispositif_programmes_nationaux": LIST_SEPARATOR.join(
            _tag(place, "dispositif_programmes_nationaux")
        ),
        "formations_labels": LIST_SEPARATOR.join(labels),
        "autres_formations_labels": LIST_SEPARATOR.join(_tag(place, "autres_formations_labels")),
        "modalites_acces": LIST_SEPARATOR.join(modalites),
        "modalites_accompagnement": LIST_SEPARATOR.join(_tag(place, "modalites_accompagnement")),
        "fiche_acces_libre": place.acceslibre_url,
        "prise_rdv": str(extra.get("prise_rdv") or ""),
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


def iter_mediation_csv(places: Iterable[Place], *, delimiter: str = ",") -> Iterator[str]:
    """Yield the médiation numérique CSV: places open or in project with a full address.

    Same file shape as `lib.csvio` (BOM, CRLF, formulas neutralised) except for `telephone`:
    the schema wants "+33612345678", and `schema_phone` only lets through `+` and digits, which
    no spreadsheet can run as a formula.
    """
    if delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be ',' or ';', not {delimiter!r}")
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    yield BOM
    yield writer.writerow(MEDIATION_COLUMNS)
    for place in places:
        if place.status == PlaceStatus.CLOSED or not mediation_eligible(place):
            continue
        record = mediation_record(place)
        yield writer.writerow(
            [
                record[column] if column == "telephone" else neutralize(record[column])
                for column in MEDIATION_COLUMNS
            ]
        )
