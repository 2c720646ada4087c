"""The French *lieux de médiation numérique* schema: a JSON array, or a CSV of the same fields.

Our own JSON export (a JSON array of place records) is read here too."""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from maillage.directory.transfer.readers.csvfile import read_csv
from maillage.directory.transfer.readers.jsonfile import load_json
from maillage.directory.transfer.readers.profiles import MAILLAGE_EXPORT, MEDIATION, header_notices
from maillage.directory.transfer.rows import ReadResult, UnreadableFile, check_row_count


def read_mediation(path: Path) -> ReadResult:
    """Read a médiation numérique file (JSON array or CSV); raise UnreadableFile otherwise."""
    head = path.read_bytes()[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if not head.startswith((b"[", b"{")):
        return read_csv(path, profiles=[MEDIATION])
    return rows_from_mediation(load_json(path))


def rows_from_mediation(data: Any) -> ReadResult:
    if isinstance(data, dict):
        data = data.get("data") or data.get("lieux") or data.get("features")
    if not isinstance(data, list):
        raise UnreadableFile(_("Ce fichier de médiation numérique n'est pas une liste de lieux."))
    check_row_count(len(data))
    keys: list[str] = []
    for record in data[:50]:
        for key in record if isinstance(record, dict) else {}:
            if key not in keys:
                keys.append(key)
    # Our own JSON export is a list of records too, with English field names.
    profile = MAILLAGE_EXPORT if MAILLAGE_EXPORT.matches(keys) else MEDIATION
    missing = profile.missing(keys)
    if missing:
        raise UnreadableFile(_("Champs manquants : %(m)s.") % {"m": ", ".join(missing)})
    rows = [
        profile.row(record, row_number=number)
        for number, record in enumerate(data, start=1)
        if isinstance(record, dict)
    ]
    return ReadResult(rows=rows, notices=header_notices(profile, keys))
