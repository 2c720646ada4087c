"""A coordinator creates a monthly virtual café with the recurrence picker; it shows in the
agenda's month grid (a list on a phone) and on its page; a tour page draws its route.

Desktop and phone: every page accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_*-<viewport>-<step>.png.
"""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.events.models import Event, EventKind
from maillage.events.services import EventData, add_stop, create_event
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields, open_filters
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def world(transactional_db):
    douai = CommuneFactory(code_insee="59178", name="Douai", latitude=50.3714, longitude=3.08)
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    bobine = PlaceFactory(
        name="La Bobine", slug="la-bobine", commune=douai, latitude=50.37, longitude=3.08
    )
    hangar = PlaceFactory(
        name="Le Hangar", slug="le-hangar", commune=douai, latitude=50.36, longitude=3.11
    )
    for place in (bobine, hangar):
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    alice = UserFactory(email="alice@example.org", display_name="Alice")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    PlaceRole.objects.create(place=bobine, user=alice, role=PlaceRole.Role.MANAGER)
    return {"network": network, "dora": dora, "alice": alice, "bobine": bobine, "hangar": hangar}


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


def first_tuesday_next_month() -> datetime.date:
    today = timezone.localdate()
    day = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    while day.weekday() != 1:
        day += datetime.timedelta(days=1)
    return day


def test_coordinator_creates_a_monthly_virtual_cafe(
    site_page, live_server, world, screenshot, viewport
):
    page = site_page
    log_in_as(page, live_server, world["dora"])
    tuesday = first_tuesday_next_month()
    page.goto(reverse("events:event-create"))
    page_is_fine(page, screenshot, viewport, "form")
    page.get_by_label("Animation portée par").select_option(label="Réseau : Réseau Hauts-de-France")
    page.get_by_label("Titre").fill("Café virtuel des tiers-lieux")
    page.locator("#id_starts_at").fill(f"{tuesday.isoformat()}T09:00")
    page.locator("#id_ends_at").fill(f"{tuesday.isoformat()}T10:00")
    page.get_by_label("Répétition").select_option("monthly")
    # The day and its rank come from the start date; the picker says the series in French.
    expect(page.locator("#rrule-preview")).to_contain_text("Le premier mardi de chaque mois")
    expect(page.locator("#rrule-preview")).not_to_contain_text("FREQ")
    page.get_by_label("Lien de visio").fill("https://visio.example.org/cafe")
    page_is_fine(page, screenshot, viewport, "form-filled")
    page.get_by_role("button", name="Créer l’animation").click()
    expect(page.get_by_text("L'animation est créée.")).to_be_visible()
    event = Event.objects.get()
    assert event.rrule == "FREQ=MONTHLY;BYDAY=1TU"
    assert timezone.localtime(event.starts_at).time() == datetime.time(9, 0)
    page_is_fine(page, screenshot, viewport, "event")
    expect(page.get_by_text("visio.example.org")).to_have_count(0)

    page.goto(reverse("events:agenda") + f"?vue=mois&date={tuesday.isoformat()}")
    expect(
        page.get_by_role("link", name=re.compile("Café virtuel des tiers-lieux"))
    ).to_be_visible()
    page_is_fine(page, screenshot, viewport, "agenda-month")

    # The filters update the results in place and keep the address shareable.
    page.goto(reverse("events:agenda"))
    open_filters(page)
    page.get_by_label("En ligne").check()
    expect(page).to_have_url(re.compile(r"mode=en-ligne"))
    expect(
        page.locator("#results").get_by_text("Café virtuel des tiers-lieux").first
    ).to_be_visible()
    page_is_fine(page, screenshot, viewport, "agenda-list")


def test_tour_page_draws_the_route(site_page, live_server, world, screenshot, viewport):
    start = timezone.localtime().replace(
        hour=9, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=7)
    tour = create_event(
        by=world["dora"],
        owner=world["network"],
        data=EventData(
            kind=EventKind.TOUR,
            title="Tournée à vélo du Douaisis",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=8),
        ),
    )
    add_stop(
        by=world["dora"],
        event=tour,
        place=world["bobine"],
        arrives_at=start,
        leaves_at=start + datetime.timedelta(hours=2),
    )
    add_stop(
        by=world["dora"],
        event=tour,
        place=world["hangar"],
        arrives_at=start + datetime.timedelta(hours=4),
        leaves_at=start + datetime.timedelta(hours=6),
    )
    log_in_as(site_page, live_server, world["alice"])
    site_page.goto(reverse("events:event-detail", args=[tour.slug]))
    expect(site_page.locator("#tour-map")).to_have_attribute("data-marker-count", "2")
    page_is_fine(site_page, screenshot, viewport, "tour")
    site_page.get_by_role("button", name="Confirmer l’étape de La Bobine").click()
    expect(site_page.get_by_text("L'étape est confirmée.")).to_be_visible()
    expect(
        site_page.locator(".tour-stop", has_text="La Bobine").get_by_text("confirmée", exact=True)
    ).to_be_visible()

    site_page.context.clear_cookies()
    log_in_as(site_page, live_server, world["dora"])
    site_page.goto(reverse("events:tour-stops", args=[tour.slug]))
    page_is_fine(site_page, screenshot, viewport, "tour-stops")
