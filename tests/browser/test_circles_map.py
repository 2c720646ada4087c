"""The network's map of circles coloured by status, a circle page and the circle form.

Desktop and phone: accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_circles_map_and_pages-<viewport>-<step>.png.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.circles.models import CircleRole, CircleStatus
from maillage.circles.tests.factories import ActionFactory, CircleFactory, CircleMemberFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMUNES = [
    ("59178", "Douai", 50.3714, 3.08),
    ("59329", "Lambres-lez-Douai", 50.35, 3.06),
    ("59569", "Sin-le-Noble", 50.36, 3.13),
    ("59122", "Cambrai", 50.176, 3.235),
    ("59009", "Avesnes-sur-Helpe", 50.123, 3.928),
    ("59392", "Maubeuge", 50.277, 3.973),
    ("59291", "Fourmies", 50.016, 4.05),
]


@pytest.fixture
def circles_world(transactional_db):
    communes = {
        code: CommuneFactory(
            code_insee=code, name=name, postal_codes=f"|{code}|", latitude=lat, longitude=lon
        )
        for code, name, lat, lon in COMMUNES
    }
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    bobine = PlaceFactory(name="La Bobine", slug="la-bobine", commune=communes["59178"])
    Membership.objects.create(network=network, place=bobine, status=MembershipStatus.ACCEPTED)
    douaisis = CircleFactory(
        network=network,
        name="Cercle du Douaisis",
        slug="douaisis",
        status=CircleStatus.ACTIVE,
        summary="Les lieux autour de Douai.",
        contact_email="douaisis@example.org",
    )
    douaisis.communes.add(communes["59178"], communes["59329"], communes["59569"])
    douaisis.places.add(bobine)
    avesnois = CircleFactory(
        network=network, name="Cercle de l'Avesnois", slug="avesnois", status="emerging"
    )
    avesnois.communes.add(communes["59009"], communes["59392"], communes["59291"])
    cambresis = CircleFactory(
        network=network, name="Cercle du Cambrésis", slug="cambresis", status="prefiguration"
    )
    cambresis.communes.add(communes["59122"])
    bob = UserFactory(email="bob@example.org", display_name="Bob")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    PlaceRole.objects.create(place=bobine, user=bob, role=PlaceRole.Role.MEMBER)
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    CircleMemberFactory(circle=douaisis, user=bob, role=CircleRole.PARTICIPANT)
    ActionFactory(circle=douaisis, title="Guide des tiers-lieux du Douaisis").owners.add(bob)
    return {"bob": bob, "dora": dora}


def page_is_fine(page, screenshot, viewport, step):
    expect(page.locator("h1")).to_have_count(1)
    screenshot(page, step)
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    assert page.js_errors == []
    if viewport == "phone":
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{step} scrolls sideways by {overflow}px on a phone"


def test_circles_map_and_pages(site_page, live_server, circles_world, screenshot, viewport):
    page = site_page
    log_in_as(page, live_server, circles_world["bob"])

    page.goto(reverse("circles:network-circles", kwargs={"network_slug": "reseau-hdf"}))
    map_el = page.locator("#network-circles-map")
    expect(map_el).to_have_class(re.compile(r"\bmap-ready\b"))
    # One shape per circle: a polygon, another polygon, a disc around a single commune.
    expect(map_el).to_have_attribute("data-shape-count", "3")
    expect(page.locator(".circle-legend")).to_contain_text("En préfiguration")
    page_is_fine(page, screenshot, viewport, "network-map")

    page.goto(reverse("circles:circle-list"))
    page_is_fine(page, screenshot, viewport, "list")

    page.goto(reverse("circles:circle-detail", kwargs={"slug": "douaisis"}))
    expect(page.locator("#circle-map")).to_have_class(re.compile(r"\bmap-ready\b"))
    expect(page.get_by_text("douaisis@example.org")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "detail")

    page.get_by_role("link", name="Guide des tiers-lieux du Douaisis").click()
    page.get_by_label("Compte rendu").fill("Le guide est **imprimé**.")
    page.get_by_role("button", name="Publier le compte rendu").click()
    expect(page.get_by_text("Votre compte rendu est publié.")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "action")

    page.goto(reverse("circles:role-request", kwargs={"slug": "douaisis"}))
    page_is_fine(page, screenshot, viewport, "role-request")

    log_in_as(page, live_server, circles_world["dora"])
    page.goto(reverse("circles:circle-edit", kwargs={"slug": "douaisis"}))
    page_is_fine(page, screenshot, viewport, "edit")
