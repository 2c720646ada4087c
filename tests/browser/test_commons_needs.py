"""Places' priority needs on a phone: a manager reaches the ranking from the commons' home,
supports another place's need in her place's name, then posts her own from her place's page.
Accessible (axe). Screenshots: var/screenshots/test_a_manager_supports_…png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.commons import needs
from maillage.commons.models import NeedSupport, PriorityNeed
from maillage.networks.models import Membership, MembershipStatus
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_manager_supports_a_need_and_posts_her_own(site_page, live_server, screenshot):
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    hangar = PlaceFactory(name="Le Hangar", slug="le-hangar")
    bobine = PlaceFactory(name="La Bobine", slug="la-bobine")
    hugo = UserFactory(email="hugo@example.org", display_name="Hugo")
    alice = UserFactory(email="alice@example.org", display_name="Alice")
    for place, user in ((hangar, hugo), (bobine, alice)):
        PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MANAGER)
        Membership.objects.create(place=place, network=network, status=MembershipStatus.ACCEPTED)
    need = needs.post_need(
        place=hangar,
        network=network,
        data=needs.NeedData(
            title="Suivre adhésions et cotisations sans tableur partagé", domain="comptabilite"
        ),
        by=hugo,
    )
    log_in_as(site_page, live_server, alice)

    site_page.goto(reverse("commons:list"))
    site_page.get_by_role("link", name="Besoins prioritaires des lieux").click()
    expect(site_page.get_by_role("heading", name=need.title)).to_be_visible()
    site_page.get_by_role("button", name="Soutenir au nom de La Bobine").click()
    expect(site_page.get_by_text("« La Bobine » soutient ce besoin.")).to_be_visible()
    expect(site_page.get_by_text("1 lieu soutient")).to_be_visible()
    assert NeedSupport.objects.filter(need=need, place=bobine).exists()
    screenshot(site_page, "ranking")
    check_accessibility(site_page)

    site_page.get_by_role("link", name="Publier un besoin de mon lieu").click()
    site_page.get_by_label("Le besoin, en une phrase").fill(
        "Un modèle de convention d'occupation temporaire"
    )
    site_page.get_by_role("button", name="Publier le besoin").click()
    expect(site_page.get_by_text("Le besoin est publié")).to_be_visible()
    assert PriorityNeed.objects.filter(place=bobine).count() == 1
    screenshot(site_page, "place")
    check_accessibility(site_page)
    assert site_page.evaluate("document.documentElement.scrollWidth") <= 390
