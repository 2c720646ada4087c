"""The public pages work on desktop and phone, with no serious accessibility violation.

Each page is screenshotted to var/screenshots/ (one file per page and viewport).
The pages are being reworked by other engineers: these tests rely only on URL names, the single
<h1>, landmarks and the map's data attributes, not on the layout.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import (
    EquipmentCategory,
    PlaceRole,
    PlaceType,
    PriceUnit,
    SharingMode,
    SpaceKind,
)
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_like_data(transactional_db):
    """A regional network with two member places (a coworking and a fablab) and their kit."""
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    lille = CommuneFactory(
        code_insee="59350", name="Lille", postal_codes="|59000|59800|", latitude=50.63,
        longitude=3.06,
    )  # fmt: skip
    network = NetworkFactory(
        name="La Compagnie des Tiers-Lieux (test)",
        slug="compagnie-test",
        summary="Le réseau des tiers-lieux des Hauts-de-France.",
        description="Un réseau **régional** de tiers-lieux.\n\n- coworkings\n- fablabs",
        charter="Chaque lieu s'engage à :\n\n1. Accueillir\n2. Coopérer",
        email="contact@demo.maillage.fr",
    )
    network.communes.set([douai, lille])
    coworking = PlaceFactory(
        name="La Bobine",
        slug="la-bobine",
        types=[PlaceType.COWORKING],
        summary="Coworking à Douai",
        description="Un **coworking** au cœur de Douai.\n\n## Venir\n\nÀ deux pas de la gare.",
        commune=douai,
        address="12 rue de la Mairie",
        postal_code="59500",
        latitude=50.3714,
        longitude=3.08,
        website="https://example.org/bobine",
        opening_hours={"mo": "09:00-18:00", "tu": "09:00-18:00"},
    )
    fablab = PlaceFactory(
        name="Le Fablab du Beffroi",
        slug="fablab-du-beffroi",
        types=[PlaceType.FABLAB],
        commune=lille,
        postal_code="59800",
        latitude=50.6365,
        longitude=3.0635,
    )
    SpaceFactory(
        place=coworking, name="Open space", kind=SpaceKind.DESK, capacity=20, surface_m2=120,
        price_unit=PriceUnit.DAY, price_public_cents=1800, price_network_cents=1300,
        price_member_cents=0,
    )  # fmt: skip
    SpaceFactory(place=coworking, name="Salle de réunion", price_public_cents=9000)
    SpaceFactory(place=fablab, name="Atelier", kind=SpaceKind.WORKSHOP, capacity=12)
    EquipmentFactory(
        place=coworking, name="Vidéoprojecteur", category=EquipmentCategory.AUDIOVISUAL,
        sharing_mode=SharingMode.LOAN, deposit_cents=30000,
    )  # fmt: skip
    EquipmentFactory(
        place=fablab, name="Découpeuse laser", sharing_mode=SharingMode.WITH_OPERATOR,
        price_cents=2000, price_unit=PriceUnit.HOUR,
    )  # fmt: skip
    manager = UserFactory(email="gestion@demo.maillage.fr", display_name="Agathe Lefebvre")
    coordinator = UserFactory(email="coordination@demo.maillage.fr", display_name="Karim Caron")
    NetworkRole.objects.create(network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR)
    for place in (coworking, fablab):
        PlaceRole.objects.create(place=place, user=manager, role=PlaceRole.Role.MANAGER)
        Membership.objects.create(
            network=network,
            place=place,
            status=MembershipStatus.ACCEPTED,
            applied_by=manager,
            charter_accepted_by=manager,
            charter_text=network.charter,
            decided_by=coordinator,
        )
    return {"network": network, "coworking": coworking, "fablab": fablab}


PAGES = {
    "home": lambda data: reverse("home"),
    "place-list": lambda data: reverse("places:place-list"),
    "place-detail": lambda data: data["coworking"].get_absolute_url(),
    "network-list": lambda data: reverse("networks:network-list"),
    "network-detail": lambda data: data["network"].get_absolute_url(),
    "login": lambda data: reverse("account_login"),
    "signup": lambda data: reverse("account_signup"),
}


@pytest.mark.parametrize("page_name", list(PAGES))
def test_public_page_has_no_serious_accessibility_violation(
    site_page, demo_like_data, screenshot, page_name
):
    response = site_page.goto(PAGES[page_name](demo_like_data))

    assert response is not None and response.status == 200
    expect(site_page.locator("h1")).to_have_count(1)
    expect(site_page.get_by_role("main")).to_be_visible()
    maps = site_page.locator("[data-map-points]")
    for index in range(maps.count()):
        expect(maps.nth(index)).to_have_class(re.compile(r"\bmap-ready\b"))
    screenshot(site_page)
    check_accessibility(site_page)
    assert site_page.js_errors == []


def test_network_map_shows_its_member_places(site_page, demo_like_data, screenshot):
    site_page.goto(demo_like_data["network"].get_absolute_url())

    network_map = site_page.locator("[data-map-points]").first
    expect(network_map).to_have_class(re.compile(r"\bmap-ready\b"))
    expect(network_map).to_have_attribute("data-marker-count", "2")
    # Markers, or a cluster icon when the two places are drawn close together.
    expect(network_map.locator(".leaflet-marker-icon").first).to_be_visible()
    screenshot(site_page)


def test_leaflet_is_served_by_the_live_server(site_page, demo_like_data):
    with site_page.expect_response(re.compile(r"/static/vendor/leaflet/leaflet\.js")) as info:
        site_page.goto(reverse("places:place-list"))

    assert info.value.status == 200
    assert site_page.evaluate("() => typeof L.map") == "function"


@pytest.mark.parametrize("viewport", ["phone"])
def test_pages_fit_the_phone_screen_without_horizontal_scrolling(site_page, demo_like_data):
    for page_name, url in PAGES.items():
        site_page.goto(url(demo_like_data))
        overflow = site_page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page_name} scrolls sideways by {overflow}px on a phone"
