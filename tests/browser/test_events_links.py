"""The links to one's calendar: a member registered to a café finds "Ajouter à mon agenda" on the
session page, and in their space the links to their registrations, private calendar and digest;
a place's page lists the café it hosts. Desktop and phone, axe, screenshots."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.events import registration
from maillage.events.selectors import occurrence_key
from maillage.events.tests.factories import EventFactory, OccurrenceFactory
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.tests.factories import PlaceFactory
from tests.browser.test_events_registration import page_is_fine
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_finds_the_calendar_links_on_the_session_page_and_in_their_space(
    site_page, live_server, transactional_db, screenshot, viewport
):
    page = site_page
    place = PlaceFactory(name="La Bobine", slug="la-bobine")
    starts = (timezone.now() + datetime.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    event = EventFactory(
        network=NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf"),
        title="Café des tiers-lieux",
        slug="cafe-des-tiers-lieux",
        venue=place,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    session = OccurrenceFactory(event=event)
    member = UserFactory(email="bob@example.org", display_name="Bob")
    registration.register(occurrence=session, user=member)
    key = occurrence_key(session)

    log_in_as(page, live_server, member)
    page.goto(reverse("events:occurrence-detail", args=[event.slug, key]))
    calendar = page.get_by_role("region", name="Ajouter à mon agenda")
    expect(calendar.get_by_role("link", name="Cette séance (.ics)")).to_have_attribute(
        "href", reverse("events:occurrence-ics", args=[event.slug, key])
    )
    expect(calendar.get_by_role("link", name="L’animation (.ics)")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "session")

    page.goto(reverse("accounts:profile"))
    page.get_by_role("link", name="Mes inscriptions", exact=True).first.click()
    expect(page.get_by_role("link", name="Café des tiers-lieux")).to_be_visible()
    page.goto(reverse("accounts:profile"))
    expect(page.get_by_role("link", name="Mon agenda privé")).to_have_attribute(
        "href", reverse("events:feed-my-calendar")
    )
    expect(
        page.get_by_role("link", name="Récapitulatif hebdomadaire des animations")
    ).to_be_visible()
    page_is_fine(page, screenshot, viewport, "space")

    page.goto(reverse("places:place-detail", args=[place.slug]))
    upcoming = page.get_by_role("region", name="Prochaines animations")
    expect(upcoming.get_by_role("link", name="Café des tiers-lieux")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "place")
