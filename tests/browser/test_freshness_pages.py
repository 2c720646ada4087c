"""Freshness pages in a browser: the network dashboard with its SVG chart, the place badge and
its "Toujours exact" button, and the one-click link page — accessible, on desktop and phone.
Screenshots: var/screenshots/test_freshness_…png.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.directory.freshness.tokens import make_token
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import FreshnessReminder, Place, PlaceRole
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory(transactional_db):
    now = timezone.now()
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    alice = UserFactory(email="alice@example.org", display_name="Alice")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    ages = {
        "La Bobine": 10,
        "Le Fournil": 50,
        "La Forge": 120,
        "Le Moulin": 250,
        "Le Vieux Quai": 500,
    }
    ages |= {"Le Jamais Vu": None}
    for i, (name, days) in enumerate(ages.items()):
        place = PlaceFactory(
            name=name,
            slug=f"lieu-{i}",
            last_confirmed_at=None if days is None else now - timedelta(days=days),
        )
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
        SpaceFactory(place=place, last_confirmed_at=place.last_confirmed_at)
    bobine = Place.objects.get(name="La Bobine")
    EquipmentFactory(place=bobine, last_confirmed_at=None)
    PlaceRole.objects.create(place=bobine, user=alice, role=PlaceRole.Role.MANAGER)
    moulin = Place.objects.get(name="Le Moulin")
    reminder = FreshnessReminder.objects.create(place=moulin, sent_to="x@example.org", sent_at=now)
    token = make_token(place_id=moulin.pk, reminder_id=reminder.pk)
    return {"dora": dora, "alice": alice, "bobine": bobine, "moulin": moulin, "token": token}


def no_sideways_scroll(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_freshness_dashboard_is_accessible(site_page, live_server, directory, screenshot):
    log_in_as(site_page, live_server, directory["dora"])
    response = site_page.goto(reverse("freshness:network-dashboard", args=["reseau-hdf"]))
    assert response is not None and response.status == 200
    expect(site_page.get_by_role("img", name="Nombre de lieux par âge")).to_be_visible()
    expect(site_page.locator("svg rect")).to_have_count(6)
    screenshot(site_page)
    check_accessibility(site_page)
    assert no_sideways_scroll(site_page) <= 0
    assert site_page.js_errors == []


def test_freshness_badge_and_still_true_button(site_page, live_server, directory, screenshot):
    log_in_as(site_page, live_server, directory["alice"])
    site_page.goto(directory["bobine"].get_absolute_url())
    expect(site_page.locator(".freshness-badge")).to_contain_text("vérifié il y a")
    site_page.get_by_role("button", name="Toujours exact").click()
    expect(site_page.locator(".messages")).to_contain_text("sont confirmés")
    expect(site_page.locator(".freshness-badge")).to_contain_text(
        "vérifié aujourd’hui".replace("’", "'")
    )
    screenshot(site_page)
    check_accessibility(site_page)
    assert no_sideways_scroll(site_page) <= 0


def test_freshness_link_confirms_without_logging_in(site_page, directory, screenshot):
    moulin = directory["moulin"]
    site_page.goto(reverse("freshness:token-confirm", args=[moulin.slug, directory["token"]]))
    expect(site_page.locator(".freshness-badge")).to_contain_text("à vérifier")
    screenshot(site_page, "form")
    check_accessibility(site_page)
    site_page.get_by_role("button", name="Oui, tout est toujours exact").click()
    expect(site_page.locator("h1")).to_have_text("Merci, la fiche est confirmée")
    check_accessibility(site_page)
    site_page.reload()  # the same link again
    expect(site_page.locator("h1")).to_have_text("Fiche déjà confirmée")
    screenshot(site_page, "used")
    assert no_sideways_scroll(site_page) <= 0
