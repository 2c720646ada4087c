"""A newcomer signs up, lists a place with a space and a machine, and joins a regional network.

Driven through the real pages in a real browser; the ORM is used only to set up the network and
its coordinator, and to read the verification link from the locmem outbox (the live server runs
in a thread of this process, so `django.core.mail.outbox` is the same list).
Screenshots of every step go to var/screenshots/ (test name + step).
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import PASSWORD, UserFactory
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWCOMER = "nina.durand@example.org"
PLACE_NAME = "La Fabrique du Beffroi"


@pytest.fixture
def regional_network(transactional_db):
    """Douai, the "Réseau Hauts-de-France" with a charter, and Dora who coordinates it."""
    CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    network = NetworkFactory(
        name="Réseau Hauts-de-France",
        slug="reseau-hauts-de-france",
        summary="Les tiers-lieux des Hauts-de-France, ensemble.",
        charter="Chaque lieu s'engage à :\n\n1. Accueillir largement\n2. Partager ses outils",
    )
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    return network


def label(text: str) -> re.Pattern[str]:
    """A label as rendered ("Mot de passe :" with a no-break space), matched whole."""
    return re.compile(rf"^\s*{re.escape(text)}\W*$")


def no_break(text: str) -> str:
    """French formatting uses no-break and narrow no-break spaces: compare with plain ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def log_in(page, email: str) -> None:
    page.goto(reverse("account_login"))
    page.get_by_label(label("Courriel")).fill(email)
    page.get_by_label(label("Mot de passe")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("link", name="Mon espace").first).to_be_visible()


def log_out(page) -> None:
    page.get_by_text("Menu", exact=True).click()  # the logout button is in the folding menu
    page.get_by_role("button", name="Se déconnecter").click()
    # allauth may ask to confirm (GET page) or log out straight away.
    confirm = page.get_by_role("main").get_by_role("button", name=re.compile("déconnect", re.I))
    if confirm.count():
        confirm.first.click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_newcomer_lists_a_place_and_joins_a_regional_network(
    site_page, regional_network, screenshot, viewport
):
    page = site_page

    def look(step: str) -> None:
        """Screenshot the step; on a phone, the page must not scroll sideways."""
        screenshot(page, step)
        if viewport == "phone":
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"step {step} scrolls sideways by {overflow}px on a phone"

    network = regional_network

    # 2. Sign up, be told to verify, open the e-mailed link, confirm, log in.
    page.goto(reverse("account_signup"))
    page.get_by_label(label("Courriel")).fill(NEWCOMER)
    page.get_by_label(label("Nom affiché")).fill("Nina Durand")
    page.get_by_label(label("Mot de passe")).fill(PASSWORD)
    page.get_by_label(label("Mot de passe (confirmation)")).fill(PASSWORD)
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    look("1-signup")
    page.get_by_role("main").get_by_role("button", name="Création de compte").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifiez votre adresse")
    look("2-verify")
    assert [message.to for message in mail.outbox] == [[NEWCOMER]]
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(1))
    look("3-confirm")
    page.get_by_role("main").get_by_role("button", name=re.compile("Confirmer")).click()
    # Confirming does not log in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION is off): log in now.
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    log_in(page, NEWCOMER)

    # 3. Create a place; the commune comes from the autocomplete, which also places the marker.
    page.goto(reverse("places:place-create"))
    expect(page.locator("[data-map-edit]")).to_have_class(re.compile(r"\bmap-ready\b"))
    page.get_by_label(label("Nom")).fill(PLACE_NAME)
    page.get_by_label("Fablab / atelier de fabrication").check()
    page.get_by_label(label("Adresse")).fill("3 rue de la Mairie")
    page.get_by_label(label("Commune")).press_sequentially("59500", delay=20)
    suggestion = page.locator("#commune-suggestions").get_by_role("button", name="Douai (59500)")
    suggestion.click()
    expect(page.get_by_label(label("Commune"))).to_have_value("Douai (59500)")
    expect(page.get_by_label(label("Code postal"))).to_have_value("59500")
    expect(page.get_by_label(label("Latitude"))).to_have_value("50.371400")
    expect(page.get_by_label(label("Longitude"))).to_have_value("3.080000")
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    look("4-place-form")
    page.get_by_role("button", name="Créer le lieu").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(PLACE_NAME)
    expect(page.get_by_text(f"Le lieu « {PLACE_NAME} » est créé.")).to_be_visible()
    place_url = page.url

    # 4. A meeting room and a laser cutter, through their forms.
    page.get_by_role("link", name="Ajouter un espace").click()
    page.get_by_label(label("Nom")).fill("Salle du Beffroi")
    page.get_by_label(label("Type d'espace")).select_option(label="Salle de réunion")
    page.get_by_label(label("Capacité (personnes)")).fill("12")
    page.get_by_label(label("Prix pour les non-membres (€)")).fill("15,50")
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    look("5-space-form")
    page.get_by_role("main").get_by_role("button", name="Enregistrer").click()
    assert page.url == place_url

    page.get_by_role("link", name="Ajouter un équipement").click()
    page.get_by_label(label("Nom")).fill("Découpeuse laser")
    page.get_by_label(label("Catégorie")).select_option(
        label="Fabrication numérique (laser, 3D, CNC)"
    )
    page.get_by_label(label("Mode de partage")).select_option(label="Prêt")
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    look("6-equipment-form")
    page.get_by_role("main").get_by_role("button", name="Enregistrer").click()
    assert page.url == place_url

    room = page.locator(
        "section.place-item", has=page.get_by_role("heading", name="Salle du Beffroi")
    )
    expect(room).to_contain_text("Salle de réunion")
    expect(room).to_contain_text("12 personnes")
    assert "15,50 €" in no_break(room.inner_text())
    laser = page.locator(
        "section.place-item", has=page.get_by_role("heading", name="Découpeuse laser")
    )
    expect(laser).to_contain_text("Prêt")
    expect(page.get_by_text("Horaires non renseignés.")).to_be_visible()
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    look("7-place-page")

    # 5. Apply to the network from its page.
    page.goto(network.get_absolute_url())
    page.get_by_role("link", name="Faire adhérer mon lieu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adhérer à Réseau Hauts-de-France")
    expect(page.get_by_text("Partager ses outils")).to_be_visible()
    page.get_by_label(label("Lieu qui adhère")).select_option(label=PLACE_NAME)
    charter_box = page.get_by_label(label("J'accepte la charte"))
    charter_box.check()
    # The box sits on its label's line, not on the next field's.
    box = charter_box.bounding_box()
    text = page.locator("label[for=id_accept_charter]").bounding_box()
    assert box and text and abs(box["y"] + box["height"] / 2 - (text["y"] + text["height"] / 2)) < 8
    page.get_by_label(label("Motivation")).fill("Ouvrir notre atelier aux lieux de la région.")
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    look("8-apply")
    page.get_by_role("button", name="Envoyer la candidature").click()
    expect(
        page.get_by_text(f"La candidature de « {PLACE_NAME} » a été envoyée au réseau.")
    ).to_be_visible()
    look("9-my-memberships")

    # 6. Dora accepts the application from the membership dashboard.
    log_out(page)
    log_in(page, "dora@example.org")
    page.goto(reverse("networks:membership-list", args=[network.slug]))
    card = page.locator("li.card", has=page.get_by_role("link", name=PLACE_NAME))
    expect(card).to_contain_text("Ouvrir notre atelier aux lieux de la région.")
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    look("10-dashboard")
    card.get_by_role("link", name=re.compile("^Accepter…")).click()
    # The confirmation step: the application and what accepting does; nothing changed yet.
    expect(page.locator("h1")).to_contain_text(f"Accepter « {PLACE_NAME} »")
    expect(page.get_by_text("Ouvrir notre atelier aux lieux de la région.")).to_be_visible()
    check_accessibility(page)
    look("10b-accept-confirm")
    page.get_by_role("button", name="Confirmer : accepter l'adhésion").click()
    expect(page.locator("#status-accepted")).to_contain_text(PLACE_NAME)
    look("11-accepted")

    # 7. Anyone sees the place on the network's public page and its map.
    log_out(page)
    page.goto(network.get_absolute_url())
    members = page.locator(".member-list")
    expect(members.get_by_role("link", name=PLACE_NAME)).to_be_visible()
    network_map = page.locator("[data-map-points]").first
    expect(network_map).to_have_class(re.compile(r"\bmap-ready\b"))
    expect(network_map).to_have_attribute("data-marker-count", "1")
    expect(network_map.locator(".leaflet-marker-icon")).to_have_count(1)
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    look("12-network-page")
    assert page.js_errors == []
