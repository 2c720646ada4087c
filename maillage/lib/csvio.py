"""CSV that opens cleanly in LibreOffice and Excel, and cannot smuggle formulas into them.

- UTF-8 with a byte-order mark, so Excel reads accents right;
- `,` by default, `;` for the French-locale Excel (which reads `,` as the decimal separator);
- `\\r\\n` line ends (RFC 4180);
- every text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with
  `'`, so a spreadsheet shows it as text instead of running it (CSV/formula injection, OWASP).
  Numbers are written as they are: `-3.5` stays a number. `unneutralize` takes the `'` off
  again when such a file is imported back.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

BOM = "\ufeff"
DELIMITERS = {",", ";"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """Return a cell value safe for a spreadsheet: text that could start a formula gets a `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def unneutralize(value: str) -> tuple[str, bool]:
    """The inverse of `neutralize` for a cell read back: `'=1+1` → (`=1+1`, True).

    Only a cell of exactly the neutralised shape (a `'` followed by one of the formula
    prefixes) loses its apostrophe; any other cell comes back as it is, with False.
    """
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:], True
    return value, False


class _Echo:
    """A file-like object whose write returns what it is given (for streaming)."""

    def write(self, value: str) -> str:
        return value


def iter_csv(
    rows: Iterable[Iterable[Any]], *, header: Iterable[Any] | None = None, delimiter: str = ","
) -> Iterator[str]:
    """Yield the CSV text line by line: the BOM first, then the header and rows, neutralised."""
    if delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be ',' or ';', not {delimiter!r}")
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    yield BOM
    if header is not None:
        yield writer.writerow([neutralize(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralize(cell) for cell in row])


def write_csv(
    rows: Iterable[Iterable[Any]], *, header: Iterable[Any] | None = None, delimiter: str = ","
) -> str:
    """Return the whole CSV as one string (BOM included)."""
    out = io.StringIO()
    for chunk in iter_csv(rows, header=header, delimiter=delimiter):
        out.write(chunk)
    return out.getvalue()


def delimiter_from_query(value: str | None) -> str:
    """`;` if asked for (`sep=;`, `sep=semicolon`, `sep=%3B`), `,` otherwise."""
    return ";" if (value or "").strip().lower() in {";", "semicolon", "pointvirgule"} else ","


def csv_response(
    rows: Iterable[Iterable[Any]],
    *,
    filename: str,
    header: Iterable[Any] | None = None,
    delimiter: str = ",",
) -> StreamingHttpResponse:
    """A streamed download of the rows as UTF-8 CSV with BOM, named `filename`."""
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in iter_csv(rows, header=header, delimiter=delimiter)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
