"""A support request end to end, as the issue tells it: a place asks for help on its business
model, the guide sees a peer and a professional suggested (the peer first, with the reason), assigns
the peer, the peer takes it on from the e-mail's signed link without an account, and the request
closes with its outcome and the time spent. Accessible (axe) on a phone.
Screenshots: var/screenshots/test_a_place_gets_a_peer_…png."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.accounts.tests.factories import UserFactory
from maillage.governance.models import VolunteerEntry
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.notifications.models import OutgoingEmail
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.services.models import Accompanist, PeerProfile, PlaceExperience, SupportRequest
from maillage.services.similar import refresh_features
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08,
        population=40000,
    )  # fmt: skip
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    network.communes.add(douai)
    guide = UserFactory(email="gaelle@example.org", display_name="Gaëlle")
    NetworkRole.objects.create(network=network, user=guide, role=NetworkRole.Role.GUIDE)
    alice = UserFactory(email="alice@example.org", display_name="Alice")
    bobine = PlaceFactory(name="La Bobine", slug="la-bobine", commune=douai)
    PlaceRole.objects.create(place=bobine, user=alice, role=PlaceRole.Role.MANAGER)
    Membership.objects.create(
        network=network, place=bobine, status=MembershipStatus.ACCEPTED, applied_by=alice,
        decided_at=timezone.now(),
    )  # fmt: skip
    charlie = UserFactory(email="charlie@example.org", display_name="Charlie")
    hangar = PlaceFactory(
        name="Le Hangar", slug="le-hangar", commune=douai, latitude=50.30, longitude=3.20
    )
    PlaceRole.objects.create(place=hangar, user=charlie, role=PlaceRole.Role.MANAGER)
    Membership.objects.create(
        network=network, place=hangar, status=MembershipStatus.ACCEPTED, applied_by=charlie,
        decided_at=timezone.now(),
    )  # fmt: skip
    PeerProfile.objects.create(
        place=hangar, experiences=["modele-economique"],
        experience_note="Passés à 60 % de recettes propres en trois ans",
    )  # fmt: skip
    PlaceExperience.objects.create(place=hangar, topic="modele-economique")
    refresh_features([bobine.pk, hangar.pk])
    mathieu = UserFactory(email="mathieu@example.org", display_name="Mathieu")
    Accompanist.objects.create(
        network=network, user=mathieu, name="Mathieu Conseil", kind="consultant",
        bio="Consultant.", specialities=["modele-economique"], departments=["59"],
        rates="600 € la journée", status=Accompanist.Status.ACCEPTED,
    )  # fmt: skip
    return {"guide": guide, "alice": alice}


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_place_gets_a_peer_and_a_professional_and_the_peer_helps(
    site_page, live_server, world, screenshot, settings
):
    settings.SITE_URL = live_server.url
    page = site_page
    log_in_as(page, live_server, world["alice"])
    page.goto(reverse("services:catalogue"))
    page.get_by_role("link", name="Demander de l'aide").first.click()
    page.get_by_label("Sur quoi avez-vous besoin d'aide ?").select_option("modele-economique")
    page.get_by_label("Votre besoin, avec vos mots").fill(
        "Notre café ne couvre pas ses charges : comment construire des recettes propres ?"
    )
    page.get_by_label("Pour le lieu").select_option(label="La Bobine")
    screenshot(page, "1-ask")
    check_accessibility(page)
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_text("Demande envoyée")).to_be_visible()
    request = SupportRequest.objects.get()

    page.context.clear_cookies()
    log_in_as(page, live_server, world["guide"])
    page.goto(reverse("services:requests"))
    page.get_by_role("link", name=re.compile("Modèle économique — La Bobine")).click()
    candidates = page.locator(".choice-list li")
    expect(candidates).to_have_count(2)
    expect(candidates.nth(0)).to_contain_text("Le Hangar")
    expect(candidates.nth(0)).to_contain_text("a déjà traversé « Modèle économique »")
    expect(candidates.nth(1)).to_contain_text("Mathieu Conseil")
    expect(candidates.nth(1)).to_contain_text("Professionnel·le")
    screenshot(page, "2-ranked")
    check_accessibility(page)
    page.get_by_label(re.compile("Le Hangar")).check()
    page.get_by_role("button", name=re.compile("Proposer")).click()
    expect(page.get_by_text("reçoivent un e-mail")).to_be_visible()

    mail = OutgoingEmail.objects.get(to__contains="charlie@example.org")
    link = re.search(r"https?://\S+/services/reponse/\S+/", mail.body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_label("Je prends en charge").check()
    page.get_by_label("Un mot pour la personne (facultatif)").fill("Je vous appelle jeudi.")
    page.get_by_label("Temps bénévole donné (minutes)").fill("90")
    screenshot(page, "3-helper-link")
    check_accessibility(page)
    page.get_by_role("button", name="Répondre").click()
    expect(page.get_by_text("votre réponse est transmise")).to_be_visible()
    request.refresh_from_db()
    assert request.status == "taken"

    log_in_as(page, live_server, world["guide"])
    page.goto(reverse("services:request-detail", args=[request.pk]))
    page.get_by_role("link", name="Clôturer la demande").click()
    page.get_by_label("Issue").select_option("solved")
    page.get_by_label("Ce qui s'est passé").fill("Grille tarifaire revue avec Le Hangar.")
    page.get_by_label("Temps passé en tout (minutes)").fill("150")
    page.get_by_role("button", name="Continuer").click()
    screenshot(page, "4-confirm")
    page.get_by_role("button", name="Clôturer").click()
    expect(page.get_by_text("La demande est clôturée")).to_be_visible()
    expect(page.get_by_text("150 minutes")).to_be_visible()
    screenshot(page, "5-closed")
    check_accessibility(page)
    request.refresh_from_db()
    assert (request.status, request.outcome, request.time_spent_minutes) == (
        "closed",
        "solved",
        150,
    )
    assert request.answered_by_kind == "peer"
    assert request.proposals.get().volunteer_minutes == 90

    # The peer who helped declares that time as volunteering, with a confirmation.
    page.context.clear_cookies()
    log_in_as(page, live_server, User.objects.get(email="charlie@example.org"))
    page.goto(reverse("services:request-detail", args=[request.pk]))
    page.get_by_role("link", name="Déclarer ce temps comme bénévolat").click()
    expect(page.get_by_label("Temps donné (minutes)")).to_have_value("90")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Soutien à un pair")).to_be_visible()
    screenshot(page, "6-volunteering")
    page.get_by_role("button", name="Déclarer").click()
    expect(page.get_by_text("votre temps est déclaré")).to_be_visible()
    screenshot(page, "7-declared")
    check_accessibility(page)
    entry = VolunteerEntry.objects.get()
    assert (entry.activity, entry.minutes, entry.status) == ("peer", 90, "pending")
