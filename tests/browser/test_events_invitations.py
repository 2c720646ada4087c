"""A coordinator invites people to a codev "sur invitation" from its page (a bad address is
refused in French), sees the invitations; the guest opens the link, registers without an account
and finds the visio link. Desktop and phone: accessible (axe), no JavaScript error, no sideways
scroll. Screenshots: var/screenshots/test_invitation_flow-<viewport>-<step>.png.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.events.models import Audience, Invitation, Registration
from maillage.events.recurrence import sync_occurrences
from maillage.events.tests.factories import EventFactory
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from tests.browser.test_manager_pages_accessible import log_in_as
from tests.browser.test_mobility_booking import page_is_fine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
LINK = "https://visio.example.org/codev"


@pytest.fixture
def world(transactional_db):
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    start = datetime.datetime.now(tz=PARIS).replace(microsecond=0) + datetime.timedelta(days=20)
    event = EventFactory(
        network=network,
        title="Codev des fondateurs",
        slug="codev-fondateurs",
        audience=Audience.INVITED,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        online_url=LINK,
    )
    sync_occurrences(event)
    return {"dora": dora, "event": event}


def test_invitation_flow(site_page, live_server, world, screenshot, viewport):
    page = site_page
    log_in_as(page, live_server, world["dora"])
    page.goto(reverse("events:event-detail", args=["codev-fondateurs"]))
    page_is_fine(page, screenshot, viewport, "event")
    field = page.get_by_label("Adresses e-mail à inviter")
    field.fill("gaby@example.net\npas-une-adresse")
    page.get_by_role("button", name="Inviter").click()
    expect(page.get_by_text("Ces adresses ne sont pas des adresses e-mail")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "error")
    assert not Invitation.objects.exists()
    page.get_by_label("Adresses e-mail à inviter").fill("gaby@example.net; ines@example.org")
    page.get_by_role("button", name="Inviter").click()
    expect(page.get_by_text("2 invitations envoyées.")).to_be_visible()
    expect(page.get_by_role("cell", name="gaby@example.net", exact=True)).to_be_visible()
    page_is_fine(page, screenshot, viewport, "list")

    page.context.clear_cookies()
    token = Invitation.objects.get(email="gaby@example.net").token
    page.goto(reverse("events:invitation", args=[token]))
    page_is_fine(page, screenshot, viewport, "link")
    page.get_by_label("Votre nom").fill("Gaby")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("C'est noté : vous êtes inscrit·e.")).to_be_visible()
    expect(page.get_by_role("link", name="Rejoindre la visio")).to_have_attribute("href", LINK)
    page_is_fine(page, screenshot, viewport, "registered")
    assert Registration.objects.get().guest_email == "gaby@example.net"
