"""Registration from an event page: a member registers and sees the video link, a visitor joins the
waiting list without an account, the organiser sees the registrants and takes attendance.

Desktop and phone: every page accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_*-<viewport>-<step>.png.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.events.models import Registration
from maillage.events.selectors import occurrence_key
from maillage.events.tests.factories import EventFactory, OccurrenceFactory
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = "https://visio.example.org/cafe"


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


@pytest.fixture
def world(transactional_db):
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    starts = (timezone.now() + datetime.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    event = EventFactory(
        network=network,
        title="Café virtuel des tiers-lieux",
        slug="cafe-virtuel",
        online_url=LINK,
        capacity=1,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    occurrence = OccurrenceFactory(event=event)
    return {"dora": dora, "event": event, "occurrence": occurrence}


def test_a_member_registers_and_a_visitor_joins_the_waiting_list(
    site_page, live_server, world, screenshot, viewport
):
    page = site_page
    event_page = reverse("events:event-detail", args=[world["event"].slug])
    member = UserFactory(email="bob@example.org", display_name="Bob")

    log_in_as(page, live_server, member)
    page.goto(event_page)
    expect(page.get_by_role("link", name="Rejoindre la visio")).to_have_count(0)
    page_is_fine(page, screenshot, viewport, "before")
    page.get_by_label("J'accepte que l'organisation reçoive mon adresse e-mail").check()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("C'est noté : vous êtes inscrit·e.")).to_be_visible()
    expect(page.get_by_role("link", name="Rejoindre la visio")).to_have_attribute("href", LINK)
    page_is_fine(page, screenshot, viewport, "registered")

    page.goto(reverse("events:my-registrations"))
    expect(page.get_by_role("link", name="Café virtuel des tiers-lieux")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "mine")

    page.context.clear_cookies()
    page.goto(event_page)
    page.get_by_label("Votre nom").fill("Zoé")
    page.get_by_label("Votre adresse e-mail").fill("zoe@example.org")
    page_is_fine(page, screenshot, viewport, "guest-form")
    page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    expect(page.get_by_text("Presque fini")).to_be_visible()
    guest = Registration.objects.get(guest_email="zoe@example.org")
    page.goto(reverse("events:registration-confirm", args=[guest.token]))
    page_is_fine(page, screenshot, viewport, "confirm")
    page.get_by_role("button", name="Je confirme mon inscription").click()
    expect(page.get_by_text("vous êtes sur la liste d'attente (position 1)")).to_be_visible()
    expect(page.get_by_role("link", name="Rejoindre la visio")).to_have_count(0)


def test_the_organiser_sees_registrants_and_takes_attendance(
    site_page, live_server, world, screenshot, viewport
):
    from maillage.events import registration as svc

    occurrence = world["occurrence"]
    svc.register(occurrence=occurrence, user=UserFactory(display_name="Bob"), share_contact=True)
    svc.register(occurrence=occurrence, user=UserFactory(display_name="Chloé"))
    key = occurrence_key(occurrence)
    page = site_page
    log_in_as(page, live_server, world["dora"])

    page.goto(reverse("events:registrants", args=[world["event"].slug, key]))
    expect(page.get_by_role("heading", name="Inscrit·e (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Liste d'attente (1)")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "registrants")

    page.goto(reverse("events:attendance", args=[world["event"].slug, key]))
    page_is_fine(page, screenshot, viewport, "attendance")
    page.goto(reverse("events:digest"))
    page_is_fine(page, screenshot, viewport, "digest")
