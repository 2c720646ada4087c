"""Opening hours as typed by managers ("09:00-12:30, 14:00-18:00") and as stored (normalised)."""

import itertools
import re

from django.utils.translation import gettext_lazy as _

from maillage.places.models import WEEKDAYS

DAY_CODES = [code for code, _label in WEEKDAYS]
SCHEMA_DAYS = {
    "mo": "https://schema.org/Monday",
    "tu": "https://schema.org/Tuesday",
    "we": "https://schema.org/Wednesday",
    "th": "https://schema.org/Thursday",
    "fr": "https://schema.org/Friday",
    "sa": "https://schema.org/Saturday",
    "su": "https://schema.org/Sunday",
}
# "9h", "9h30", "09:30", "9:30" — French managers write all of these.
_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:h](?P<m>\d{2})?)?$")


class InvalidOpeningHours(ValueError):
    """A day's hours could not be read; the message says how to write them."""


def _minutes(text: str) -> int:
    match = _TIME.match(text)
    if not match:
        raise InvalidOpeningHours(
            _("« %(time)s » n'est pas une heure : écrivez par exemple 09:00 ou 9h30.")
            % {"time": text}
        )
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise InvalidOpeningHours(_("« %(time)s » n'est pas une heure valide.") % {"time": text})
    return hours * 60 + minutes


def _format(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_day(text: str) -> list[tuple[str, str]]:
    """Read "09:00-12:30,14:00-18:00" into ordered (opens, closes) pairs; empty means closed."""
    cleaned = text.strip().replace(" ", "").replace("–", "-").replace(";", ",")
    if not cleaned or cleaned.lower() in {"fermé", "ferme"}:
        return []
    ranges: list[tuple[int, int]] = []
    for chunk in cleaned.split(","):
        if not chunk:
            continue
        parts = chunk.split("-")
        if len(parts) != 2:
            raise InvalidOpeningHours(
                _(
                    "« %(range)s » n'est pas une plage horaire : écrivez par exemple "
                    "09:00-12:30,14:00-18:00."
                )
                % {"range": chunk}
            )
        opens, closes = _minutes(parts[0]), _minutes(parts[1])
        if opens >= closes:
            raise InvalidOpeningHours(
                _("La plage %(range)s se termine avant de commencer.") % {"range": chunk}
            )
        ranges.append((opens, closes))
    ranges.sort()
    for (_o1, c1), (o2, _c2) in itertools.pairwise(ranges):
        if o2 < c1:
            raise InvalidOpeningHours(_("Deux plages horaires se chevauchent."))
    return [(_format(o), _format(c)) for o, c in ranges]


def format_day(pairs: list[tuple[str, str]]) -> str:
    return ",".join(f"{opens}-{closes}" for opens, closes in pairs)


def normalize_opening_hours(hours: dict[str, str]) -> dict[str, str]:
    """Validate a {"mo": "...", ...} dict; return it normalised, without closed days."""
    unknown = set(hours) - set(DAY_CODES)
    if unknown:
        raise InvalidOpeningHours(_("Jour inconnu : %(days)s.") % {"days": ", ".join(unknown)})
    normalized = {}
    for code in DAY_CODES:
        pairs = parse_day(hours.get(code) or "")
        if pairs:
            normalized[code] = format_day(pairs)
    return normalized


def opening_rows(hours: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(day label, ranges) for every weekday, for display; stored values are already valid."""
    rows = []
    for code, label in WEEKDAYS:
        try:
            pairs = parse_day(hours.get(code) or "")
        except InvalidOpeningHours:
            pairs = []
        rows.append((str(label), pairs))
    return rows
