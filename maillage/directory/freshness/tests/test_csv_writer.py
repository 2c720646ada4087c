"""The shared CSV writer (maillage/lib/csvio.py): spreadsheets open it cleanly and run no formula."""

import csv
import io

import pytest

from maillage.lib.csvio import csv_response, delimiter_from_query, neutralize, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("La Bobine", "La Bobine"),
        ("", ""),
        (None, ""),
        (-3.5, -3.5),
        (42, 42),
        (True, "1"),
    ],
)
def test_cells_that_could_start_a_formula_are_neutralised(value, expected):
    assert neutralize(value) == expected


def test_csv_starts_with_a_bom_and_uses_crlf_line_ends():
    text = write_csv([["Café", 1]], header=["nom", "n"])
    assert text.startswith("\ufeff")
    assert text == "\ufeffnom,n\r\nCafé,1\r\n"


def test_semicolon_separator_keeps_commas_inside_cells():
    text = write_csv([["Douai, Nord", "=1+1"]], header=["commune", "note"], delimiter=";")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["commune", "note"], ["Douai, Nord", "'=1+1"]]


def test_an_unknown_separator_is_refused():
    with pytest.raises(ValueError):
        write_csv([], delimiter="|")


@pytest.mark.parametrize(
    ("asked", "expected"), [(";", ";"), ("semicolon", ";"), ("", ","), (None, ","), ("x", ",")]
)
def test_separator_from_query(asked, expected):
    assert delimiter_from_query(asked) == expected


def test_csv_response_is_a_utf8_attachment():
    response = csv_response([["Été"]], header=["nom"], filename="x.csv")
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="x.csv"' in response["Content-Disposition"]
    assert body == "\ufeffnom\r\nÉté\r\n".encode()
