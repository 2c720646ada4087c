"""A co-funding campaign as a person uses it on a phone: she opens the campaign from the
commons' home, pledges for her place (amount and hours), confirms, and sees the progress bar
and her pledge. Accessible (axe) at each step.
Screenshots: var/screenshots/test_a_manager_pledges_…png."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.commons import campaigns
from maillage.commons.models import Pledge
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(transactional_db):
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    coordinator = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR)
    return campaigns.create_campaign(
        network=network,
        by=coordinator,
        data=campaigns.CampaignData(
            title="Appel à communs 2027 : les défis des tiers-lieux",
            pays_for="Des budgets d'amorçage d'environ 2 000 € pour les personnes qui portent "
            "chaque défi.",
            kind="all",
            min_goal_cents=300_000,
            goal_cents=500_000,
            max_goal_cents=800_000,
            deadline=timezone.now() + datetime.timedelta(days=20),
            match_funder="Fonds régional pour les communs",
            match_cap_cents=100_000,
        ),
    )


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_manager_pledges_for_her_place_on_a_phone(site_page, live_server, campaign, screenshot):
    manager = UserFactory(email="alice@example.org", display_name="Alice")
    place = PlaceFactory(name="La Bobine", slug="la-bobine")
    PlaceRole.objects.create(place=place, user=manager, role=PlaceRole.Role.MANAGER)
    log_in_as(site_page, live_server, manager)

    site_page.goto(reverse("commons:list"))
    site_page.get_by_role("link", name="Campagnes de cofinancement").click()
    site_page.get_by_role("link", name=campaign.title, exact=True).click()
    expect(site_page.get_by_role("heading", name=campaign.title)).to_be_visible()
    screenshot(site_page, "campaign")
    check_accessibility(site_page)

    site_page.get_by_role("link", name="Promettre").first.click()
    site_page.get_by_label("Un lieu que je gère").check()
    site_page.locator("#id_place").select_option(label="La Bobine")
    site_page.get_by_label("Montant promis").fill("250")
    site_page.get_by_label("Heures données").fill("6")
    screenshot(site_page, "form")
    check_accessibility(site_page)
    site_page.get_by_role("button", name="Continuer").click()

    expect(site_page.get_by_role("heading", name="Avant de confirmer")).to_be_visible()
    expect(site_page.locator("dd", has_text="250")).to_be_visible()
    screenshot(site_page, "confirm")
    check_accessibility(site_page)
    site_page.get_by_role("button", name="Je promets").click()

    expect(site_page.get_by_text("Votre promesse est enregistrée")).to_be_visible()
    pledge = Pledge.objects.get()
    assert (pledge.place, pledge.amount_cents, pledge.hours) == (place, 25_000, 6)
    expect(site_page.locator("main").get_by_text("La Bobine").first).to_be_visible()
    screenshot(site_page, "pledged")
    check_accessibility(site_page)
    assert site_page.evaluate("document.documentElement.scrollWidth") <= 390
