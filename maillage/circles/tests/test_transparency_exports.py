"""The transparency CSV (UTF-8 BOM, `;` option) and the yearly report PDF."""

import csv
import io

import pytest
from django.urls import reverse

from maillage.circles.tests.transparency_builders import money_story


@pytest.fixture
def story(circle, action, participant, contributor, steward, place):
    return money_story(circle, action, participant, contributor, steward, place)


def _csv(response) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(response.streaming_content)
    delimiter = ";" if "sep=%3B" in response.request["QUERY_STRING"] else ","
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


def test_the_csv_has_a_bom_one_grant_row_per_decision_and_one_row_per_paid_expense(
    client, circle, story
):
    response = client.get(reverse("circles:transparency-csv", args=[circle.slug]))
    raw, rows = _csv(response)
    assert raw.startswith("\ufeff".encode())
    assert response["Content-Type"].startswith("text/csv")
    assert "transparence-douaisis-" in response["Content-Disposition"]
    header, *lines = rows
    assert header[0] == "Ligne" and header[9:12] == [
        "Accordé (€)",
        "Dépensé (€)",
        "Lien vers la décision",
    ]
    grants = [row for row in lines if row[0] == "Accord"]
    paid = [row for row in lines if row[0] == "Dépense"]
    # 2 500 + 1 200 + 800 = 4 500 € granted; 1 000 + 1 200 = 2 200 € spent.
    assert sum(float(row[9]) for row in grants) == 4500.0
    assert sum(float(row[10]) for row in paid) == 2200.0
    assert {row[7] for row in grants} == {str(d.pk) for d in story["decisions"]}


def test_the_csv_speaks_french_excel_with_semicolons_and_filters_the_year(client, circle, story):
    response = client.get(
        reverse("circles:transparency-csv", args=[circle.slug]) + "?annee=2025&sep=%3B"
    )
    _raw, rows = _csv(response)
    assert rows[0][1] == "Année"
    assert [row[3] for row in rows[1:]] == ["Accueil du festival"]
    assert "2025" in response["Content-Disposition"]


def test_the_yearly_report_is_a_pdf_of_that_year(client, circle, story):
    response = client.get(reverse("circles:transparency-pdf", args=[circle.slug]), {"annee": 2026})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "rapport-transparence-douaisis-2026.pdf" in response["Content-Disposition"]


def test_the_report_text_has_the_figures_and_no_email(client, circle, story):
    import pypdfium2 as pdfium

    response = client.get(reverse("circles:transparency-pdf", args=[circle.slug]))
    pdf = pdfium.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Rapport de transparence 2026" in text  # the latest year by default
    assert "Rédaction du guide" in text
    assert "@" not in text
