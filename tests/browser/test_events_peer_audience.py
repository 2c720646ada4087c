"""An event reserved to the managers of rural places: the manager of a city place reads why they
cannot register (no button), the manager of a village place registers.

Desktop and phone: accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_*-<viewport>-<step>.png.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.events.models import Registration
from maillage.events.tests.factories import EventFactory, OccurrenceFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.test_events_registration import page_is_fine
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def manager_of(population: int, email: str):
    place = PlaceFactory(commune=CommuneFactory(population=population))
    user = UserFactory(email=email)
    PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MANAGER)
    return user


def test_only_the_managers_of_rural_places_may_register(
    site_page, live_server, screenshot, viewport
):
    starts = (timezone.now() + datetime.timedelta(days=5)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    event = EventFactory(
        title="Rencontre entre gérant·es de lieux ruraux",
        slug="rencontre-rurale",
        peer_audience="rural",
        online_url="https://visio.example.org/ruraux",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    OccurrenceFactory(event=event)
    page = site_page
    url = reverse("events:event-detail", args=[event.slug])

    log_in_as(page, live_server, manager_of(120_000, "ville@example.org"))
    page.goto(url)
    expect(page.locator(".event-badges")).to_contain_text("Réservé aux gérant·es de lieux ruraux")
    expect(page.get_by_text("aucun des lieux que vous gérez n'en fait partie")).to_be_visible()
    expect(page.get_by_role("button", name="M'inscrire")).to_have_count(0)
    page_is_fine(page, screenshot, viewport, "outsider")

    page.context.clear_cookies()
    log_in_as(page, live_server, manager_of(450, "village@example.org"))
    page.goto(url)
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("C'est noté : vous êtes inscrit·e.")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "peer")
    assert Registration.objects.get().user.email == "village@example.org"
