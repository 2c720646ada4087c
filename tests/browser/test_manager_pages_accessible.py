"""The pages of people who run things — place managers, network coordinators — are accessible.

Each page opens on desktop and phone with no serious/critical axe violation, no JavaScript error,
and, on a phone, nothing scrolling sideways. Logging in is not under test here: the session is
made by Django's test client and handed to the browser as a cookie.
Screenshots: var/screenshots/test_manager_page_…-<page>.png.
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
from maillage.places.models import PlaceRole, SharingMode
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def running_things(transactional_db):
    """La Bobine (managed by Alice, with a space and a machine), a member of the regional network
    Dora coordinates; Le Hangar (Charlie's) has applied to it."""
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    sin = CommuneFactory(
        code_insee="59569", name="Sin-le-Noble", postal_codes="|59450|", latitude=50.36,
        longitude=3.11,
    )  # fmt: skip
    network = NetworkFactory(
        name="Réseau Hauts-de-France",
        slug="reseau-hauts-de-france",
        summary="Les tiers-lieux des Hauts-de-France, ensemble.",
        email="contact@reseau.example.org",
    )
    network.communes.set([douai, sin])
    place = PlaceFactory(name="La Bobine", slug="la-bobine", commune=douai)
    hangar = PlaceFactory(
        name="Le Hangar", slug="le-hangar", commune=sin, latitude=50.36, longitude=3.11
    )
    SpaceFactory(place=place, name="Salle du Beffroi", price_public_cents=1550)
    EquipmentFactory(place=place, name="Découpeuse laser", sharing_mode=SharingMode.LOAN)
    alice = UserFactory(email="alice@example.org", display_name="Alice")
    charlie = UserFactory(email="charlie@example.org", display_name="Charlie")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    PlaceRole.objects.create(place=place, user=alice, role=PlaceRole.Role.MANAGER)
    PlaceRole.objects.create(place=hangar, user=charlie, role=PlaceRole.Role.MANAGER)
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    Membership.objects.create(
        network=network, place=place, status=MembershipStatus.ACCEPTED, applied_by=alice,
        charter_accepted_by=alice, charter_text=network.charter, decided_by=dora,
    )  # fmt: skip
    Membership.objects.create(
        network=network, place=hangar, status=MembershipStatus.APPLIED, applied_by=charlie,
        charter_accepted_by=charlie, charter_text=network.charter,
        motivation="Un atelier vélo qui voudrait prêter ses outils.",
    )  # fmt: skip
    return {"alice": alice, "dora": dora}


# page name → (who opens it, its URL)
PAGES = {
    "place-edit": ("alice", reverse("places:place-edit", args=["la-bobine"])),
    "space-create": ("alice", reverse("places:space-create", args=["la-bobine"])),
    "equipment-create": ("alice", reverse("places:equipment-create", args=["la-bobine"])),
    "place-managers": ("alice", reverse("places:place-managers", args=["la-bobine"])),
    "network-edit": ("dora", reverse("networks:network-edit", args=["reseau-hauts-de-france"])),
    "network-territory": (
        "dora",
        reverse("networks:network-territory", args=["reseau-hauts-de-france"]),
    ),
    "network-roles": ("dora", reverse("networks:network-roles", args=["reseau-hauts-de-france"])),
    "membership-list": (
        "dora",
        reverse("networks:membership-list", args=["reseau-hauts-de-france"]),
    ),
}


def log_in_as(page, live_server, user) -> None:
    """Give the browser a session for `user` (made by the test client, not through the form)."""
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


@pytest.mark.parametrize("page_name", list(PAGES))
def test_manager_page_is_accessible_and_fits_the_screen(
    site_page, live_server, running_things, screenshot, viewport, page_name
):
    person, url = PAGES[page_name]
    log_in_as(site_page, live_server, running_things[person])

    response = site_page.goto(url)

    assert response is not None and response.status == 200, f"{page_name}: {response}"
    expect(site_page.locator("h1")).to_have_count(1)
    expect(site_page.get_by_role("link", name="Mon espace").first).to_be_attached()
    for edit_map in site_page.locator("[data-map-edit], [data-map-points]").all():
        expect(edit_map).to_have_class(re.compile(r"\bmap-ready\b"))
    screenshot(site_page)
    check_accessibility(site_page)
    assert labels_away_from_their_fields(site_page) == []
    assert site_page.js_errors == []
    if viewport == "phone":
        overflow = site_page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page_name} scrolls sideways by {overflow}px on a phone"


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_open_refusal_form_on_the_dashboard_fits_a_phone(
    site_page, live_server, running_things, screenshot
):
    log_in_as(site_page, live_server, running_things["dora"])
    site_page.goto(PAGES["membership-list"][1])

    card = site_page.locator("li.card", has=site_page.get_by_role("link", name="Le Hangar"))
    card.get_by_text("Refuser…").click()
    reason = card.get_by_label("Motif du refus (obligatoire)")
    expect(reason).to_be_visible()
    screenshot(site_page, "refusal-open")
    check_accessibility(site_page)
    overflow = site_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the dashboard scrolls sideways by {overflow}px with a form open"
