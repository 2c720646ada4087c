"""A coordinator on a phone: the home page and Mon espace are accessible, fit the screen, and
the folding menu opens on their network's tools and closes with Escape.
Screenshots: var/screenshots/test_a_coordinator_…-{home,menu,my-space}.png.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(transactional_db):
    """Dora coordinates the regional network, where Le Hangar has applied; she also manages
    La Bobine, a member."""
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hauts-de-france")
    place = PlaceFactory(name="La Bobine", slug="la-bobine", commune=douai)
    hangar = PlaceFactory(name="Le Hangar", slug="le-hangar", commune=douai)
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    PlaceRole.objects.create(place=place, user=dora, role=PlaceRole.Role.MANAGER)
    Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
    Membership.objects.create(network=network, place=hangar, status=MembershipStatus.APPLIED)
    return dora


def log_in_as(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_coordinator_finds_home_menu_and_my_space_on_a_phone(
    site_page, live_server, coordinator, screenshot, viewport
):
    page = site_page
    log_in_as(page, live_server, coordinator)

    page.goto("/")
    expect(page.get_by_role("search")).to_be_visible()
    expect(page.locator("#home-map")).to_have_class(re.compile(r"\bmap-ready\b"))
    # The header holds on one row: the person's entry and the menu button, not the whole list.
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 70, header
    expect(page.get_by_role("link", name="Lieux", exact=True)).to_have_count(0)  # folded
    fits_the_screen(page)
    check_accessibility(page)
    screenshot(page, "home")

    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_text("Menu", exact=True).click()
    tools = menu.get_by_role("link", name="Réseau Hauts-de-France", exact=True)
    expect(tools).to_be_visible()
    expect(menu.get_by_role("link", name="La Bobine", exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Se déconnecter")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "menu")
    page.keyboard.press("Escape")
    expect(tools).to_be_hidden()

    page.get_by_role("link", name="Mon espace").first.click()
    expect(page).to_have_url(re.compile(reverse("accounts:profile") + "$"))
    tasks = page.get_by_role("region", name="À faire")
    expect(tasks.get_by_role("link", name=re.compile("1 candidature à examiner"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Formules de mobilité"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Offre d'accueil"))).to_be_visible()
    fits_the_screen(page)
    check_accessibility(page)
    screenshot(page, "my-space")
    assert not page.js_errors
