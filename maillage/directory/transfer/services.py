"""Imports of directory files: a dry run that judges every row, then one atomic apply.

The dry run never writes a place. It reads the file, resolves each row's commune from
in-memory dictionaries of the gazetteer (one query, not one per row), checks it with the same
rules as the place form, and records a per-row report on the ImportRun. Applying reads the file
again and re-judges it against the directory as it is now, inside one transaction: any error
leaves the directory as it was.
"""

import datetime
import difflib
import math
import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.freshness.services import recompute_all_freshness
from maillage.directory.search.services import reindex_places
from maillage.directory.transfer import items
from maillage.directory.transfer.readers import detect_format, read_file
from maillage.directory.transfer.rows import (
    AlreadyApplied,
    FileTooLarge,
    ImportRow,
    NotReady,
    TransferError,
    UnknownFormat,
)
from maillage.lib.geo import distance_km
from maillage.lib.storage import local_path
from maillage.networks.models import (
    OPEN_STATUSES,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Network,
)
from maillage.places.models import ImportRun, Place, PlaceStatus
from maillage.places.opening_hours import InvalidOpeningHours, normalize_opening_hours
from maillage.places.services import (
    DUPLICATE_RADIUS_KM,
    RESERVED_SLUGS,
    PlaceError,
    check_location,
)
from maillage.territory.models import Commune, FormerCommuneCode
from maillage.territory.selectors import normalize_name

Progress = Callable[[int, int], None]

SIMILAR_NAME_RATIO = 0.85
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_FIELDS = [
    "name",
    "address",
    "commune_name",
    "description",
    "website",
    "email",
    "opening_hours",
]
# The place fields an import sets (only when the file gives a value: an empty cell never
# erases what a manager wrote).
IMPORTED_FIELDS = [
    "name",
    "types",
    "address",
    "postal_code",
    "commune_id",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "description",
    "opening_hours",
    "opening_hours_note",
    "summary",
    "status",
    "address_complement",
    "accessibility_note",
    "acceslibre_url",
    "access_step_free",
    "access_toilets",
    "access_parking",
    "access_hearing_loop",
    "access_public_transport",
    "source",
]
BOOLEAN_FIELDS = {
    "access_step_free",
    "access_toilets",
    "access_parking",
    "access_hearing_loop",
    "access_public_transport",
}
TEXT_EXTRAS = {
    "summary": 280,
    "address_complement": 250,
    "opening_hours_note": 250,
    "accessibility_note": 2000,
    "acceslibre_url": 200,
}


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"

    ALL = [CREATED, UPDATED, UNCHANGED, DUPLICATE, REJECTED]

    @staticmethod
    def label(outcome: str) -> str:
        return {
            Outcome.CREATED: _("à créer"),
            Outcome.UPDATED: _("à mettre à jour"),
            Outcome.UNCHANGED: _("inchangé"),
            Outcome.DUPLICATE: _("doublon probable (fusion proposée)"),
            Outcome.REJECTED: _("refusé"),
        }[outcome]


def max_import_bytes() -> int:
    return settings.MAX_IMPORT_BYTES


# --- The gazetteer, in memory ------------------------------------------------------------------


def _name_key(name: str) -> str:
    """A commune name for comparison: no accents, "st" spelt "saint", no leading article."""
    key = normalize_name(name)
    for short, full in (("st ", "saint "), ("ste ", "sainte ")):
        if key.startswith(short):
            key = full + key[len(short) :]
        key = key.replace(f" {short}", f" {full}")
    for article in ("le ", "la ", "les ", "l "):
        if key.startswith(article):
            key = key[len(article) :]
            break
    return key


class CommuneIndex:
    """Every commune and former code in dictionaries: resolution costs no query per row."""

    def __init__(self) -> None:
        self.by_code: dict[str, Commune] = {}
        self.by_postal: dict[str, list[Commune]] = defaultdict(list)
        self.by_name: dict[str, list[Commune]] = defaultdict(list)
        for commune in Commune.objects.only(
            "code_insee", "name", "postal_codes", "latitude", "longitude", "department_code"
        ):
            self.by_code[commune.code_insee] = commune
            for code in commune.postal_code_list:
                self.by_postal[code].append(commune)
            self.by_name[_name_key(commune.name)].append(commune)
        self.former: dict[str, Commune] = {}
        for old_code, old_name, commune_id in FormerCommuneCode.objects.values_list(
            "old_code", "old_name", "commune_id"
        ):
            commune = self.by_code.get(commune_id)
            if commune is None:
                continue
            self.former.setdefault(old_code, commune)
            if old_name and commune not in self.by_name[_name_key(old_name)]:
                self.by_name[_name_key(old_name)].append(commune)


@dataclass
class Resolution:
    commune: Commune | None = None
    postal_code: str = ""
    repairs: list[str] = field(default_factory=list)
    error: str = ""


def _digits(value: str) -> str:
    value = value.strip()
    if value.endswith(".0"):  # a spreadsheet turned the code into a number
        value = value[:-2]
    return value


def _near(commune: Commune, latitude: float | None, longitude: float | None) -> bool:
    """Whether the point is within 30 km of the commune's centre (True when either is unknown)."""
    if None in (latitude, longitude, commune.latitude, commune.longitude):
        return True
    return distance_km(latitude, longitude, commune.latitude, commune.longitude) <= 30


def _pick(
    communes: list[Commune], latitude: float | None, longitude: float | None
) -> Commune | None:
    """The one commune among candidates that fits the position, if there is exactly one."""
    if latitude is not None and longitude is not None:
        placed = [
            c
            for c in communes
            if c.latitude is not None and c.longitude is not None and _near(c, latitude, longitude)
        ]
        if placed:
            return min(
                placed, key=lambda c: distance_km(latitude, longitude, c.latitude, c.longitude)
            )
        unplaced = [c for c in communes if c.latitude is None or c.longitude is None]
        return unplaced[0] if len(unplaced) == 1 else None
    return communes[0] if len(communes) == 1 else None


def _by_name(
    index: CommuneIndex, postal: str, name: str, latitude: float | None, longitude: float | None
) -> tuple[Commune | None, str]:
    """Find the commune from the postal code and the name; return it and how it was found."""
    key = _name_key(name) if name else ""
    in_postal = index.by_postal.get(postal, [])
    if key:
        named = index.by_name.get(key, [])
        commune = _pick([c for c in in_postal if c in named], latitude, longitude)
        if commune is not None:
            return commune, _("le code postal et le nom")
        # "Florac" for "Florac Trois Rivières": a commune renamed when it merged.
        starting = [c for c in in_postal if _name_key(c.name).startswith(key + " ")]
        commune = _pick(starting, latitude, longitude)
        if commune is not None:
            return commune, _("le code postal et le début du nom")
        commune = _pick(named, latitude, longitude)
        if commune is not None:
            return commune, _("son nom et la position du lieu")
    # A quarter ("Montfavet") or an arrondissement ("Marseille 3") under the postal code of
    # exactly one commune.
    commune = _pick(in_postal, latitude, longitude) if len(in_postal) == 1 else None
    if commune is not None:
        return commune, _("le code postal (seule commune de ce code)")
    return None, ""


def _by_code(index: CommuneIndex, insee: str, result: "Resolution") -> str:
    """Resolve by INSEE code or former code into `result`; return the code as read."""
    code = insee.zfill(5) if insee.isdigit() and len(insee) == 4 else insee
    commune = index.by_code.get(code)
    if commune is not None:
        if code != insee:
            result.repairs.append(
                _("Code INSEE « %(raw)s » corrigé en « %(fixed)s » (zéro initial perdu).")
                % {"raw": insee, "fixed": code}
            )
        result.commune = commune
    elif code in index.former:
        result.commune = index.former[code]
        result.repairs.append(
            _(
                "Code INSEE « %(code)s » d'une commune fusionnée depuis : rattaché à %(name)s (%(new)s)."
            )
            % {"code": code, "name": result.commune.name, "new": result.commune.code_insee}
        )
    return code


def resolve_commune(
    row: ImportRow, index: CommuneIndex, latitude: float | None, longitude: float | None
) -> Resolution:
    """Today's commune of a row: INSEE code, former code, postal code + name, then name alone."""
    result = Resolution()
    insee = _digits(row.insee_code).upper()
    postal = _digits(row.postal_code)
    name = row.commune_name.strip()
    # Spreadsheets eat the leading zero of codes in départements 01 to 09.
    if postal.isdigit() and len(postal) == 4 and postal.zfill(5) in index.by_postal:
        result.repairs.append(
            _("Code postal « %(raw)s » corrigé en « %(fixed)s » (zéro initial perdu).")
            % {"raw": postal, "fixed": postal.zfill(5)}
        )
        postal = postal.zfill(5)
    if insee and insee != "0":
        code = _by_code(index, insee, result)
        if result.commune is not None and not _near(result.commune, latitude, longitude):
            # A wrong code (the Mont-Dore of Auvergne for the one of Nouvelle-Calédonie): the
            # name and postal code may say better.
            other, how = _by_name(index, postal, name, latitude, longitude)
            if other is not None and other != result.commune and _near(other, latitude, longitude):
                result.repairs.append(
                    _(
                        "Le code INSEE « %(code)s » désigne %(wrong)s, loin du point : commune "
                        "retrouvée par %(how)s : %(name)s (%(new)s)."
                    )
                    % {
                        "code": code,
                        "wrong": result.commune.name,
                        "how": how,
                        "name": other.name,
                        "new": other.code_insee,
                    }
                )
                result.commune = other
    if result.commune is None:
        commune, how = _by_name(index, postal, name, latitude, longitude)
        if commune is not None:
            result.commune = commune
            template = (
                _(
                    "Code INSEE absent (« %(code)s ») : commune retrouvée par %(how)s : %(name)s (%(new)s)."
                )
                if insee in ("", "0")
                else _(
                    "Code INSEE « %(code)s » inconnu : commune retrouvée par %(how)s : %(name)s (%(new)s)."
                )
            )
            result.repairs.append(
                template
                % {"code": insee, "how": how, "name": commune.name, "new": commune.code_insee}
            )
    if result.commune is None:
        result.error = _(
            "Commune introuvable (code INSEE « %(insee)s », code postal « %(postal)s », commune "
            "« %(name)s ») : indiquez le code INSEE ou un code postal et un nom de commune "
            "français."
        ) % {"insee": row.insee_code or "", "postal": row.postal_code or "", "name": name}
        return result
    codes = result.commune.postal_code_list
    if postal and postal in codes:
        result.postal_code = postal
    elif len(codes) == 1:
        result.postal_code = codes[0]
        if postal and postal != "0":
            result.repairs.append(
                _("Code postal « %(raw)s » remplacé par celui de %(name)s : %(code)s.")
                % {"raw": postal, "name": result.commune.name, "code": codes[0]}
            )
    elif postal and postal != "0":
        result.repairs.append(
            _("Code postal « %(raw)s » qui n'est pas celui de %(name)s : laissé vide.")
            % {"raw": postal, "name": result.commune.name}
        )
    return result


# --- Existing places, in memory ------------------------------------------------------------------


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


# --- One row ------------------------------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    external_id: str
    name: str
    outcome: str = Outcome.REJECTED
    messages: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    place: Known | None = None
    data: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    # The place's `source` when created: the file's, or the prefix of its id.
    source: str = ""
    # Its spaces and equipment (None: the file says nothing about them).
    item_plans: list[items.ItemPlan] | None = None

    def as_report(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "row": self.row,
            "external_id": self.external_id,
            "name": self.name,
            "outcome": self.outcome,
            "messages": [str(m) for m in self.messages],
            "repairs": [str(m) for m in self.repairs],
        }
        if self.item_plans and self.outcome in (
            Outcome.CREATED,
            Outcome.UPDATED,
            Outcome.UNCHANGED,
        ):
            entry["messages"].append(items.describe(self.item_plans))
            entry["items"] = items.count(self.item_plans)
        if self.place is not None:
            entry["place"] = {
                "name": self.place.name,
                "slug": self.place.slug,
                "row": self.place.row,
            }
        if self.changes:
            entry["changes"] = self.changes
        return entry


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = float(str(value).strip().replace(",", ".").replace("\u00a0", ""))
    if not math.isfinite(number):
        raise ValueError
    return number


def _bool(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "vrai", "oui", "yes", "x"}


def _clean_url(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value if len(value) <= 200 else ""


def _clean_email(value: str) -> str:
    value = value.strip()
    try:
        EmailValidator()(value)
    except ValidationError:
        return ""
    return value if len(value) <= 254 else ""


_OSM_DAYS = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
_DAY_CODES = ["mo", "tu", "we", "th", "fr", "sa", "su"]
_OSM_RULE = re.compile(r"^\s*([A-Za-z]{2}(?:\s*[-,]\s*[A-Za-z]{2})*)\s+([0-9:,\s-]+)$")


def parse_osm_hours(value: str) -> dict[str, str] | None:
    """Hours in the OpenStreetMap syntax ("Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00"),
    or None when they are written another way."""
    hours: dict[str, str] = {}
    for rule in value.split(";"):
        if not rule.strip():
            continue
        match = _OSM_RULE.match(rule)
        if not match:
            return None
        days: list[str] = []
        for part in match.group(1).lower().replace(" ", "").split(","):
            ends = part.split("-")
            if any(end not in _OSM_DAYS for end in ends) or len(ends) > 2:
                return None
            first, last = _OSM_DAYS[ends[0]], _OSM_DAYS[ends[-1]]
            days += _DAY_CODES[first : last + 1] if first <= last else []
        for day in days:
            hours[day] = match.group(2).replace(" ", "")
    try:
        return normalize_opening_hours(hours) if hours else None
    except InvalidOpeningHours:
        return None


def check_row(
    row: ImportRow, *, communes: CommuneIndex, places: PlaceIndex, seen_ids: dict[str, int]
) -> RowResult:
    """Judge one row: what importing it would do, and why."""
    result = RowResult(row=row.row_number, external_id=row.external_id, name=row.name[:200])
    errors = result.messages
    if "__geometry_error__" in row.raw:
        errors.append(
            _("Géométrie « %(type)s » : seuls les points (Point) sont importés.")
            % {"type": row.raw["__geometry_error__"]}
        )
    for name in TEXT_FIELDS:
        value = getattr(row, name) or ""
        if "\ufffd" in value:
            errors.append(
                _(
                    "Caractères illisibles (« \ufffd ») dans la colonne « %(col)s » : le fichier a été "
                    "mal converti avant de vous parvenir ; corrigez le texte ou repartez du fichier "
                    "d'origine."
                )
                % {"col": row.column(name)}
            )
        elif value.startswith(FORMULA_PREFIXES) and row.column(name) not in row.restored:
            errors.append(
                _(
                    "La colonne « %(col)s » commence par « %(char)s » : un tableur l'exécuterait "
                    "comme une formule. Retirez ce caractère."
                )
                % {"col": row.column(name), "char": value[0].strip() or "tab"}
            )
    if not row.name.strip():
        errors.append(
            _("Le nom du lieu est vide (colonne « %(col)s »).") % {"col": row.column("name")}
        )
    if row.external_id in seen_ids:
        errors.append(
            _("L'identifiant « %(id)s » est déjà celui de la ligne %(row)s du fichier.")
            % {"id": row.external_id, "row": seen_ids[row.external_id]}
        )
    else:
        seen_ids[row.external_id] = row.row_number
    try:
        latitude, longitude = _number(row.latitude), _number(row.longitude)
    except (TypeError, ValueError):
        latitude = longitude = None
        errors.append(
            _(
                "Coordonnées illisibles (colonnes « %(lat)s » et « %(lon)s » : « %(a)s », « %(b)s »)."
            )
            % {
                "lat": row.column("latitude"),
                "lon": row.column("longitude"),
                "a": row.latitude,
                "b": row.longitude,
            }
        )
    resolution = resolve_commune(row, communes, latitude, longitude)
    result.repairs += resolution.repairs
    if resolution.error:
        errors.append(resolution.error)
    if not errors:
        try:
            check_location(latitude=latitude, longitude=longitude, commune=resolution.commune)
        except PlaceError as exc:
            errors.append(str(exc.message))
    data: dict[str, Any] = {
        "name": row.name.strip(),
        "types": row.types,
        "address": row.address[:250],
        "postal_code": resolution.postal_code,
        "commune_id": resolution.commune.code_insee if resolution.commune else None,
        "latitude": latitude,
        "longitude": longitude,
        "description": row.description,
        "phone": row.phone[:30],
    }
    if row.website:
        data["website"] = _clean_url(row.website)
        if not data["website"]:
            result.repairs.append(
                _("Site web « %(v)s » illisible : ignoré.") % {"v": row.website[:80]}
            )
    if row.email:
        data["email"] = _clean_email(row.email)
        if not data["email"]:
            result.repairs.append(_("E-mail « %(v)s » invalide : ignoré.") % {"v": row.email[:80]})
    if row.opening_hours:
        hours = parse_osm_hours(row.opening_hours)
        if hours is not None:
            data["opening_hours"] = hours
        else:
            data["opening_hours_note"] = row.opening_hours[:250]
    _apply_extras(row, data, errors)
    if row.source:
        data["source"] = row.source
    result.source = row.source if row.source is not None else row.external_id.split(":", 1)[0][:100]
    for kind in items.KINDS:
        records = getattr(row, kind.key)
        if records is None:
            continue
        plans, item_errors = items.check_items(kind, records)
        errors += item_errors
        result.item_plans = (result.item_plans or []) + plans
    if len(data["name"]) > 200:
        errors.append(_("Le nom dépasse 200 caractères."))
    if not errors:
        data = {key: value for key, value in data.items() if value not in ("", None, [], {})}
        errors += _field_errors(row, data)
    if errors:
        return result
    result.data = data
    known = places.by_external.get(row.external_id)
    if known is None and row.external_id.startswith("maillage:"):
        # Our own export names places without an external id by their primary key.
        pk = row.external_id.split(":", 1)[1]
        known = places.by_pk.get(int(pk)) if pk.isdigit() else None
    if known is not None:
        result.place = known
        result.outcome = Outcome.UPDATED  # refined against the stored values in `compare`
        return result
    duplicate = places.near_duplicate(
        name=data["name"], latitude=latitude, longitude=longitude, commune_id=data.get("commune_id")
    )
    if duplicate is not None:
        result.outcome = Outcome.DUPLICATE
        result.place = duplicate
        result.messages.append(
            _(
                "Un lieu au nom proche existe à moins de 200 m : « %(name)s ». Rien n'est créé : "
                "fusionnez les fiches si c'est le même lieu."
            )
            % {"name": duplicate.name}
            if duplicate.row is None
            else _(
                "Même lieu probable que la ligne %(row)s (« %(name)s », à moins de 200 m) : "
                "rien n'est créé pour cette ligne."
            )
            % {"row": duplicate.row, "name": duplicate.name}
        )
        return result
    result.outcome = Outcome.CREATED
    places.add(
        Known(
            None,
            "",
            data["name"],
            normalize_name(data["name"]),
            latitude,
            longitude,
            data.get("commune_id"),
            row=row.row_number,
        )
    )
    return result


_NOT_VALIDATED = [
    f.name for f in Place._meta.fields if f.name not in {*IMPORTED_FIELDS, "commune"}
] + ["commune"]


def _field_errors(row: ImportRow, data: dict[str, Any]) -> list[str]:
    """The model's own checks (lengths, URL, e-mail) on the fields this row sets."""
    place = Place(**data)
    try:
        place.full_clean(exclude=_NOT_VALIDATED, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field_name = {"commune_id": "commune_name"}
        return [
            _("Colonne « %(col)s » : %(error)s")
            % {"col": row.column(field_name.get(name, name)), "error": " ".join(messages)}
            for name, messages in exc.message_dict.items()
        ]
    return []


def _apply_extras(row: ImportRow, data: dict[str, Any], errors: list[str]) -> None:
    extra = row.extra
    if not extra:
        return
    for name, limit in TEXT_EXTRAS.items():
        if name in extra:
            value = str(extra[name]).strip()
            formula = value.startswith(FORMULA_PREFIXES) and row.column(name) not in row.restored
            if formula or "\ufffd" in value:
                errors.append(
                    _("Valeur refusée dans la colonne « %(col)s ».") % {"col": row.column(name)}
                )
            data[name] = value[:limit]
    if "status" in extra:
        if extra["status"] in PlaceStatus.values:
            data["status"] = extra["status"]
        else:
            errors.append(_("Statut inconnu : « %(v)s ».") % {"v": extra["status"]})
    for name in BOOLEAN_FIELDS:
        if name in extra:
            data[name] = _bool(extra[name])
    hours = extra.get("opening_hours")
    if not isinstance(hours, dict):
        hours = {
            day: extra[f"opening_hours_{day}"]
            for day in _DAY_CODES
            if extra.get(f"opening_hours_{day}")
        }
    if hours:
        try:
            data["opening_hours"] = normalize_opening_hours({k: str(v) for k, v in hours.items()})
        except InvalidOpeningHours as exc:
            errors.append(_("Horaires illisibles : %(e)s") % {"e": exc})


def _comparable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    return value


def compare(results: list[RowResult]) -> None:
    """Turn "updated" into "unchanged" where the file says what the directory already says."""
    pks = [r.place.pk for r in results if r.outcome == Outcome.UPDATED and r.place]
    stored: dict[int, dict[str, Any]] = {}
    for start in range(0, len(pks), 500):
        for values in Place.objects.filter(pk__in=pks[start : start + 500]).values(
            "pk", *IMPORTED_FIELDS
        ):
            stored[values["pk"]] = values
    for result in results:
        if result.outcome != Outcome.UPDATED or result.place is None:
            continue
        current = stored.get(result.place.pk, {})
        result.changes = [
            name
            for name, value in result.data.items()
            if _comparable(current.get(name)) != _comparable(value)
        ]
    items.match_items(
        {
            r.place.pk: r.item_plans
            for r in results
            if r.outcome == Outcome.UPDATED and r.place and r.place.pk and r.item_plans
        }
    )
    for result in results:
        if result.outcome != Outcome.UPDATED or result.place is None:
            continue
        for kind in items.KINDS:
            if any(
                plan.kind == kind.key and plan.outcome != items.UNCHANGED
                for plan in result.item_plans or []
            ):
                result.changes.append(kind.key)
        if not result.changes:
            result.outcome = Outcome.UNCHANGED


def analyse(rows: list[ImportRow], *, progress: Progress | None = None) -> list[RowResult]:
    """Judge every row against the directory as it is (no write)."""
    communes = CommuneIndex()
    places = PlaceIndex()
    seen: dict[str, int] = {}
    results = []
    total = len(rows)
    step = max(1, total // 100)
    for done, row in enumerate(rows, start=1):
        results.append(check_row(row, communes=communes, places=places, seen_ids=seen))
        if progress and (done % step == 0 or done == total):
            progress(done, total)
    compare(results)
    return results


def summarize(results: list[RowResult]) -> dict[str, Any]:
    summary = {outcome: 0 for outcome in Outcome.ALL}
    for result in results:
        summary[result.outcome] += 1
    summary["repaired"] = sum(1 for r in results if r.repairs)
    kept = (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED)
    summary["items"] = items.count(
        [plan for r in results if r.outcome in kept for plan in r.item_plans or []]
    )
    return summary


# --- Runs ---------------------------------------------------------------------------------------


def start_import(
    *, by: User | None, upload: UploadedFile, network: Network | None, format: str = ""
) -> ImportRun:
    """Store the uploaded file as a pending ImportRun; raise FileTooLarge or UnknownFormat."""
    limit = max_import_bytes()
    if upload.size is None or upload.size > limit:
        raise FileTooLarge(
            _(
                "Ce fichier dépasse la taille maximale de %(max)s Mo : découpez-le en plusieurs fichiers."
            )
            % {"max": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise UnknownFormat(_("Ce fichier est vide."))
    run = ImportRun(
        created_by=by,
        network=network,
        original_name=Path(upload.name or "import").name[:255],
        format=format or ImportRun.Format.CSV,
    )
    with transaction.atomic():
        # A random name: the file is private, and its original name is kept on the run.
        suffix = Path(run.original_name).suffix[:10].lower()
        run.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
        try:
            with local_path(run.file) as path:
                run.format = format or detect_format(path, name=run.original_name)
        except UnknownFormat:
            run.file.delete(save=False)
            raise
        run.save()
    return run


def _read(run: ImportRun) -> tuple[list[ImportRow], list[str]]:
    with local_path(run.file) as path:
        result = read_file(path, format=run.format)
    return result.rows, result.notices


def dry_run(*, run: ImportRun, progress: Progress | None = None) -> ImportRun:
    """Analyse the run's file and store its per-row report; a refused file marks it failed."""
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, rows_done=0, heartbeat_at=timezone.now(), error=""
    )

    def report_progress(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(
            rows_done=done, rows_total=total, heartbeat_at=timezone.now()
        )
        if progress:
            progress(done, total)

    try:
        rows, notices = _read(run)
        ImportRun.objects.filter(pk=run.pk).update(rows_total=len(rows))
        results = analyse(rows, progress=report_progress)
    except TransferError as exc:
        run.status, run.error = ImportRun.Status.FAILED, str(exc.message)
        run.save(update_fields=["status", "error"])
        return run
    except Exception as exc:  # a file we did not foresee: say so rather than hang "running"
        run.status = ImportRun.Status.FAILED
        run.error = _("Le fichier n'a pas pu être analysé : %(error)s") % {"error": exc}
        run.save(update_fields=["status", "error"])
        raise
    run.report = [result.as_report() for result in results]
    run.summary = {**summarize(results), "notices": notices}
    run.rows_total = run.rows_done = len(rows)
    run.status = ImportRun.Status.CHECKED
    run.error = ""
    run.save(update_fields=["report", "summary", "rows_total", "rows_done", "status", "error"])
    return run


def _slugger() -> Callable[[str], str]:
    taken = set(Place.objects.values_list("slug", flat=True)) | RESERVED_SLUGS

    def slug_for(name: str) -> str:
        base = slugify(name)[:200].strip("-") or "lieu"
        slug, n = base, 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        taken.add(slug)
        return slug

    return slug_for


def apply_run(*, run: ImportRun, by: User | None, progress: Progress | None = None) -> ImportRun:
    """Apply a checked import in one transaction; raise AlreadyApplied or NotReady.

    Any error while writing rolls everything back and marks the run failed with the error.
    """
    try:
        with transaction.atomic():
            # Lock the run: two clicks on "Appliquer" must not import the file twice.
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            if locked.status == ImportRun.Status.APPLIED:
                raise AlreadyApplied(_("Cet import a déjà été appliqué."))
            if locked.status != ImportRun.Status.CHECKED:
                raise NotReady(
                    _(
                        "Cet import ne peut pas être appliqué : son essai à blanc n'est pas terminé ou a échoué."
                    )
                )
            rows, notices = _read(locked)
            results = analyse(rows, progress=progress)
            touched = _write(run=locked, by=by, results=results)
            # Bulk writes bypass the place services: index and score the touched places here.
            reindex_places(place_ids=touched)
            recompute_all_freshness(place_ids=touched)
            locked.report = [result.as_report() for result in results]
            locked.summary = {**summarize(results), "notices": notices}
            locked.status = ImportRun.Status.APPLIED
            locked.applied_at = timezone.now()
            locked.error = ""
            locked.save(update_fields=["report", "summary", "status", "applied_at", "error"])
    except (AlreadyApplied, NotReady):
        raise
    except Exception as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            error=_("L'application a échoué et rien n'a été modifié : %(error)s") % {"error": exc},
        )
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    return run


def _write(*, run: ImportRun, by: User | None, results: list[RowResult]) -> list[int]:
    """Create and update the places of an analysed file; return the ids of places touched."""
    slug_for = _slugger()
    now = timezone.now()
    new_places: list[tuple[RowResult, Place]] = []
    for result in results:
        if result.outcome != Outcome.CREATED:
            continue
        place = Place(
            slug=slug_for(result.data["name"]),
            external_id=result.external_id,
            source=result.source,
            created_by=by,
        )
        for name, value in result.data.items():
            setattr(place, name, value)
        place.full_clean(validate_unique=False, validate_constraints=False)
        new_places.append((result, place))
    created = Place.objects.bulk_create([place for _r, place in new_places], batch_size=500)
    for (result, _place), place in zip(new_places, created, strict=True):
        result.place = Known(place.pk, place.slug, place.name, "", None, None, None)
    updated_ids = []
    for result in results:
        if result.outcome == Outcome.UPDATED and result.place and result.place.pk:
            changes = {name: result.data[name] for name in result.changes if name in result.data}
            Place.objects.filter(pk=result.place.pk).update(**changes, updated_at=now)
            updated_ids.append(result.place.pk)
    items.write_items(
        {
            r.place.pk: r.item_plans
            for r in results
            if r.outcome in (Outcome.CREATED, Outcome.UPDATED)
            and r.place
            and r.place.pk
            and r.item_plans
        }
    )
    touched = [place.pk for place in created] + updated_ids
    if run.network is not None:
        kept = [
            r.place.pk
            for r in results
            if r.outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED) and r.place
        ]
        _accept_into_network(network=run.network, by=by, place_ids=kept, run=run)
    return touched


def _accept_into_network(
    *, network: Network, by: User | None, place_ids: list[int], run: ImportRun
) -> None:
    already = set(
        Membership.objects.filter(
            network=network, place_id__in=place_ids, status__in=OPEN_STATUSES
        ).values_list("place_id", flat=True)
    )
    now = timezone.now()
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                network=network,
                place_id=pk,
                status=MembershipStatus.ACCEPTED,
                applied_by=by,
                decided_at=now,
                decided_by=by,
            )
            for pk in dict.fromkeys(place_ids)
            if pk not in already
        ],
        batch_size=500,
    )
    note = _("import (%(file)s)") % {"file": run.original_name}
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(
                membership=membership,
                from_status="",
                to_status=MembershipStatus.ACCEPTED,
                by=by,
                note=note,
            )
            for membership in memberships
        ],
        batch_size=500,
    )


# --- Runs whose worker died ---------------------------------------------------------------------

# A dry run reports progress every few rows; this long without news, its worker is gone.
STALE_AFTER = datetime.timedelta(minutes=10)


def recover_stale_runs(*, now: datetime.datetime | None = None) -> int:
    """Mark failed the runs left "running" by a worker that died; return how many."""
    now = now or timezone.now()
    silent = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=now - STALE_AFTER)
        | Q(heartbeat_at__isnull=True, created_at__lt=now - STALE_AFTER)
    )
    return silent.update(
        status=ImportRun.Status.FAILED,
        error=_(
            "L'analyse s'est interrompue (le serveur a redémarré pendant le travail) : "
            "relancez-la, le fichier est conservé."
        ),
    )


def restart_run(*, run: ImportRun) -> ImportRun:
    """Analyse a failed or interrupted run's file again (in the worker); raise NotReady."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.FAILED or not run.file:
            raise NotReady(_("Seule une analyse interrompue ou refusée peut être relancée."))
        run.status, run.error, run.rows_done = ImportRun.Status.PENDING, "", 0
        run.save(update_fields=["status", "error", "rows_done"])
    return run
