"""Readers: one per file family, each returning normalised ImportRows."""

from pathlib import Path
from typing import Any

from maillage.directory.transfer.readers.csvfile import read_csv
from maillage.directory.transfer.readers.geojson import read_geojson
from maillage.directory.transfer.readers.gogocarto import read_gogocarto
from maillage.directory.transfer.readers.jsonfile import load_json
from maillage.directory.transfer.readers.mediation import read_mediation
from maillage.directory.transfer.rows import (
    UNKNOWN_FORMAT_MESSAGE,
    ReadResult,
    UnknownFormat,
    UnreadableFile,
)
from maillage.places.models import ImportRun

READERS = {
    ImportRun.Format.CSV: read_csv,
    ImportRun.Format.GEOJSON: read_geojson,
    ImportRun.Format.GOGOCARTO: read_gogocarto,
    ImportRun.Format.MEDIATION: read_mediation,
}


def detect_format(path: Path, *, name: str = "") -> str:
    """The format of a file from its content (and name); raise UnknownFormat."""
    name = (name or path.name).lower()
    with path.open("rb") as handle:
        head = handle.read(65536)
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t")
    if stripped.startswith((b"{", b"[")):
        try:
            data = load_json(path)
        except UnreadableFile as exc:
            # A JSON file that is not one, or not a reasonable one: say why.
            raise UnknownFormat(exc.message) from exc
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            return ImportRun.Format.GEOJSON
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            return ImportRun.Format.GOGOCARTO
        if isinstance(data, list):
            return ImportRun.Format.MEDIATION
        raise UnknownFormat(UNKNOWN_FORMAT_MESSAGE)
    if b"\x00" in head or head.startswith(b"PK"):
        # A spreadsheet (.xlsx, .ods) or another binary file.
        raise UnknownFormat(UNKNOWN_FORMAT_MESSAGE)
    if name.endswith((".csv", ".txt")) or b"," in head or b";" in head:
        first_line = head.split(b"\n", 1)[0]
        if b"pivot" in first_line and b"nom" in first_line:
            return ImportRun.Format.MEDIATION
        return ImportRun.Format.CSV
    raise UnknownFormat(UNKNOWN_FORMAT_MESSAGE)


MAPPABLE_FORMATS = {ImportRun.Format.CSV, ImportRun.Format.GEOJSON}


def read_file(path: Path, *, format: str, mapping: dict[str, Any] | None = None) -> ReadResult:
    """Read the file in the given format (with a person's mapping of its columns, for the
    formats whose columns vary); raise UnknownFormat, UnreadableFile or NeedsMapping."""
    reader = READERS.get(format)
    if reader is None:
        raise UnknownFormat(UNKNOWN_FORMAT_MESSAGE)
    if mapping and format in MAPPABLE_FORMATS:
        return reader(path, mapping=mapping)  # type: ignore[operator]
    return reader(path)
