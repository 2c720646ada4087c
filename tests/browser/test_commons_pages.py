"""The commons catalogue as people use it: a visitor filters the list on a phone and reads a
commons' page (who to call, places that use it); a place manager says her place uses it and offers
her help. Every page is accessible (axe), fits a phone and raises no JavaScript error.
Screenshots: var/screenshots/test_commons_…png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.commons.models import Contact, Usage
from maillage.commons.tests.factories import CommonsFactory
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(transactional_db):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    place = PlaceFactory(name="La Bobine", slug="la-bobine", commune=douai)
    other = PlaceFactory(name="Le Hangar", slug="le-hangar", commune=douai, latitude=50.36)
    alice = UserFactory(email="alice@example.org", display_name="Alice")
    PlaceRole.objects.create(place=place, user=alice, role=PlaceRole.Role.MANAGER)
    helper = UserFactory(email="hugo@example.org", display_name="Hugo")
    paheko = CommonsFactory(
        name="Paheko",
        slug="paheko",
        summary="Gestion d'association : adhérents, cotisations, comptabilité.",
        how_to_start="Ouvrez un essai hébergé, importez vos adhérents depuis un tableur.",
        website="https://paheko.cloud",
        network=network,
    )
    CommonsFactory(
        name="Movilab",
        slug="movilab",
        nature="community",
        licence="CC-BY-SA-4.0",
        actions=["documenter"],
        domains=["connaissances"],
        website="https://movilab.org/une-adresse-tres-longue-pour-voir-si-elle-passe-a-la-ligne",
        network=network,
    )
    Usage.objects.create(commons=paheko, place=other, testimonial="Nos comptes tiennent enfin.")
    Contact.objects.create(commons=paheko, user=helper, helps_with="Paramétrer les cotisations")
    return {"alice": alice, "place": place}


def test_a_visitor_filters_the_catalogue_and_reads_who_to_call(
    site_page, live_server, catalogue, screenshot, viewport
):
    site_page.goto(reverse("commons:list"))
    screenshot(site_page, "list")
    check_accessibility(site_page)

    if viewport == "phone":
        # Results come first; the filters fold below them.
        results = site_page.locator("#results").bounding_box()
        assert results is not None and results["y"] < 700
    site_page.get_by_label("Nature").select_option("community")
    site_page.get_by_role("button", name="Filtrer").click()
    expect(site_page.get_by_role("link", name="Movilab")).to_be_visible()
    expect(site_page.get_by_role("link", name="Paheko")).to_have_count(0)

    site_page.goto(reverse("commons:detail", args=["paheko"]))
    expect(site_page.get_by_text("Paramétrer les cotisations")).to_be_visible()
    expect(site_page.get_by_text("Nos comptes tiennent enfin.")).to_be_visible()
    screenshot(site_page, "detail")
    check_accessibility(site_page)
    assert site_page.js_errors == []
    overflow = site_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_manager_declares_her_place_and_offers_help(
    site_page, live_server, catalogue, screenshot
):
    log_in_as(site_page, live_server, catalogue["alice"])
    site_page.goto(reverse("commons:detail", args=["movilab"]))
    expect(site_page.get_by_text("Qui appeler : personne")).to_be_visible()

    site_page.get_by_role("link", name="Mon lieu utilise ce commun").click()
    site_page.get_by_role("combobox", name="Lieu").select_option(label="La Bobine")
    site_page.get_by_label("Depuis").fill("2024-03-01")
    screenshot(site_page, "usage-form")
    check_accessibility(site_page)
    site_page.get_by_role("button", name="Enregistrer").click()
    expect(site_page.get_by_role("heading", name="1 lieu l'utilise")).to_be_visible()

    site_page.get_by_role("link", name="Je peux aider sur ce commun").click()
    site_page.get_by_label("En quoi pouvez-vous aider ?").fill("Écrire la page de votre lieu")
    site_page.get_by_role("button", name="Enregistrer").click()
    expect(site_page.get_by_text("Écrire la page de votre lieu")).to_be_visible()
    screenshot(site_page, "after")
    assert Usage.objects.filter(place=catalogue["place"]).exists()
