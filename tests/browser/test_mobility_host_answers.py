"""A host that approves each booking accepts a request through the confirmation step, and the
visitor is told.

Desktop and phone: every page accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_host_accepts_a_request_after_confirming-<viewport>-<step>.png.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.mobility import booking as svc
from maillage.mobility import services
from maillage.mobility.models import Booking, HostOffer, Scheme
from maillage.mobility.tests.conftest import next_weekday
from maillage.notifications.models import Notification
from maillage.places.models import Place
from tests.browser.test_manager_pages_accessible import log_in_as
from tests.browser.test_mobility_booking import mobility_world, page_is_fine  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_host_accepts_a_request_after_confirming(
    site_page,
    live_server,
    mobility_world,  # noqa: F811
    screenshot,
    viewport,
):
    HostOffer.objects.update(approval_required=True, approval_hours=48)
    bob, charlie = mobility_world["bob"], mobility_world["charlie"]
    bobine, hangar = Place.objects.get(slug="la-bobine"), Place.objects.get(slug="le-hangar")
    pass_ = services.subscribe_pass(user=bob, scheme=Scheme.objects.get(), home_place=bobine)
    tuesday = next_weekday(1)
    visit = svc.book_visit(pass_=pass_, place=hangar, day=tuesday, idempotency_key="k", by=bob)
    assert visit.status == Booking.Status.PENDING

    page = site_page
    log_in_as(page, live_server, charlie)
    page.goto(reverse("mobility:host-day", args=["le-hangar"]) + f"?day={tuesday.isoformat()}")
    page.get_by_role("link", name="Accepter… — Bob").click()
    # The confirmation step: who, from where, which day; nothing answered yet.
    expect(page.locator("h1")).to_contain_text("Accepter la visite de Bob")
    expect(page.locator("dl.facts")).to_contain_text("La Bobine")
    page_is_fine(page, screenshot, viewport, "accept-confirm")
    visit.refresh_from_db()
    assert visit.status == Booking.Status.PENDING
    page.get_by_role("button", name="Confirmer : accepter la visite").click()
    expect(page.get_by_text("Réservation confirmée.")).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == Booking.Status.CONFIRMED
    assert Notification.objects.get(user=bob).title.startswith("Réservation acceptée")
