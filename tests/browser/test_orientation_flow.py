"""The aiguillage end to end, as the issue tells it: a project holder files a request, the guide
orients her to a commons and a person, she accepts, the 30-day e-mail is answered in one click,
and the dashboard's follow-through moves. Accessible (axe) on a phone.
Screenshots: var/screenshots/test_a_project_holder_…png."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.commons.models import Contact, OrientationRequest
from maillage.commons.orientation import send_due_follow_ups
from maillage.commons.tests.factories import CommonsFactory
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(transactional_db):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08,
        population=40000,
    )  # fmt: skip
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    network.communes.add(douai)
    guide = UserFactory(email="gaelle@example.org", display_name="Gaëlle")
    NetworkRole.objects.create(network=network, user=guide, role=NetworkRole.Role.GUIDE)
    helper = UserFactory(email="hugo@example.org", display_name="Hugo")
    paheko = CommonsFactory(
        name="Paheko", slug="paheko", summary="Comptabilité associative et adhésions.",
        domains=["comptabilite"], network=network,
    )  # fmt: skip
    Contact.objects.create(commons=paheko, user=helper, helps_with="Paramétrer les cotisations")
    return {"guide": guide, "helper": helper}


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_project_holder_is_oriented_and_answers_the_30_day_check_in(
    site_page, live_server, network, screenshot, settings
):
    settings.SITE_URL = live_server.url
    holder = UserFactory(email="lina@example.org", display_name="Lina")
    log_in_as(site_page, live_server, holder)
    site_page.goto(reverse("commons:list"))
    site_page.get_by_role("link", name="Demander une orientation").click()
    site_page.get_by_label("Votre besoin, avec vos mots").fill(
        "Nous voulons tenir la comptabilité de notre café associatif."
    )
    site_page.get_by_label("Votre commune (nom ou code postal)").fill("59500")
    site_page.get_by_label("Ouvert depuis moins de 2 ans").check()
    screenshot(site_page, "request")
    check_accessibility(site_page)
    site_page.get_by_role("button", name="Envoyer ma demande").click()
    expect(site_page.get_by_text("Votre demande est transmise")).to_be_visible()
    request = OrientationRequest.objects.get()

    site_page.context.clear_cookies()
    log_in_as(site_page, live_server, network["guide"])
    site_page.goto(reverse("commons:queue"))
    site_page.get_by_role("link", name=re.compile("comptabilité de notre café")).click()
    site_page.get_by_role("button", name="Je la prends").click()
    site_page.get_by_label("Paheko", exact=True).check()
    site_page.get_by_label(re.compile("Hugo")).check()
    site_page.get_by_label("Votre message").fill("Paheko vous ira ; Hugo peut vous aider.")
    screenshot(site_page, "answer")
    check_accessibility(site_page)
    site_page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(site_page.get_by_role("heading", name="Avant de confirmer")).to_be_visible()
    site_page.get_by_role("button", name="Confirmer l'envoi").click()
    expect(site_page.get_by_text("L'orientation est envoyée")).to_be_visible()

    site_page.context.clear_cookies()
    site_page.goto(reverse("commons:orientation", args=[request.token]))
    person = site_page.locator("li.card", has_text="Hugo")
    person.get_by_role("button", name="Être mis·e en relation").click()
    expect(site_page.get_by_text("En attente de son accord")).to_be_visible()
    screenshot(site_page, "orientation")

    mail.outbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30)):
        assert send_due_follow_ups() == (1, 0)
    link = re.search(r"https?://\S+/bilan/\d+/yes/", mail.outbox[-1].body)
    assert link is not None
    site_page.goto(link.group(0))
    expect(site_page.get_by_role("heading", name="Merci pour votre réponse")).to_be_visible()

    log_in_as(site_page, live_server, network["guide"])
    site_page.goto(reverse("commons:dashboard"))
    expect(
        site_page.get_by_text("À 30 jours : 1 sur 1 réponses disent avoir avancé")
    ).to_be_visible()
    screenshot(site_page, "dashboard")
    check_accessibility(site_page)
