# ruff: noqa: F811  (the circle_world fixture is imported from the budget flow test)
"""Proposal and expense forms show only the payee field that matches the chosen payee kind;
without JavaScript every payee field shows, as before. Desktop and phone, axe.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, check_accessibility
from tests.browser.test_circle_budget_flow import act_as, circle_world  # noqa: F401
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSON, PLACE, PROVIDER = "#id_payee_user", "#id_payee_place", "#id_payee_name"


def test_the_proposal_form_shows_the_payee_field_of_the_chosen_kind(
    site_page,
    live_server,
    circle_world,
    screenshot,
    viewport,
):
    page = site_page
    act_as(page, live_server, circle_world["Bob"])
    page.goto(reverse("circles:proposal-create", args=["douaisis"]))
    for field in (PERSON, PLACE, PROVIDER):
        expect(page.locator(field)).to_be_attached()
        expect(page.locator(field)).to_be_hidden()

    page.get_by_role("radio", name="Un lieu").check()
    expect(page.locator(PLACE)).to_be_visible()
    expect(page.locator(PERSON)).to_be_hidden()
    expect(page.locator(PROVIDER)).to_be_hidden()

    page.get_by_role("radio", name="Un prestataire extérieur").check()
    expect(page.locator(PROVIDER)).to_be_visible()
    expect(page.locator(PLACE)).to_be_hidden()
    screenshot(page, f"{viewport}-provider")
    check_accessibility(page)

    # Submitted without the provider's name: the error shows next to that field, still visible.
    page.get_by_label("Action du programme").select_option(
        label="Guide des tiers-lieux du Douaisis"
    )
    page.get_by_label("Objet").fill("Impression")
    page.get_by_label("Montant demandé").fill("300")
    page.get_by_label("Justification").fill("Mille exemplaires.")
    page.get_by_role("button", name="Déposer la proposition").click()
    field = page.locator(PROVIDER)
    expect(field).to_be_visible()
    described = field.get_attribute("aria-describedby") or ""
    error = page.locator(f"#{described.split()[-1]}")
    expect(error).to_contain_text("Indiquez le nom du prestataire")
    expect(page.locator(PERSON)).to_be_hidden()
    check_accessibility(page)
    assert page.js_errors == []


def test_the_expense_form_starts_on_the_proposal_payee(
    site_page,
    live_server,
    circle_world,
):
    # The proposal's payee kind is the expense form's initial choice: only that field shows.
    from maillage.circles import budget_services
    from maillage.circles.models import PayeeKind
    from maillage.circles.tests.transparency_builders import decide, open_meeting, propose

    world = circle_world
    proposal = propose(
        world["circle"],
        world["circle"].actions.get(),
        by=world["Bob"],
        amount_cents=100_000,
        payee=budget_services.Payee(kind=PayeeKind.PERSON, user=world["Fanny"]),
    )
    meeting = open_meeting(
        world["circle"], by=world["Gaston"], present=[world["Bob"], world["Gaston"]]
    )
    envelope = world["circle"].envelopes.get()
    decide(meeting, by=world["Gaston"], proposal=proposal, amount_cents=100_000, envelope=envelope)
    page = site_page
    act_as(page, live_server, world["Fanny"])
    page.goto(reverse("circles:expense-create", args=["douaisis", proposal.pk]))
    expect(page.locator(PERSON)).to_be_visible()
    expect(page.locator(PLACE)).to_be_hidden()
    expect(page.locator(PROVIDER)).to_be_hidden()
    assert page.js_errors == []


def test_without_javascript_every_payee_field_shows(browser, live_server, circle_world):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, **VIEWPORTS["phone"]
    )
    page = context.new_page()
    log_in_as(page, live_server, circle_world["Bob"])
    page.goto(reverse("circles:proposal-create", args=["douaisis"]))
    for field in (PERSON, PLACE, PROVIDER):
        expect(page.locator(field)).to_be_visible()
    context.close()
