"""The one shape every reader yields, whatever the file looked like."""

import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import Any

import nh3
from django.utils.translation import gettext_lazy as _

from maillage.lib.refusals import Refusal
from maillage.places.models import PlaceType
from maillage.territory.selectors import normalize_name


class TransferError(Refusal):
    """A refused import; `message` is a French sentence for the person."""


class UnknownFormat(TransferError):
    pass


class UnreadableFile(TransferError):
    pass


class FileTooLarge(TransferError):
    pass


def check_row_count(count: int) -> None:
    """Refuse a file with more rows than MAX_IMPORT_ROWS, before reading them all."""
    from django.conf import settings

    if count > settings.MAX_IMPORT_ROWS:
        raise FileTooLarge(
            _("Ce fichier a plus de %(max)s lignes : découpez-le en plusieurs fichiers.")
            % {"max": settings.MAX_IMPORT_ROWS}
        )


class NeedsMapping(UnreadableFile):
    """A needed field (name, commune) is in none of the usual columns: map them by hand."""


class AlreadyApplied(TransferError):
    pass


class NotReady(TransferError):
    pass


@dataclass
class ImportRow:
    """One record of an import file, normalised: text as found (the services judge it)."""

    row_number: int
    external_id: str = ""
    name: str = ""
    types: list[str] = field(default_factory=list)
    address: str = ""
    postal_code: str = ""
    commune_name: str = ""
    insee_code: str = ""
    latitude: Any = None
    longitude: Any = None
    website: str = ""
    email: str = ""
    phone: str = ""
    description: str = ""
    opening_hours: str = ""
    # The `source` the file gives the place (None: the file has no such column; the id's
    # prefix is used instead).
    source: str | None = None
    # Spaces and equipment carried as lists of records (our GeoJSON and JSON exports); None
    # when the file says nothing about them (nothing is then changed).
    spaces: Any = None
    equipment: Any = None
    # A row of our spaces or equipment CSV (grouped by place): it names an existing place by
    # its id and carries only items; the place itself is left as it is.
    items_only: bool = False
    # Columns whose cell was neutralised by our CSV export (`'=…`) and given back as it was:
    # not a formula smuggled in by someone else.
    restored: set[str] = field(default_factory=set)
    # Other place fields some files carry (our own export): summary, status, accessibility…
    extra: dict[str, Any] = field(default_factory=dict)
    # The file's columns that have no Maillage field, kept as they were (Place.extra).
    attributes: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    # Which column of the file each field came from, so messages can name it.
    columns: dict[str, str] = field(default_factory=dict)

    def column(self, field_name: str) -> str:
        return self.columns.get(field_name, field_name)


@dataclass
class ReadResult:
    """What a reader found: the rows, and what the person should know about the whole file."""

    rows: list[ImportRow]
    notices: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


def text(value: Any) -> str:
    """A cell as stripped text ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    value = repair_double_encoding(str(value))
    if "<" in value and ">" in value:
        value = html_to_text(value)
    return value.strip()


def repair_double_encoding(value: str) -> str:
    """UTF-8 read once too often as Windows-1252 ("Trie-ChÃ¢teau" → "Trie-Château")."""
    if "Ã" not in value and "Â" not in value:
        return value
    try:
        return value.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return value


def one_line(value: str) -> str:
    """A multi-line cell (an address typed on two lines) on one line, parts joined by commas."""
    return ", ".join(part.strip() for part in value.splitlines() if part.strip())


LINE_BREAK = re.compile(r"\s*<\s*(br|/p|/div|/li)\s*/?\s*>\s*", re.IGNORECASE)


def html_to_text(value: str) -> str:
    """Text from a cell holding HTML ("12 rue X<br />Bât. B" → "12 rue X, Bât. B")."""
    flat = LINE_BREAK.sub(", ", value)
    bare = html.unescape(nh3.clean(flat, tags=set()))
    return ", ".join(part.strip() for part in bare.split(", ") if part.strip())


def hashed_id(*parts: str) -> str:
    """A stable id for files that carry none: from the name and the commune."""
    key = "|".join(normalize_name(part) for part in parts)
    return "h" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


# Words found in the type columns of real files, and the type they mean.
TYPE_WORDS: list[tuple[str, str]] = [
    ("cowork", PlaceType.COWORKING),
    ("fablab", PlaceType.FABLAB),
    ("fab lab", PlaceType.FABLAB),
    ("hackerspace", PlaceType.FABLAB),
    ("hakerspace", PlaceType.FABLAB),
    ("hacklab", PlaceType.FABLAB),
    ("cantine", PlaceType.COWORKING),
    ("espace de travail partage", PlaceType.COWORKING),
    ("makerspace", PlaceType.FABLAB),
    ("cafe", PlaceType.CAFE),
    ("ressourcerie", PlaceType.RESSOURCERIE),
    ("recyclerie", PlaceType.RESSOURCERIE),
    ("repair", PlaceType.REPAIR),
    ("reparation", PlaceType.REPAIR),
    ("velo", PlaceType.REPAIR),
    ("fabrique de territoire", PlaceType.FABRIQUE),
    ("rural", PlaceType.RURAL_HUB),
    ("mediation", PlaceType.NUMERIQUE),
    ("numerique", PlaceType.NUMERIQUE),
    ("culture", PlaceType.CULTURE),
    ("culturel", PlaceType.CULTURE),
    ("alimentation", PlaceType.FOOD),
    ("cuisine", PlaceType.FOOD),
    ("living lab", PlaceType.LIVING_LAB),
]


GENERIC_TYPE_WORDS = ("tierslieu", "tiers lieu", "third place")


def types_from_text(value: str) -> list[str]:
    """Place types from a free text ("Tiers lieux à dominante coworking") or codes ("fablab|cafe")."""
    found: list[str] = []
    for part in value.replace(";", "|").replace(",", "|").split("|"):
        part = part.strip()
        if not part:
            continue
        if part in PlaceType.values:
            codes = [part]
        else:
            key = normalize_name(part)
            labels = {normalize_name(str(label)): code for code, label in PlaceType.choices}
            codes = [labels[key]] if key in labels else [c for w, c in TYPE_WORDS if w in key]
            if not codes and any(word in key for word in GENERIC_TYPE_WORDS):
                # A plain "tiers-lieu" names no activity: kept as "other", not lost.
                codes = [PlaceType.OTHER]
        for code in codes:
            if code not in found:
                found.append(code)
    return found


UNKNOWN_FORMAT_MESSAGE = _(
    "Format de fichier non reconnu : envoyez un CSV (modèle Maillage, recensement CGET 2019, "
    "Région Sud 2022), un GeoJSON de points, un export GoGoCarto (JSON) ou un fichier de lieux "
    "de médiation numérique (JSON ou CSV)."
)
