"""Animation and communication as people use them: a coordinator builds a rota for the
facilitator, a place offers to swap a slot and the other place accepts, the place's public page
then says when the facilitator comes, and an event's share card renders. Every page is
accessible (axe). Screenshots: var/screenshots/test_communication_…png."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.communication.models import Permanence, Swap
from maillage.events.services import EventData, create_event
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(transactional_db):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    people = {
        "dora": UserFactory(email="dora@example.org", display_name="Dora"),
        "fanny": UserFactory(email="fanny@example.org", display_name="Fanny"),
        "alice": UserFactory(email="alice@example.org", display_name="Alice"),
        "charlie": UserFactory(email="charlie@example.org", display_name="Charlie"),
    }
    NetworkRole.objects.create(
        network=network, user=people["dora"], role=NetworkRole.Role.COORDINATOR
    )
    for name, slug, manager in (
        ("La Bobine", "la-bobine", "alice"),
        ("Le Hangar", "le-hangar", "charlie"),
    ):
        place = PlaceFactory(name=name, slug=slug, commune=douai)
        PlaceRole.objects.create(place=place, user=people[manager], role=PlaceRole.Role.MANAGER)
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
    return {"network": network, **people}


@pytest.mark.parametrize("viewport", ["desktop"])
def test_a_rota_is_built_a_slot_swapped_and_the_place_page_and_share_card_show(
    site_page, live_server, network, screenshot, viewport
):
    page = site_page
    today = timezone.localdate()
    # 1. The coordinator builds the rota.
    log_in_as(page, live_server, network["dora"])
    page.goto(reverse("communication:network-permanences", args=["reseau-hdf"]))
    page.get_by_role("link", name="Nouvelle tournée").click()
    page.get_by_label("Intitulé").fill("Tournée d'hiver")
    page.get_by_label("E-mail de l'animateur·rice").fill("fanny@example.org")
    page.get_by_label("Rythme").select_option("weekly")
    page.get_by_label("À partir du").fill(today.isoformat())
    page.get_by_label("Jusqu'au").fill((today + datetime.timedelta(days=56)).isoformat())
    page.get_by_label("Coût du poste sur la période").fill("1 200")
    check_accessibility(page)
    page.get_by_role("button", name="Créer la tournée").click()
    expect(page.get_by_role("heading", name="Tournée d'hiver")).to_be_visible()
    for place, day, half in (("La Bobine", "3", "am"), ("Le Hangar", "1", "pm")):
        page.locator("#id_slot-place").select_option(label=place)
        page.locator("#id_slot-weekday").select_option(day)
        page.locator("#id_slot-half").select_option(half)
        page.locator("#id_slot-purpose").fill("Accueil et agenda")
        page.get_by_role("button", name="Ajouter le créneau").click()
        expect(page.get_by_text("Créneau ajouté.")).to_be_visible()
    page.get_by_role("button", name="Planifier les permanences").click()
    expect(page.get_by_text("permanences planifiées")).to_be_visible()
    screenshot(page, "rota")
    check_accessibility(page)
    assert Permanence.objects.filter(place__slug="la-bobine").count() >= 7

    # 2. Le Hangar offers its first slot for La Bobine's; La Bobine accepts.
    log_in_as(page, live_server, network["charlie"])
    page.goto(reverse("communication:place-permanences", args=["le-hangar"]))
    check_accessibility(page)
    page.get_by_role("link", name="échanger").first.click()
    wanted = Permanence.objects.filter(place__slug="la-bobine", date__gt=today).order_by("date")[1]
    page.get_by_label("Contre la permanence de").select_option(str(wanted.pk))
    page.get_by_label("Message à l'autre lieu").fill("Notre salle est prise ce jour-là.")
    page.get_by_role("button", name="Proposer l'échange").click()
    expect(page.get_by_text("Échange proposé")).to_be_visible()
    log_in_as(page, live_server, network["alice"])
    page.goto(reverse("communication:place-permanences", args=["la-bobine"]))
    expect(page.get_by_text("Notre salle est prise ce jour-là.")).to_be_visible()
    screenshot(page, "swap-to-accept")
    check_accessibility(page)
    page.get_by_role("button", name="Accepter l'échange").click()
    expect(page.get_by_text("Échange accepté.")).to_be_visible()
    assert Swap.objects.get().status == "accepted"
    wanted.refresh_from_db()
    assert wanted.place.slug == "le-hangar"

    # 3. Anyone reads on La Bobine's page when the facilitator comes next.
    page.context.clear_cookies()
    page.goto(reverse("places:place-detail", args=["la-bobine"]))
    section = page.locator(".next-permanences")
    expect(section.get_by_text("Fanny est là").first).to_be_visible()
    # The half day La Bobine gave away in the swap is no longer on its page.
    expect(section.locator(f'a[href$="/permanences/{wanted.pk}/"]')).to_have_count(0)
    screenshot(page, "place-page")
    check_accessibility(page)

    # 4. An event's share card renders.
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)
    event = create_event(
        by=network["dora"],
        owner=network["network"],
        data=EventData(kind="rencontre", title="Apéro des tiers-lieux", starts_at=start,
                       ends_at=start + datetime.timedelta(hours=2), address="Place d'Armes, Douai"),
    )  # fmt: skip
    page.goto(reverse("events:event-detail", args=[event.slug]))
    assert page.locator('meta[property="og:image"]').get_attribute("content").endswith("/og.png")
    page.get_by_role("link", name="Partager").click()
    card = page.get_by_role(
        "img", name="Carte « Apéro des tiers-lieux » pour Open Graph, Facebook, LinkedIn, Mastodon"
    )
    expect(card).to_be_visible()
    card.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=card.element_handle()
    )
    assert page.evaluate("(img) => img.naturalWidth", card.element_handle()) == 1200
    screenshot(page, "share")
    check_accessibility(page)
    page.goto(reverse("communication:card", args=[event.slug, "og"]))
    screenshot(page, "card")
