"""A member finds a free desk for next Tuesday, books it, and the host checks them in.

Desktop and phone: every page accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_member_books_a_desk_and_is_checked_in-<viewport>-<step>.png.
"""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.ledger.models import Transfer
from maillage.mobility.models import Booking, SchemeModel
from maillage.mobility.tests.conftest import make_scheme, next_weekday
from maillage.mobility.tests.factories import HostOfferFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mobility_world(transactional_db):
    douai = CommuneFactory(code_insee="59178", name="Douai", latitude=50.3714, longitude=3.08)
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    bobine = PlaceFactory(name="La Bobine", slug="la-bobine", commune=douai)
    hangar = PlaceFactory(
        name="Le Hangar", slug="le-hangar", commune=douai, latitude=50.36, longitude=3.11
    )
    for place in (bobine, hangar):
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
    HostOfferFactory(place=hangar, instructions="Sonnez à **l'atelier**.")
    make_scheme(network, SchemeModel.PASS)
    bob = UserFactory(email="bob@example.org", display_name="Bob")
    charlie = UserFactory(email="charlie@example.org", display_name="Charlie")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    PlaceRole.objects.create(place=bobine, user=bob, role=PlaceRole.Role.MEMBER)
    PlaceRole.objects.create(place=hangar, user=charlie, role=PlaceRole.Role.MANAGER)
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    return {"bob": bob, "charlie": charlie, "dora": dora}


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


def test_member_books_a_desk_and_is_checked_in(
    site_page, live_server, mobility_world, screenshot, viewport
):
    page = site_page
    tuesday = next_weekday(1)
    log_in_as(page, live_server, mobility_world["bob"])

    page.goto(reverse("mobility:pass-subscribe"))
    page_is_fine(page, screenshot, viewport, "subscribe")
    # The only scheme on offer is chosen already.
    expect(page.get_by_label("Formule pass")).to_be_checked()
    page.get_by_role("button", name="Souscrire").click()
    expect(page.get_by_text("Votre pass est actif.")).to_be_visible()

    page.goto(reverse("mobility:find") + f"?day={tuesday.isoformat()}")
    expect(page.locator("#hosts-map")).to_have_class(re.compile(r"\bmap-ready\b"))
    page_is_fine(page, screenshot, viewport, "find")
    page.locator("li.card", has_text="Le Hangar").get_by_role("link", name="Réserver").click()
    page_is_fine(page, screenshot, viewport, "book")
    page.get_by_role("button", name="Réserver").click()
    expect(page.get_by_text("Réservé : Le Hangar vous attend.")).to_be_visible()
    expect(page.get_by_role("img", name="QR code à présenter à votre arrivée")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "pass")
    assert Booking.objects.get().day == tuesday

    page.context.clear_cookies()
    log_in_as(page, live_server, mobility_world["charlie"])
    with time_machine.travel(
        datetime.datetime.combine(
            tuesday, datetime.time(9, 30), tzinfo=zoneinfo.ZoneInfo("Europe/Paris")
        )
    ):
        page.goto(reverse("mobility:host-day", args=["le-hangar"]) + f"?day={tuesday.isoformat()}")
        page_is_fine(page, screenshot, viewport, "host-day")
        page.get_by_role("button", name="Arrivé·e").click()
        expect(page.get_by_text("Arrivée enregistrée.")).to_be_visible()
        expect(page.get_by_role("cell", name="Venue constatée")).to_be_visible()
    assert Transfer.objects.with_cause_of_type(Booking).get().amount_cents == 1200


MANAGER_PAGES = {
    "scheme-list": ("dora", reverse("mobility:scheme-list", args=["reseau-hdf"])),
    "offer-edit": ("charlie", reverse("mobility:offer-edit", args=["le-hangar"])),
    "my-passes": ("bob", reverse("mobility:my-passes")),
}


@pytest.mark.parametrize("page_name", list(MANAGER_PAGES))
def test_mobility_forms_are_accessible_and_fit_the_screen(
    site_page, live_server, mobility_world, screenshot, viewport, page_name
):
    person, url = MANAGER_PAGES[page_name]
    log_in_as(site_page, live_server, mobility_world[person])
    response = site_page.goto(url)
    assert response is not None and response.status == 200
    page_is_fine(site_page, screenshot, viewport, page_name)
