"""CSV: our template, the CGET 2019 census, the Région Sud 2022 census, médiation numérique."""

import csv
import io
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.directory.transfer.items import KINDS, LINE, Kind
from maillage.directory.transfer.readers.profiles import (
    CSV_PROFILES,
    TEMPLATE,
    Profile,
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
from maillage.lib.csvio import unneutralize


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM) if it decodes strictly, else
    Windows-1252 (Excel's French default), else Latin-1 (which decodes anything)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(sample: str) -> str:
    """`,` or `;` (nothing else: a tab or a pipe would be a different file)."""
    first_line = sample.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        return ";" if first_line.count(";") > first_line.count(",") else ","


PLACE_ID = "place_id"


def items_table(header: list[str]) -> Kind | None:
    """The kind of items of a spaces or equipment CSV exported by Maillage (None: another file).

    Such a file names each row's place in `place_id` and has the item's `name` plus the
    columns only that kind has (`kind` for spaces, `category` for equipment).
    """
    columns = set(header)
    if PLACE_ID not in columns or "name" not in columns:
        return None
    for kind in KINDS:
        if kind.marker in columns:
            return kind
    return None


def read_items_table(reader: csv.DictReader, kind: Kind) -> list[ImportRow]:
    """One row per place of the file, carrying the list of its items in file order."""
    by_place: dict[str, ImportRow] = {}
    for number, record in enumerate(reader, start=2):
        check_row_count(number - 1)
        record.pop(None, None)  # type: ignore[call-overload]
        if all(not (value or "").strip() for value in record.values()):
            continue
        place_id = (record.get(PLACE_ID) or "").strip()
        item: dict[str, Any] = {
            name: unneutralize(record.get(name) or "")[0] for name in kind.fields
        }
        item[LINE] = number
        row = by_place.get(place_id)
        if row is None:
            row = by_place[place_id] = ImportRow(
                row_number=number, external_id=place_id, items_only=True
            )
            row.columns["external_id"] = PLACE_ID
            setattr(row, kind.key, [])
        getattr(row, kind.key).append(item)
    return list(by_place.values())


def read_csv(
    path: Path, *, profiles: list[Profile] = CSV_PROFILES, mapping: dict[str, Any] | None = None
) -> ReadResult:
    """Read a CSV file into rows; raise UnreadableFile when it cannot be a directory file."""
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise UnreadableFile(
            _("Ce fichier n'est pas un fichier texte CSV (il contient des octets nuls).")
        )
    text, encoding = decode(data)
    notices = [
        _("Encodage : UTF-8.")
        if encoding == "utf-8"
        else _("Encodage : %(enc)s (le fichier n'est pas en UTF-8 ; il a été converti).")
        % {"enc": "Windows-1252" if encoding == "windows-1252" else "Latin-1"}
    ]
    delimiter = sniff_delimiter(text[:20000])
    notices.append(
        _("Séparateur : « %(sep)s ».") % {"sep": delimiter},
    )
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [(col or "").strip().lstrip("\ufeff") for col in (reader.fieldnames or [])]
        reader.fieldnames = header
        kind = items_table(header)
        if kind is not None:
            rows = read_items_table(reader, kind)
            notices.append(
                ngettext(
                    "Fichier des %(table)s d'un export Maillage : %(n)s lieu concerné.",
                    "Fichier des %(table)s d'un export Maillage : %(n)s lieux concernés.",
                    len(rows),
                )
                % {"table": kind.plural, "n": len(rows)}
            )
            return ReadResult(rows=rows, notices=notices, encoding=encoding)
        profile = mapped_profile(mapping) if mapping else pick_profile(header, profiles=profiles)
        if not profile.matches(header):
            missing = TEMPLATE.missing(header)
            raise NeedsMapping(
                _(
                    "Colonnes manquantes : %(missing)s. La première ligne doit nommer les colonnes "
                    "du modèle (téléchargez-le depuis la page d'import) ; colonnes trouvées : "
                    "%(found)s."
                )
                % {"missing": ", ".join(missing), "found": ", ".join(header[:20]) or "—"}
            )
        notices += header_notices(profile, header)
        rows = []
        short_rows = 0
        for number, record in enumerate(reader, start=2):
            check_row_count(number - 1)
            if None in record:
                record.pop(None)  # cells beyond the header: ignored
            if all(not (value or "").strip() for value in record.values()):
                continue
            if any(value is None for value in record.values()):
                short_rows += 1
            restored = set()
            for column, value in record.items():
                if value:
                    record[column], was_neutralised = unneutralize(value)
                    if was_neutralised:
                        restored.add(column)
            row = profile.row(record, row_number=number)
            row.restored = restored
            rows.append(row)
    except csv.Error as exc:
        raise UnreadableFile(
            _("Ce CSV est mal formé (ligne %(line)s) : %(error)s.")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    if short_rows:
        notices.append(
            ngettext(
                "%(n)s ligne a moins de cellules que d'en-têtes : les cellules absentes sont vides.",
                "%(n)s lignes ont moins de cellules que d'en-têtes : les cellules absentes sont "
                "vides.",
                short_rows,
            )
            % {"n": short_rows}
        )
    return ReadResult(rows=rows, notices=notices, encoding=encoding)
