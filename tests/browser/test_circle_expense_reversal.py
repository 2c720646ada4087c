# ruff: noqa: F811  (the circle_world fixture is imported from the budget flow test)
"""A soucieux·se corrects a paid expense: the payment is reversed with a reason, the expense
page says so, and the transparency page keeps it struck with its reason, no longer counted as
spent. Desktop and phone, axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.circles import budget_services
from maillage.circles.models import Expense, PayeeKind
from maillage.circles.tests.transparency_builders import decide, open_meeting, propose, spend
from maillage.ledger.models import Transfer, TransferReason
from tests.browser.test_circle_budget_flow import act_as, circle_world, page_is_fine  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_steward_reverses_a_paid_expense(
    site_page, live_server, circle_world, screenshot, viewport
):
    world, page = circle_world, site_page
    circle = world["circle"]
    proposal = propose(
        circle,
        circle.actions.get(),
        by=world["Bob"],
        amount_cents=100_000,
        title="Rédaction du guide",
        payee=budget_services.Payee(kind=PayeeKind.PERSON, user=world["Fanny"]),
    )
    meeting = open_meeting(circle, by=world["Gaston"], present=[world["Bob"], world["Gaston"]])
    decide(
        meeting,
        by=world["Gaston"],
        proposal=proposal,
        amount_cents=100_000,
        envelope=circle.envelopes.get(),
    )
    expense = spend(proposal, by=world["Fanny"], amount_cents=40_000, approve_by=world["Gaston"])

    act_as(page, live_server, world["Gaston"])
    page.goto(reverse("circles:expense-detail", args=["douaisis", expense.pk]))
    page.get_by_role("button", name="Contrepasser le paiement").click()
    # Without a reason: the error sits next to the field, nothing is reversed.
    expect(page.locator("#id_reason_error")).to_contain_text("obligatoire")
    assert Expense.objects.get().status == Expense.Status.PAID
    page.get_by_label("Motif de la contrepassation").fill("Facture en double")
    page_is_fine(page, screenshot, viewport, "1-reverse")
    page.get_by_role("button", name="Contrepasser le paiement").click()
    expect(page.get_by_text("Paiement contrepassé : le montant revient")).to_be_visible()
    expect(page.get_by_text("Facture en double")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "2-reversed")
    assert Transfer.objects.caused_by(expense).filter(reason=TransferReason.REVERSAL).count() == 1

    # The transparency page keeps the paid expense as the record it is: amount struck, the
    # reversal's date and reason, and nothing of it counted as spent.
    page.goto(reverse("circles:transparency", args=["douaisis"]))
    row = page.locator("tr", has_text="Rédaction du guide")
    expect(row).to_contain_text("1\u202f000\u00a0€")
    expect(row.locator("del")).to_have_text("400\u00a0€")
    expect(row.locator(".tr-reversal")).to_contain_text("paiement contrepassé le")
    expect(row.locator(".tr-reversal")).to_contain_text("Facture en double")
    expect(row.locator("td.number").nth(1)).to_have_text("0\u00a0€")
    expect(page.locator(".tr-summary li").nth(2)).to_contain_text("0\u00a0€ dépensés")
    page_is_fine(page, screenshot, viewport, "3-transparency")
