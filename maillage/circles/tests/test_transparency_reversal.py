"""A reversed payment on the transparency page, its CSV and its PDF: the paid expense stays on its
line as the record it is — amount struck, 'paiement contrepassé le … — motif' — and no longer
counts as spent, so the totals still equal the ledger."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.circles import budget, budget_services, transparency
from maillage.circles.models import Expense
from maillage.circles.tests.test_transparency_ledger import assert_transparency_equals_ledger
from maillage.circles.tests.transparency_builders import money_story

REASON = "Facture réglée deux fois"


@pytest.fixture
def story(circle, action, participant, contributor, steward, place):
    """The money story (2 200 € paid), then the printer's 1 200 € payment is reversed."""
    story = money_story(circle, action, participant, contributor, steward, place)
    printer = Expense.objects.get(description="Facture imprimerie")
    budget_services.reverse_expense_payment(expense=printer, by=steward, reason=REASON)
    printer.refresh_from_db()
    story["reversed"] = printer
    return story


def test_the_reversed_expense_stays_on_its_line_but_is_not_spent(circle, story):
    report = transparency.circle_report(circle=circle)
    assert report.spent_cents == 100_000 == budget.spent_total(circle=circle)
    assert report.unspent_cents == 450_000 - 100_000
    line = next(li for li in report.lines if li.proposal == story["proposals"][1])
    (expense,) = line.expenses
    assert expense.is_reversed and expense.reversal_reason == REASON
    assert expense.amount_cents == 120_000 and expense.paid_on is not None
    assert expense.reversed_on is not None
    assert (line.granted_cents, line.spent_cents, line.unspent_cents) == (120_000, 0, 120_000)
    roles = {r.role: (r.granted_cents, r.spent_cents) for r in report.roles}
    assert roles["provider"] == (120_000, 0)
    assert_transparency_equals_ledger(circle)


def test_the_page_strikes_the_amount_and_says_when_and_why(client, circle, story):
    body = client.get(reverse("circles:transparency", args=[circle.slug])).content.decode()
    assert "Facture imprimerie" in body
    assert "<del>1\u202f200\u00a0€</del>" in body
    assert "paiement contrepassé le " in body and REASON in body
    # Spent: only Fanny's 1 000 € remains in the summary.
    assert '<span class="tr-figure">1\u202f000\u00a0€</span> dépensés' in body


def test_the_csv_lists_the_reversal_outside_the_spent_column(client, circle, story):
    response = client.get(reverse("circles:transparency-csv", args=[circle.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, *lines = rows
    assert header[-3:] == ["Contrepassé le", "Contrepassé (€)", "Motif de la contrepassation"]
    assert all(len(row) == len(header) for row in lines)
    spent = header.index("Dépensé (€)")
    assert sum(float(row[spent]) for row in lines if row[spent]) == 1000.0
    (reversed_row,) = [row for row in lines if row[0] == "Dépense contrepassée"]
    assert reversed_row[3] == "Facture imprimerie"
    assert reversed_row[spent] == ""
    assert reversed_row[-3] == timezone.localdate(story["reversed"].reversed_at).isoformat()
    assert float(reversed_row[-2]) == 1200.0 and reversed_row[-1] == REASON


def test_the_yearly_report_shows_the_reversal(client, circle, story):
    import pypdfium2 as pdfium

    response = client.get(reverse("circles:transparency-pdf", args=[circle.slug]), {"annee": 2026})
    pdf = pdfium.PdfDocument(response.content)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    text = " ".join(text.split())
    assert "Facture imprimerie" in text
    assert "paiement contrepassé le" in text and REASON in text


def test_the_api_lists_the_reversed_expense_with_its_reversal(client, circle, story):
    body = client.get("/api/v1/circles/douaisis/transparency").json()
    assert body["spent_cents"] == 100_000
    expenses = [e for a in body["actions"] for li in a["lines"] for e in li["expenses"]]
    (reversed_one,) = [e for e in expenses if e["reversed_on"]]
    assert reversed_one["amount_cents"] == 120_000 and reversed_one["reversal_reason"] == REASON
