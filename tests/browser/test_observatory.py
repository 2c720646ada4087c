"""The observatory in a browser: a coordinator goes from Mon espace to the coverage of their
network, reads the white zones on the map and in the table, runs a what-if by typing a commune
and downloads the CSV; the indicators page with its SVG charts and data tables — accessible on
desktop and phone. Screenshots: var/screenshots/test_observatory_…png (look at them).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.observatory import coverage, selectors
from maillage.places.models import PlaceRole, PlaceType
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A few communes of the Douaisis and around (centres, legal populations rounded).
COMMUNES = [
    ("59178", "Douai", 50.3714, 3.0800, 39700, "200044618", "CA du Douaisis"),
    ("59569", "Sin-le-Noble", 50.3617, 3.1313, 15900, "200044618", "CA du Douaisis"),
    ("59153", "Cuincy", 50.3794, 3.0439, 6400, "200044618", "CA du Douaisis"),
    ("59009", "Arleux", 50.2800, 3.1031, 3000, "200044618", "CA du Douaisis"),
    ("59122", "Cambrai", 50.1760, 3.2347, 31800, "200068500", "CA de Cambrai"),
    ("59015", "Avesnes-le-Sec", 50.2514, 3.3811, 1500, "200068500", "CA de Cambrai"),
    ("59392", "Le Cateau-Cambrésis", 50.1039, 3.5433, 6700, "200068500", "CA de Cambrai"),
    ("59479", "Orchies", 50.4742, 3.2436, 8800, "245901160", "CC Pévèle Carembault"),
]


@pytest.fixture
def observatory(transactional_db):
    coverage.clear_cache()
    selectors.clear_live_cache()
    network = NetworkFactory(name="Réseau du Douaisis", slug="douaisis")
    for code, name, lat, lon, population, epci_code, epci in COMMUNES:
        CommuneFactory(
            code_insee=code, name=name, latitude=lat, longitude=lon, population=population,
            epci_code=epci_code, epci=epci, postal_codes=f"|{code}|",
        )  # fmt: skip
    network.communes.set([code for code, *_rest in COMMUNES])
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    for name, code, lat, lon, kind in [
        ("La Bobine", "59178", 50.3700, 3.0790, PlaceType.COWORKING),
        ("L'Atelier d'Orchies", "59479", 50.4740, 3.2430, PlaceType.FABLAB),
    ]:
        place = PlaceFactory(name=name, commune_id=code, latitude=lat, longitude=lon, types=[kind])
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
        for n in range(6):
            PlaceRole.objects.create(
                place=place, user=UserFactory(), role=PlaceRole.Role.MEMBER if n else PlaceRole.Role.MANAGER
            )  # fmt: skip
    yield {"dora": dora, "network": network}
    coverage.clear_cache()
    selectors.clear_live_cache()


def test_a_coordinator_reads_white_zones_runs_a_what_if_and_downloads_the_csv(
    site_page, live_server, observatory, screenshot, viewport
):
    page = site_page
    log_in_as(page, live_server, observatory["dora"])
    page.goto(reverse("accounts:profile"))
    page.get_by_role("link", name="Couverture et zones blanches").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Couverture du territoire")
    expect(page.locator("#straight-lines")).to_contain_text("lignes droites")
    # White zones at 10 km: Cambrai, Le Cateau, Avesnes-le-Sec and Arleux are beyond.
    expect(page.locator("#white-zones")).to_contain_text("4 communes")
    coverage_map = page.locator("#coverage-map.map-ready")
    expect(coverage_map).to_have_attribute("data-white-count", "4")
    expect(coverage_map).to_have_attribute("data-place-count", "2")
    table = page.locator("#white-table")
    expect(table.locator("tbody tr").first).to_contain_text("Cambrai")
    screenshot(page, "white-zones")
    check_accessibility(page)

    # What if a place opened in Cambrai? Type its name, pick it, simulate at 10 km.
    page.get_by_label("Commune (nom, code postal ou code INSEE)").fill("Camb")
    page.get_by_role("button", name="Cambrai").click()
    page.get_by_role("button", name="Simuler").click()
    result = page.locator("#what-if-result")
    expect(result).to_contain_text("Un lieu à Cambrai")
    # Only Cambrai itself (31,800) comes within 10 km: Avesnes-le-Sec is 13 km away.
    expect(result).to_contain_text("31\u202f800 habitants de plus (1 commune)")
    expect(page.locator("#sites-table tbody tr").first).to_contain_text("Cambrai")
    screenshot(page, "what-if")
    check_accessibility(page)

    with page.expect_download() as info:
        page.locator("#coverage-csv").click()
    download = info.value
    assert download.suggested_filename == "couverture-network-douaisis.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    assert text.splitlines()[0].startswith("code_insee,commune,departement,epci,population")
    assert any(
        line.startswith("59122,Cambrai,") and line.endswith(",oui") for line in text.splitlines()
    )
    assert page.js_errors == []


def test_the_indicators_page_shows_charts_with_their_tables(
    site_page, live_server, observatory, screenshot
):
    page = site_page
    page.goto(reverse("networks:network-detail", args=["douaisis"]))
    page.get_by_role("link", name="Observatoire du réseau : chiffres et couverture").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Observatoire — Réseau du Douaisis"
    )
    expect(page.get_by_role("img", name="Lieux par type")).to_be_visible()
    # A visitor does not see the coordinators' indicators.
    expect(page.get_by_role("heading", name="Fraîcheur des fiches")).to_have_count(0)
    page.locator("summary", has_text="Tableau des données").first.click()
    screenshot(page)
    check_accessibility(page)
    page.get_by_role("link", name="Personnes des lieux").click()
    expect(page.locator("table").first).to_contain_text("Gestionnaires")
    expect(page.locator("#embed-snippet")).to_contain_text("<iframe")
    screenshot(page, "indicator")
    check_accessibility(page)
    assert page.js_errors == []


PHONE_WIDTH = 390

# Measured in the page: whatever sticks out past the screen's right edge, and the size at which
# each chart's text is drawn (its 14-unit font scaled by the SVG's width on screen).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [...document.querySelectorAll('main *')]
    .filter(el => !el.closest('.table-scroll') && !el.closest('.leaflet-container'))
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => el.tagName + (el.id ? '#' + el.id : ''));
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    return {right: box.right, font: 14 * box.width / svg.viewBox.baseVal.width};
  });
  const captions = [...document.querySelectorAll('main caption')]
    .filter(c => c.scrollWidth > c.clientWidth + 1
      || c.getBoundingClientRect().right > Math.min(width, c.closest('.table-scroll')
        ? c.closest('.table-scroll').getBoundingClientRect().right : width) + 1)
    .map(c => c.textContent.trim());
  return {scroll: document.documentElement.scrollWidth, width, outside, charts, captions};
}"""


def fits_a_phone(page):
    found = page.evaluate(MEASURE)
    assert found["width"] == PHONE_WIDTH
    assert found["scroll"] <= PHONE_WIDTH, found
    assert found["outside"] == [], found["outside"]
    assert found["captions"] == [], found["captions"]
    for chart in found["charts"]:
        assert chart["right"] <= PHONE_WIDTH
        assert chart["font"] >= 12, f"chart text drawn at {chart['font']:.1f} px"
    return found


@pytest.mark.parametrize("viewport", ["phone"])
def test_on_a_phone_the_observatory_fits_and_its_wide_tables_scroll_in_place(
    site_page, live_server, observatory, screenshot, viewport
):
    page = site_page
    page.goto(reverse("observatory:scope", args=["reseau", "douaisis"]))
    expect(page.get_by_role("img", name="Lieux par type")).to_be_visible()
    page.locator("summary", has_text="Tableau des données").first.click()
    assert len(fits_a_phone(page)["charts"]) >= 3
    screenshot(page, "indicators")
    check_accessibility(page)

    # An indicator's own page: its chart and its tables.
    page.get_by_role("link", name="Lieux par type").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    fits_a_phone(page)
    screenshot(page, "indicator")
    check_accessibility(page)

    # The coverage: the map as wide as the column, the tables in their own scrolling boxes.
    page.goto(reverse("observatory:coverage", args=["reseau", "douaisis"]))
    coverage_map = page.locator("#coverage-map.map-ready")
    expect(coverage_map).to_have_attribute("data-white-count", "4")
    box = coverage_map.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH and box["height"] >= 200
    fits_a_phone(page)
    white = page.locator(".table-scroll", has=page.locator("#white-table"))
    white.scroll_into_view_if_needed()
    expect(white.locator("tbody tr").first).to_contain_text("Cambrai")
    wrapper = white.evaluate(
        "el => ({right: el.getBoundingClientRect().right, scroll: el.scrollWidth,"
        " client: el.clientWidth, overflow: getComputedStyle(el).overflowX})"
    )
    assert wrapper["right"] <= PHONE_WIDTH and wrapper["overflow"] == "auto"
    if wrapper["scroll"] > wrapper["client"]:  # too wide for the phone: it scrolls in its box
        white.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        expect(white.get_by_role("columnheader", name="Lieu le plus proche")).to_be_in_viewport()
    # Each row stays on one line (a heading or a name never stacked a word per line).
    header = white.get_by_role("columnheader", name="Lieu le plus proche").bounding_box()
    row = white.locator("tbody tr").first.bounding_box()
    assert header["height"] < 50 and row["height"] < 50
    screenshot(page, "coverage")
    check_accessibility(page)
    assert page.js_errors == []
