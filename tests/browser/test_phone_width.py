"""Phone first: no page of the site is wider than a phone, and lists show results first.

The demo is built (real census, circles, events, mobility, commons) with one place whose
description holds a very long address. Then, as a visitor, a regional coordinator and a place
manager, the crawl follows the site's links from the home page (two clicks, the first page of
each kind), adds pages no short crawl meets (search with filters, the map, a network's roles…),
and opens each at 375 px: the test names every page whose document is wider than the screen.
Screenshots go to var/screenshots/phone/: look at them.
"""

import html
import re
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.demo.circles import load_demo_circles
from maillage.demo.commons import load_demo_commons
from maillage.demo.events import load_demo_events
from maillage.demo.mobility import load_demo_mobility
from maillage.demo.selectors import REGIONAL_SLUG
from maillage.demo.services import load_demo, with_notes
from maillage.places.models import Place
from maillage.territory.services import load_communes
from tests.browser.conftest import ROOT, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
FIRST_SCREEN = 700
SHOTS = ROOT / "var" / "screenshots" / "phone"
DEPTH = 2
SKIPPED = ("/admin/", "/api/", "/media/", "/static/", "/i18n/", "/comptes/logout")
NOT_PAGES = {"healthz", "favicon", "search:map-geojson", "search:embed", "account_logout"}
LONG_URL = (
    "https://www.example.org/tiers-lieux/ressources/documentation-technique/"
    "guide-complet-de-la-gouvernance-partagee-et-des-communs-numeriques-2026.pdf"
    "?jeton=" + "a1b2c3d4e5f6" * 12  # one word, no hyphen to break at
)
PERSONAS = ("Visiteur·se", "Coordination régionale", "Gestion de lieu")
DOWNLOADS = (
    ".csv",
    ".ics",
    ".json",
    ".geojson",
    ".pdf",
    ".xml",
    ".zip",
    ".png",
    ".svg",
    ".rss",
    ".atom",
)
HREF = re.compile(r'href="([^"#]*)')


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_communes()
    summary = load_demo()
    summary.logins += load_demo_circles()
    load_demo_events()
    summary.logins = with_notes(summary.logins, load_demo_mobility())
    summary.logins = with_notes(summary.logins, load_demo_commons())
    place = Place.objects.order_by("name").first()
    place.description = f"Notre documentation : {LONG_URL}\n\nVoir aussi {LONG_URL}#annexe"
    place.save()
    summary.long_place = place
    return summary


def page_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def pages_to_check(client: Client, extra: list[str]) -> dict[str, str]:
    """The first page of each kind (URL name → path) reached from home in DEPTH clicks."""
    pages: dict[str, str] = {"home": "/"}
    seen = {"/"}
    queue = deque([("/", 0)])
    while queue:
        path, depth = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            link = urlsplit(html.unescape(href))
            if link.scheme not in ("", "http") or link.netloc not in ("", "testserver"):
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            if not target.startswith("/") or target.startswith(SKIPPED) or target in seen:
                continue
            seen.add(target)
            name = page_name(link.path)
            if name is None or name in NOT_PAGES or name in pages:
                continue
            pages[name] = target
            if depth + 1 < DEPTH:
                queue.append((target, depth + 1))
    for path in extra:
        if path not in pages.values():
            pages[path] = path
    return pages


def log_in(page: Any, client: Client, live_server: Any, email: str | None) -> None:
    client.logout()
    page.context.clear_cookies()
    if email is None:
        return
    client.force_login(User.objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def shot_name(persona: str, path: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{persona} {path}".lower()).strip("-")
    return f"{slug[:120]}.png"


@pytest.mark.parametrize("viewport", ["phone"])
def test_no_page_is_wider_than_a_phone(site_page, demo, live_server, client):
    started = time.monotonic()
    page = site_page
    page.set_viewport_size(PHONE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    extra = [
        demo.long_place.get_absolute_url(),
        reverse("networks:network-roles", args=[REGIONAL_SLUG]),
        reverse("networks:network-list"),
        reverse("search:search") + "?q=atelier&near=Lille&type=fablab",
        reverse("search:map") + "?q=coworking",
        reverse("events:agenda") + "?mode=en-ligne",
        reverse("events:agenda") + "?vue=semaine",
        reverse("events:agenda") + "?vue=mois",
        reverse("places:place-list") + "?department=59",
    ]
    too_wide: list[str] = []
    checked = 0
    for persona in PERSONAS:
        email = None
        if persona != "Visiteur·se":
            email = next(login.email for login in demo.logins if login.role.startswith(persona))
        log_in(page, client, live_server, email)
        for name, path in pages_to_check(client, extra).items():
            if urlsplit(path).path.endswith(DOWNLOADS):
                continue
            try:
                response = page.goto(path)
            except PlaywrightError as error:  # a download behind a page-like address
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or response.status >= 400:
                continue
            checked += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{persona}: {path} ({name}) is {width} px wide")
                page.screenshot(path=SHOTS / shot_name(persona, path), full_page=True)
            elif persona == "Visiteur·se" or name.startswith(("networks", "places", "search")):
                page.screenshot(path=SHOTS / shot_name(persona, path))
    print(f"{checked} pages checked at {PHONE['width']} px in {time.monotonic() - started:.0f} s")
    assert not too_wide, "Pages wider than a phone:\n" + "\n".join(too_wide)


FIRST_RESULTS = {
    "/recherche/": ".search-list > li",
    "/recherche/?q=tiers-lieu": ".search-list > li",
    "/agenda/": "#results .card, #results li, #results article",
    "/agenda/?mode=en-ligne": "#results .card, #results li, #results article",
    "/lieux/": ".place-cards > li",
}


@pytest.fixture
def listed(transactional_db):
    load_communes()
    load_demo()
    load_demo_events()


@pytest.mark.parametrize("viewport", ["phone"])
def test_lists_show_their_first_result_within_the_first_screen(site_page, listed):
    site_page.set_viewport_size(PHONE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    late: list[str] = []
    for path, first_result in FIRST_RESULTS.items():
        site_page.goto(path)
        result = site_page.locator(first_result).first
        result.wait_for()
        top = result.bounding_box()["y"]
        site_page.screenshot(path=SHOTS / shot_name("first-screen", path))
        if top >= FIRST_SCREEN:
            late.append(f"{path}: the first result starts {top:.0f} px down")
        summary = site_page.locator("details.filters-fold > summary").first
        assert summary.is_visible(), f"{path}: no visible filter toggle"
        assert site_page.locator("details.filters-fold").first.get_attribute("open") is None
        check_accessibility(site_page)
    assert not late, "Results below the first screen:\n" + "\n".join(late)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_filters_stay_open_beside_the_results_on_a_wide_screen(site_page, listed):
    site_page.goto("/recherche/?q=coworking&type=coworking")
    expect(site_page.locator("details.filters-fold")).to_have_attribute("open", "")
    expect(site_page.get_by_label("Mots-clés")).to_be_visible()
    expect(site_page.get_by_role("link", name="Effacer les 2 filtres actifs")).to_be_visible()
    site_page.set_viewport_size(PHONE)
    site_page.reload()
    expect(site_page.get_by_text("Filtres (2 actifs)")).to_be_visible()
    expect(site_page.get_by_label("Mots-clés")).to_be_hidden()
    site_page.get_by_text("Filtres (2 actifs)").click()
    expect(site_page.get_by_label("Mots-clés")).to_have_value("coworking")
    site_page.get_by_role("link", name="Effacer les 2 filtres actifs").click()
    expect(site_page).to_have_url(re.compile(r"/recherche/$"))
