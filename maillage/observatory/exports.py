"""Downloads of the observatory: CSV (lib/csvio), JSON and XLSX (openpyxl), one row per figure.

A masked figure (1 to 4 people) is written as the text "< 5" in `display` and an empty `value`:
the files never say more than the pages.
"""

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from maillage.lib.csvio import csv_response, delimiter_from_query, neutralize

from .registry import Indicator, Scope
from .selectors import SeriesPoint

HEADER = [
    "perimetre",
    "identifiant",
    "nom",
    "indicateur",
    "libelle_indicateur",
    "mois",
    "categorie",
    "valeur",
    "affichage",
    "unite",
]
FORMATS = {"csv", "json", "xlsx"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(scope: Scope, indicator: Indicator, points: Sequence[SeriesPoint]) -> Iterable[list]:
    for point in points:
        for fig in point.figures:
            yield [
                scope.kind,
                scope.key,
                scope.label,
                indicator.key,
                str(indicator.label),
                f"{point.month:%Y-%m}",
                fig.label,
                None if fig.masked else fig.value,
                fig.display,
                indicator.unit,
            ]


def table_response(
    *,
    fmt: str,
    filename: str,
    header: list[str],
    rows: Iterable[Sequence[Any]],
    delimiter: str | None,
) -> HttpResponse | StreamingHttpResponse:
    """The rows as a CSV, JSON (list of objects) or XLSX download named `filename`.<fmt>."""
    if fmt not in FORMATS:
        raise Http404
    if fmt == "csv":
        return csv_response(
            rows,
            header=header,
            filename=f"{filename}.csv",
            delimiter=delimiter_from_query(delimiter),
        )
    if fmt == "json":
        body = {
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "rows": [dict(zip(header, row, strict=True)) for row in rows],
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = filename[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralize(value) if isinstance(value, str) else value for value in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def indicator_response(
    *,
    fmt: str,
    scope: Scope,
    indicator: Indicator,
    points: Sequence[SeriesPoint],
    delimiter: str | None,
) -> HttpResponse | StreamingHttpResponse:
    name = f"observatoire-{scope.kind}-{scope.key}-{indicator.key}".replace(".", "-")
    return table_response(
        fmt=fmt,
        filename=name,
        header=HEADER,
        rows=list(_rows(scope, indicator, points)),
        delimiter=delimiter,
    )


def scope_response(
    *,
    fmt: str,
    scope: Scope,
    table: Sequence[tuple[Indicator, Sequence[SeriesPoint]]],
    delimiter: str | None,
) -> HttpResponse | StreamingHttpResponse:
    rows = [row for indicator, points in table for row in _rows(scope, indicator, points)]
    return table_response(
        fmt=fmt,
        filename=f"observatoire-{scope.kind}-{scope.key}",
        header=HEADER,
        rows=rows,
        delimiter=delimiter,
    )
