"""Judging rows: each checked with the place form's rules and compared with the directory."""

import datetime
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.transfer import items
from maillage.directory.transfer.fields import (
    BOOLEAN_FIELDS,
    FORMULA_PREFIXES,
    IMPORTED_FIELDS,
    SOURCE_FIELDS,
    TEXT_EXTRAS,
    TEXT_FIELDS,
    Outcome,
    Progress,
)
from maillage.directory.transfer.gazetteer import CommuneIndex, position_hint, resolve_commune
from maillage.directory.transfer.known import Known, PlaceIndex
from maillage.directory.transfer.rows import ImportRow, one_line
from maillage.lib.geo import distance_km
from maillage.places.models import Place, PlaceStatus
from maillage.places.opening_hours import InvalidOpeningHours, normalize_opening_hours
from maillage.places.services import (
    PlaceError,
    check_location,
)
from maillage.territory.selectors import normalize_name


@dataclass
class RowResult:
    row: int
    external_id: str
    name: str
    outcome: str = Outcome.REJECTED
    messages: list[str] = field(default_factory=list)
    # Said to the person, but neither an error nor a correction.
    notes: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    place: Known | None = None
    data: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    # The place's `source` when created: the file's, or the prefix of its id.
    source: str = ""
    # Whether the row says where the place comes from (our export): the run's source is not used.
    own_origin: bool = False
    # Its spaces and equipment (None: the file says nothing about them).
    item_plans: list[items.ItemPlan] | None = None
    # A row of a spaces or equipment file: the place is only named, never created or joined.
    items_only: bool = False

    def as_report(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "row": self.row,
            "external_id": self.external_id,
            "name": self.name,
            "outcome": self.outcome,
            "messages": [str(m) for m in self.messages + self.notes],
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
    row: ImportRow,
    *,
    communes: CommuneIndex,
    places: PlaceIndex,
    seen_ids: dict[str, int],
) -> RowResult:
    """Judge one row: what importing it would do, and why."""
    if row.items_only:
        return check_items_row(row, places=places)
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
    result.notes += resolution.notes
    if resolution.error:
        errors.append(resolution.error)
    if not errors:
        try:
            check_location(latitude=latitude, longitude=longitude, commune=resolution.commune)
        except PlaceError as exc:
            hint = ""
            if resolution.commune is not None and latitude is not None and longitude is not None:
                hint = position_hint(communes, resolution.commune, latitude, longitude)
            errors.append(f"{exc.message} {hint}".strip())
    data: dict[str, Any] = {
        "name": one_line(row.name),
        "types": row.types,
        "address": one_line(row.address)[:250],
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
    if row.attributes:
        data["extra"] = row.attributes
    result.own_origin = any(name in row.raw for name in SOURCE_FIELDS)
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
    known = known_place(places, row.external_id)
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
        where = _("dans la même commune")
        if None not in (latitude, longitude, duplicate.latitude, duplicate.longitude):
            where = _("à %(m)s m") % {
                "m": round(
                    distance_km(latitude, longitude, duplicate.latitude, duplicate.longitude) * 1000
                )
            }
        result.messages.append(
            _(
                "Un lieu au nom proche existe %(where)s : « %(name)s ». Rien n'est créé : "
                "fusionnez les fiches si c'est le même lieu."
            )
            % {"name": duplicate.name, "where": where}
            if duplicate.row is None
            else _(
                "Même lieu probable que la ligne %(row)s (« %(name)s », %(where)s) : "
                "rien n'est créé pour cette ligne."
            )
            % {"row": duplicate.row, "name": duplicate.name, "where": where}
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


def known_place(places: PlaceIndex, external_id: str) -> Known | None:
    """The stored place an id names: its external id, or `maillage:<pk>` (our exports)."""
    known = places.by_external.get(external_id)
    if known is None and external_id.startswith("maillage:"):
        # Our own export names places without an external id by their primary key.
        pk = external_id.split(":", 1)[1]
        known = places.by_pk.get(int(pk)) if pk.isdigit() else None
    return known


def check_items_row(row: ImportRow, *, places: PlaceIndex) -> RowResult:
    """Judge the spaces or equipment of one place (a spaces or equipment CSV): the place must
    already be in the directory; its items are then created, updated or left as they are."""
    result = RowResult(row=row.row_number, external_id=row.external_id, name="", items_only=True)
    known = known_place(places, row.external_id) if row.external_id else None
    if known is None or known.pk is None:
        result.messages.append(
            _(
                "Aucun lieu d'identifiant « %(id)s » dans l'annuaire (colonne « place_id ») : "
                "importez d'abord le fichier des lieux, puis celui-ci."
            )
            % {"id": row.external_id[:100]}
            if row.external_id
            else _("La colonne « place_id » est vide : elle doit nommer le lieu.")
        )
        return result
    result.name, result.place = known.name, known
    plans: list[items.ItemPlan] = []
    for kind in items.KINDS:
        records = getattr(row, kind.key)
        if records is None:
            continue
        kind_plans, errors = items.check_items(kind, records)
        result.messages += errors
        plans += kind_plans
    if result.messages:
        return result
    result.item_plans = plans
    result.outcome = Outcome.UPDATED  # refined against the stored items in `compare`
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
    _apply_mediation(extra, data, errors)
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


NO_SIRET = re.compile(r"^0*$")


def _apply_mediation(extra: dict[str, Any], data: dict[str, Any], errors: list[str]) -> None:
    """SIRET, date of last update and tags (the médiation numérique schema's fields)."""
    siret = str(extra.get("siret") or "").replace(" ", "").strip()
    if siret and not NO_SIRET.match(siret):
        if re.fullmatch(r"[0-9A-Za-z]{9,14}", siret):
            data["siret"] = siret
        else:
            errors.append(_("SIRET illisible : « %(v)s ».") % {"v": siret[:40]})
    confirmed = extra.get("last_confirmed_at")
    if confirmed:
        moment = _moment(str(confirmed))
        if moment is None:
            errors.append(
                _("Date de mise à jour illisible : « %(v)s ».") % {"v": str(confirmed)[:40]}
            )
        else:
            data["last_confirmed_at"] = moment
    tags = extra.get("tags")
    if isinstance(tags, dict) and tags:
        data["tags"] = {
            str(key)[:60]: [str(value)[:200] for value in values]
            for key, values in tags.items()
            if isinstance(values, list)
        }


def _moment(value: str) -> datetime.datetime | None:
    """An ISO date ("2023-05-11", at noon in Paris) or date and time."""
    value = value.strip()
    try:
        if len(value) == 10:
            day = datetime.date.fromisoformat(value)
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


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
        if "tags" in result.data:
            # Tags add up by field: a file without "services" keeps those an earlier one gave.
            result.data["tags"] = {**(current.get("tags") or {}), **result.data["tags"]}
        confirmed = current.get("last_confirmed_at")
        if confirmed and result.data.get("last_confirmed_at", confirmed) <= confirmed:
            # An older file never makes a place look less recently confirmed.
            result.data.pop("last_confirmed_at", None)
        if "extra" in result.data:
            # Attributes add up: a file without a column keeps what an earlier one brought.
            result.data["extra"] = {**(current.get("extra") or {}), **result.data["extra"]}
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
