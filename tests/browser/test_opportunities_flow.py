"""Opportunities end to end, as issue 17 tells it: a coordinator imports a feed (dry run, then
apply), a place gets the alert, opens an answer, invites two partners found by the partner
search (the directory's search), they accept, the lead splits the budget and marks the answer
submitted (after a confirmation). Accessible (axe) on a phone.
Screenshots: var/screenshots/test_a_coordinator_imports_…png."""

import pathlib
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.directory.search.services import reindex_places
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.opportunities import alerts
from maillage.opportunities.models import Answer, Call, Partner, SavedSearch
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FEED = pathlib.Path(__file__).parents[2] / "maillage/opportunities/tests/data/aap.rss"


@pytest.fixture
def world(transactional_db):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08,
        population=40000,
    )  # fmt: skip
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    network.communes.add(douai)
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    people = {"dora": dora}
    places = {}
    for key, name, types in [
        ("alice", "La Bobine", ["cafe", "food"]),
        ("charlie", "Le Hangar", ["fablab"]),
        ("hugo", "La Forge", ["fablab"]),
    ]:
        place = PlaceFactory(name=name, commune=douai, types=types, latitude=50.37, longitude=3.08)
        person = UserFactory(email=f"{key}@example.org", display_name=key.capitalize())
        PlaceRole.objects.create(place=place, user=person, role=PlaceRole.Role.MANAGER)
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
        people[key], places[key] = person, place
    reindex_places(place_ids=[p.pk for p in places.values()])
    SavedSearch.objects.create(
        user=people["alice"], name="Alimentation", themes=["alimentation"], frequency="weekly"
    )
    return {"network": network, "people": people, "places": places}


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_coordinator_imports_a_feed_and_a_place_answers_with_two_partners(
    site_page, live_server, world, screenshot, settings
):
    settings.SITE_URL = live_server.url
    people, page = world["people"], site_page

    # 1. The coordinator imports a feed file: dry run first, then apply.
    log_in_as(page, live_server, people["dora"])
    page.goto(reverse("opportunities:board"))
    page.get_by_role("link", name="Importer").click()
    page.get_by_label("Format").select_option(label="Flux RSS/Atom")
    page.get_by_label("Ou un fichier").set_input_files(FEED)
    page.get_by_role("button", name="Vérifier (essai à blanc)").click()
    expect(page.get_by_text("Nouveaux : 3")).to_be_visible()
    assert Call.objects.count() == 0
    screenshot(page, "dry-run")
    check_accessibility(page)
    page.get_by_role("button", name="Ajouter 3 appels au tableau").click()
    expect(page.get_by_text("3 appels ajoutés au tableau.")).to_be_visible()
    assert Call.objects.count() == 3

    # 2. The place's manager gets the alert and opens the call.
    alerts.notify_new_matches()
    page.context.clear_cookies()
    log_in_as(page, live_server, people["alice"])
    page.goto(reverse("notifications:list"))
    page.get_by_role("button", name=re.compile("Ouvrir : Alerte « Alimentation »")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tiers-lieux nourriciers")
    screenshot(page, "call")
    check_accessibility(page)

    # 3. She opens an answer, her place leads it.
    page.get_by_role("link", name="Ouvrir une réponse").click()
    page.get_by_label("Nom du projet").fill("Cuisine partagée du Douaisis")
    page.get_by_role("button", name="Ouvrir l'espace de réponse").click()
    expect(page.get_by_text("L'espace de réponse est ouvert")).to_be_visible()
    answer = Answer.objects.get()

    # 4. Two partners found by the partner search (the directory's search).
    for name, role in (("Le Hangar", "Cotraitant"), ("La Forge", "Sous-traitant")):
        page.get_by_label(re.compile("Dans l'annuaire")).fill("fablab")
        page.get_by_role("button", name="Chercher").click()
        card = page.locator("li.card", has=page.get_by_role("link", name=name))
        card.get_by_label("Rôle").select_option(label=role)
        screenshot(page, f"search-{name}")
        card.get_by_role("button", name=f"Inviter {name}").click()
        expect(page.get_by_text(f"{name} est invité")).to_be_visible()
    assert answer.partners.count() == 3
    check_accessibility(page)

    # 5. Both partners accept, from their list of answers.
    for key in ("charlie", "hugo"):
        page.context.clear_cookies()
        log_in_as(page, live_server, people[key])
        page.goto(reverse("opportunities:answers"))
        page.get_by_role("button", name="Accepter").first.click()
        expect(page.get_by_text("Bienvenue dans l'espace de réponse.")).to_be_visible()
    assert not answer.partners.filter(status=Partner.Status.INVITED).exists()

    # 6. The lead splits the budget and marks the answer submitted, after confirming.
    page.context.clear_cookies()
    log_in_as(page, live_server, people["alice"])
    page.goto(reverse("opportunities:answer-detail", args=[answer.pk]))
    page.get_by_label("Part de La Bobine en euros").fill("30 000")
    page.get_by_label("Part de Le Hangar en euros").fill("15000")
    page.get_by_label("Part de La Forge en euros").fill("4 500,50")
    page.get_by_role("button", name="Enregistrer la répartition").click()
    expect(page.get_by_text("La répartition du budget est enregistrée.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^49\s500,50\s€$"))).to_be_visible()
    screenshot(page, "workspace")
    check_accessibility(page)
    page.get_by_label("Nouvel état").select_option(label="Déposée")
    page.get_by_role("button", name="Changer l'état…").click()
    expect(page.get_by_text("Ce changement ne peut pas être annulé.")).to_be_visible()
    screenshot(page, "confirm")
    check_accessibility(page)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("La réponse est maintenant « Déposée ».")).to_be_visible()
    answer.refresh_from_db()
    assert answer.status == "submitted"
    assert sorted(answer.partners.values_list("budget_cents", flat=True)) == [
        450_050,
        1_500_000,
        3_000_000,
    ]
    screenshot(page, "submitted")
