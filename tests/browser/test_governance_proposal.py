"""A collective proposal from start to answer: a place manager opens it in her place's name,
nine other member places support it (the last one in the browser), it lands on the agenda of a
governance meeting, the coordinator records the vote, and a visitor reads the network's answer
on the public page. Every page is checked with axe. Screenshots:
var/screenshots/test_a_proposal_…png."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.governance import debates
from maillage.governance.models import Proposal
from maillage.governance.tests.factories import accept, member_places_with_managers
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(transactional_db):
    CommuneFactory(code_insee="59178", name="Douai", postal_codes="|59500|")
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    coordinator = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR)
    place = PlaceFactory(name="La Bobine", slug="la-bobine")
    alice = UserFactory(email="alice@example.org", display_name="Alice")
    PlaceRole.objects.create(place=place, user=alice, role=PlaceRole.Role.MANAGER)
    accept(network=network, place=place, by=coordinator)
    others = member_places_with_managers(network=network, count=9, by=coordinator)
    space = debates.create_space(
        by=coordinator, network=network, title="Plaidoyer régional", threshold_value=10
    )
    return {"network": network, "coordinator": coordinator, "alice": alice, "others": others,
            "space": space}  # fmt: skip


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_a_proposal_crosses_its_threshold_and_gets_its_answer(
    site_page, live_server, network, screenshot, viewport
):
    page = site_page
    space = network["space"]
    # 1. Alice opens a proposal in her place's name.
    log_in_as(page, live_server, network["alice"])
    page.goto(reverse("governance:space-detail", args=[space.slug]))
    check_accessibility(page)
    page.get_by_role("link", name="Ouvrir un débat ou une proposition").click()
    page.get_by_label("Nature").select_option("request")
    page.get_by_label("Titre").fill("Un fonds régional pour les tiers-lieux ruraux")
    page.locator("#id_body").fill(
        "Nous demandons à la Région un fonds pluriannuel de fonctionnement pour les tiers-lieux ruraux."
    )
    page.get_by_label("Au nom de").select_option(label="La Bobine")
    check_accessibility(page)
    screenshot(page, "1-form")
    page.get_by_role("button", name="Publier").click()
    expect(page.locator("#status")).to_have_text("Ouverte aux soutiens")
    expect(page.get_by_text("1 lieu sur 10 nécessaires")).to_be_visible()
    proposal = Proposal.objects.get()

    # 2. Eight places support through the service, the ninth in the browser.
    for place, manager in network["others"][:8]:
        debates.support(by=manager, proposal=proposal, place=place)
    last_place, last_manager = network["others"][8]
    page.context.clear_cookies()
    log_in_as(page, live_server, last_manager)
    page.goto(reverse("governance:proposal-detail", args=[proposal.slug]))
    check_accessibility(page)
    page.get_by_role("button", name=f"Soutenir au nom de {last_place.name}").click()
    expect(page.locator("#status")).to_have_text("À l'ordre du jour")
    screenshot(page, "2-on-agenda")
    proposal.refresh_from_db()
    meeting = proposal.agenda_item.meeting

    # 3. The coordinator records the vote at the governance meeting.
    page.context.clear_cookies()
    log_in_as(page, live_server, network["coordinator"])
    page.goto(reverse("governance:meeting-list", args=[network["network"].slug]))
    check_accessibility(page)
    page.get_by_role("link", name=meeting.title).click()
    expect(page.get_by_text("Un fonds régional pour les tiers-lieux ruraux")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Mode de décision").select_option("vote")
    page.get_by_label("Issue").select_option("adopted")
    page.get_by_label("Lieux présents ou représentés").fill("8")
    page.locator('input[name$="-votes_for"]').fill("7")
    page.locator('input[name$="-votes_against"]').fill("0")
    page.locator('input[name$="-votes_abstain"]').fill("1")
    page.get_by_label("Réponse publiée").fill("Le réseau porte cette demande auprès de la Région.")
    screenshot(page, "3-meeting")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée")).to_be_visible()

    # 4. A visitor reads the answer on the public page.
    page.context.clear_cookies()
    page.goto(reverse("governance:proposal-detail", args=[proposal.slug]))
    expect(page.locator("#status")).to_have_text("Adoptée")
    expect(page.get_by_text("Le réseau porte cette demande auprès de la Région.")).to_be_visible()
    expect(page.get_by_text("Pour 7, contre 0, abstentions 1.")).to_be_visible()
    expect(
        page.get_by_role("link", name="La position en PDF, à porter aux institutions")
    ).to_be_visible()
    check_accessibility(page)
    screenshot(page, "4-public-answer")
    assert timezone.now()
