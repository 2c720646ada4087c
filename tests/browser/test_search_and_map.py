"""A visitor filters the search list, the map follows the same filters, and a place opens."""

import re

import pytest
from playwright.sync_api import expect

from maillage.directory.search.services import rebuild_search_index
from maillage.places.models import PlaceType
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, open_filters

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory(transactional_db):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    lille = CommuneFactory(
        code_insee="59350", name="Lille", postal_codes="|59000|", latitude=50.6319,
        longitude=3.0575, population=236000,
    )  # fmt: skip
    lab = PlaceFactory(
        name="L'Atelier Commun", slug="atelier-commun", types=[PlaceType.FABLAB],
        commune=douai, latitude=50.372, longitude=3.081, summary="Fablab associatif",
    )  # fmt: skip
    EquipmentFactory(place=lab, name="Découpeuse laser")
    cafe = PlaceFactory(
        name="Le Café Pluriel", slug="cafe-pluriel", types=[PlaceType.CAFE],
        commune=lille, latitude=50.632, longitude=3.058,
    )  # fmt: skip
    SpaceFactory(place=cafe, name="Salle du fond", kind="meeting_room", capacity=30)
    PlaceFactory(
        name="Cowork Gare", slug="cowork-gare", types=[PlaceType.COWORKING],
        commune=lille, latitude=50.636, longitude=3.070,
    )  # fmt: skip
    rebuild_search_index()


def test_filter_the_list_then_the_map_follows_then_open_a_place(site_page, directory, screenshot):
    page = site_page
    page.goto("/recherche/")
    open_filters(page)
    expect(page.locator(".search-total")).to_contain_text("3 lieux trouvés")
    check_accessibility(page)

    # Typing words narrows the list through htmx, and the address bar follows.
    page.get_by_label("Mots-clés").fill("ateliers")
    expect(page.locator(".search-total")).to_contain_text("1 lieu trouvé")
    expect(page.locator(".search-list")).to_contain_text("L'Atelier Commun")
    expect(page).to_have_url(re.compile(r"/recherche/\?q=ateliers$"))

    # A facet: clear the words, pick the café type; its count sat beside it.
    page.get_by_label("Mots-clés").fill("")
    expect(page.locator(".search-total")).to_contain_text("3 lieux trouvés")
    page.locator("details.facet", has_text="Type de lieu").locator("summary").click()
    page.get_by_label(re.compile("Café associatif")).check()
    expect(page.locator(".search-total")).to_contain_text("1 lieu trouvé")
    expect(page).to_have_url(re.compile(r"type=cafe"))
    assert page.js_errors == []
    screenshot(page, "list")

    # The map shows the same filtered places, and changes when a filter changes.
    page.locator("#to-map").click()
    expect(page).to_have_url(re.compile(r"/carte/\?type=cafe"))
    search_map = page.locator("[data-search-map]")
    expect(search_map).to_have_attribute("data-marker-count", "1")
    # The chosen type's group is open already.
    open_filters(page)
    page.get_by_label(re.compile("Café associatif")).uncheck()
    expect(search_map).to_have_attribute("data-marker-count", "3")
    expect(page.locator("#map-status")).to_contain_text("3 lieux")
    screenshot(page, "map")
    check_accessibility(page, exclude=[".leaflet-marker-pane", ".leaflet-control-attribution"])

    # Open a place from the list.
    page.goto("/recherche/?q=cafe")
    page.get_by_role("link", name="Le Café Pluriel").click()
    expect(page).to_have_url(re.compile(r"/lieux/cafe-pluriel/"))
    expect(page.locator("h1")).to_have_text("Le Café Pluriel")
    assert page.js_errors == []
