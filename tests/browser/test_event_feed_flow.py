"""A coordinator creates a monthly virtual café, a member registers from the agenda and finds it,
with its visio link, in their private calendar feed.

Desktop and phone: every page accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_coordinator_cafe_member_registers_and_gets_it_in_their_feed-<viewport>-<step>.png.
"""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.events.models import Event, Registration
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
VISIO = "https://visio.example.org/cafe-des-lieux"


def first_tuesday_after(day: datetime.date) -> datetime.date:
    """The first Tuesday of the month after `day`."""
    first = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7)


@pytest.fixture
def world(transactional_db):
    douai = CommuneFactory(code_insee="59178", name="Douai", latitude=50.3714, longitude=3.08)
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    bobine = PlaceFactory(name="La Bobine", slug="la-bobine", commune=douai)
    Membership.objects.create(network=network, place=bobine, status=MembershipStatus.ACCEPTED)
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    bob = UserFactory(email="bob@example.org", display_name="Bob")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    PlaceRole.objects.create(place=bobine, user=bob, role=PlaceRole.Role.MEMBER)
    return {"network": network, "dora": dora, "bob": bob}


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


def test_coordinator_cafe_member_registers_and_gets_it_in_their_feed(
    site_page, live_server, world, screenshot, viewport
):
    page = site_page
    day = first_tuesday_after(timezone.localdate())

    # The coordinator creates the café: first Tuesday of every month, 9:00–10:00, online.
    log_in_as(page, live_server, world["dora"])
    page.goto(reverse("events:event-create"))
    page_is_fine(page, screenshot, viewport, "create")
    page.get_by_label("Animation portée par").select_option(label="Réseau : Réseau Hauts-de-France")
    page.locator("#id_kind").select_option("cafe")
    page.get_by_label("Titre").fill("Café des lieux")
    page.locator("#id_starts_at").fill(f"{day.isoformat()}T09:00")
    page.locator("#id_ends_at").fill(f"{day.isoformat()}T10:00")
    page.get_by_label("Répétition").select_option("monthly")
    page.get_by_label("Quel jour du mois").select_option("1")
    page.locator("#id_weekday").select_option("TU")
    page.get_by_label("Lien de visio").fill(VISIO)
    page.locator("#id_capacity").fill("20")
    page.get_by_role("button", name="Créer l’animation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Café des lieux")
    event = Event.objects.get(title="Café des lieux")
    assert event.rrule.startswith("FREQ=MONTHLY")
    assert "BYDAY=1TU" in event.rrule
    assert event.occurrences.count() >= 12

    # The member finds it in the agenda and registers.
    page.context.clear_cookies()
    log_in_as(page, live_server, world["bob"])
    page.goto(reverse("events:agenda"))
    page_is_fine(page, screenshot, viewport, "agenda")
    page.get_by_role("link", name="Café des lieux").first.click()
    page_is_fine(page, screenshot, viewport, "session")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("link", name="Rejoindre la visio")).to_be_visible()
    registration = Registration.objects.get(user=world["bob"])
    assert registration.status == Registration.Status.CONFIRMED

    # Their private feed page gives the URL; the feed holds the session with the visio link.
    page.goto(reverse("events:feed-my-calendar"))
    page_is_fine(page, screenshot, viewport, "my-calendar")
    feed_url = page.get_by_label("Adresse à copier dans votre agenda").input_value()
    assert feed_url.startswith(live_server.url)
    response = page.context.request.get(feed_url)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.body())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Café des lieux"
    assert vevent.decoded("DTSTART") == datetime.datetime.combine(
        day, datetime.time(9, 0), tzinfo=PARIS
    )
    assert VISIO in str(vevent["DESCRIPTION"])

    # Revoking: the old address stops answering.
    page.get_by_role("button", name="Révoquer et créer une nouvelle adresse").click()
    expect(page.get_by_text("l'ancien ne fonctionne plus")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "revoked")
    assert page.context.request.get(feed_url).status == 404

    # The network's public feed lists the café as a series, without the link.
    public = page.context.request.get(
        live_server.url + reverse("events:feed-network", args=["reseau-hdf"])
    )
    assert VISIO not in public.text()
    assert "RRULE:FREQ=MONTHLY" in public.text()


def test_place_manager_imports_the_place_calendar_and_sees_errors(
    site_page, live_server, settings, screenshot, viewport, transactional_db
):
    from maillage.events.tests.test_import_feeds import FeedServer, calendar, vevent

    settings.EVENT_FEEDS_ALLOW_PRIVATE_HOSTS = True
    feeds = FeedServer()
    feeds.thread.start()
    next_month = timezone.localdate() + datetime.timedelta(days=30)
    stamp = next_month.strftime("%Y%m%d")
    feeds.routes["/agenda.ics"] = (
        200,
        "text/calendar",
        calendar(vevent("repair@bobine", "Repair café", f"{stamp}T140000", f"{stamp}T170000")),
    )
    feeds.routes["/page.html"] = (200, "text/html", b"<!DOCTYPE html><html></html>")
    douai = CommuneFactory(code_insee="59178", name="Douai", latitude=50.3714, longitude=3.08)
    bobine = PlaceFactory(name="La Bobine", slug="la-bobine", commune=douai)
    alice = UserFactory(email="alice@example.org", display_name="Alice")
    PlaceRole.objects.create(place=bobine, user=alice, role=PlaceRole.Role.MANAGER)
    try:
        page = site_page
        log_in_as(page, live_server, alice)
        page.goto(reverse("events:feed-sources", args=["la-bobine"]))
        page_is_fine(page, screenshot, viewport, "empty")
        page.get_by_label("Adresse du calendrier iCal").fill(feeds.url("/agenda.ics"))
        page.get_by_role("button", name="Ajouter et lire").click()
        expect(page.get_by_text("1 animation ajoutée")).to_be_visible()
        assert Event.objects.get(place=bobine).title == "Repair café"

        page.get_by_label("Adresse du calendrier iCal").fill(feeds.url("/page.html"))
        page.get_by_role("button", name="Ajouter et lire").click()
        expect(page.locator(".feed-error")).to_contain_text("page web, pas un calendrier")
        page_is_fine(page, screenshot, viewport, "with-error")
    finally:
        feeds.httpd.shutdown()
        feeds.httpd.server_close()
