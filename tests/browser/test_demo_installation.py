"""The demo installation, built by `load_demo` from the real census, reads well in a browser."""

import re

import pytest
from playwright.sync_api import expect

from maillage.demo.selectors import REGIONAL_SLUG
from maillage.demo.services import load_demo
from maillage.networks.models import MembershipStatus, Network
from maillage.places.models import Place
from maillage.territory.services import load_communes
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_communes()
    load_demo()
    return Network.objects.get(slug=REGIONAL_SLUG)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_the_regional_network_page_maps_every_census_place(site_page, demo, screenshot):
    site_page.goto(demo.get_absolute_url())

    network_map = site_page.locator("[data-map-points]").first
    expect(network_map).to_have_class(re.compile(r"\bmap-ready\b"))
    # Accepted members only: the demo's two pending applications are not on the map yet.
    members = demo.memberships.filter(status=MembershipStatus.ACCEPTED).count()
    expect(network_map).to_have_attribute("data-marker-count", str(members))
    # Seventy places in one region: the map groups them into clusters.
    expect(network_map.locator(".marker-cluster").first).to_be_visible()
    screenshot(site_page)
    check_accessibility(site_page)


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_demo_place_page_shows_its_spaces_and_equipment(site_page, demo, screenshot):
    fablab = next(p for p in Place.objects.order_by("name") if p.types == ["fablab"])

    site_page.goto(fablab.get_absolute_url())

    expect(site_page.get_by_role("heading", level=1)).to_have_text(fablab.name)
    expect(site_page.get_by_text("Découpeuse laser").first).to_be_visible()
    screenshot(site_page)
    check_accessibility(site_page)
