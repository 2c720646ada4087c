"""A participant proposes spending for an action, a regulation meeting grants part of it, the
contributor files an expense with its receipt, the soucieux·se approves it, and the public
transparency page shows the line with its decision.

Desktop and phone: every page accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_budget_goes_from_proposal_to_transparency-<viewport>-<step>.png.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.circles import budget_services, meeting_services
from maillage.circles.models import (
    CircleRole,
    Decision,
    Expense,
    FunderKind,
    Meeting,
    Proposal,
)
from maillage.circles.tests.factories import (
    ONE_PAGE_PDF,
    ActionFactory,
    CircleFactory,
    CircleMemberFactory,
)
from maillage.ledger.models import Transfer
from maillage.networks.models import Membership, MembershipStatus
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A PDF a reader opens (uploads are checked by opening them).
RECEIPT = ONE_PAGE_PDF


@pytest.fixture
def circle_world(transactional_db):
    douai = CommuneFactory(code_insee="59178", name="Douai", latitude=50.3714, longitude=3.08)
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    bobine = PlaceFactory(name="La Bobine", slug="la-bobine", commune=douai)
    Membership.objects.create(network=network, place=bobine, status=MembershipStatus.ACCEPTED)
    circle = CircleFactory(
        network=network, name="Cercle du Douaisis", slug="douaisis", quorum_minimum=2
    )
    circle.communes.add(douai)
    circle.places.add(bobine)
    people = {}
    for name, role in [
        ("Bob", CircleRole.PARTICIPANT),
        ("Fanny", CircleRole.CONTRIBUTOR),
        ("Gaston", CircleRole.STEWARD),
    ]:
        user = UserFactory(email=f"{name.lower()}@example.org", display_name=name)
        PlaceRole.objects.create(place=bobine, user=user, role=PlaceRole.Role.MEMBER)
        CircleMemberFactory(circle=circle, user=user, role=role)
        people[name] = user
    action = ActionFactory(circle=circle, title="Guide des tiers-lieux du Douaisis")
    action.owners.add(people["Fanny"])
    budget_services.record_envelope(
        circle=circle,
        year=timezone.localdate().year,
        funder_kind=FunderKind.REGION,
        funder="Région Hauts-de-France",
        amount_cents=1_000_000,
        by=None,
    )
    meeting = meeting_services.schedule_meeting(
        circle=circle,
        by=people["Gaston"],
        title="Réunion de régulation de printemps",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
    )
    return {"circle": circle, "meeting": meeting, **people}


def page_is_fine(page, screenshot, viewport, step):
    expect(page.locator("h1")).to_have_count(1)
    screenshot(page, step)
    check_accessibility(page)
    assert labels_away_from_their_fields(page) == []
    assert page.js_errors == []
    if viewport == "phone":
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{step} scrolls sideways by {overflow}px on a phone"


def act_as(page, live_server, user):
    page.context.clear_cookies()
    log_in_as(page, live_server, user)


def test_budget_goes_from_proposal_to_transparency(
    site_page, live_server, circle_world, screenshot, viewport
):
    page, world = site_page, circle_world
    slug, meeting = "douaisis", world["meeting"]

    # 1. Bob, a participant, asks 3 000 € for Fanny's work on the guide.
    act_as(page, live_server, world["Bob"])
    page.goto(reverse("circles:proposal-create", args=[slug]))
    page_is_fine(page, screenshot, viewport, "1-propose")
    page.get_by_label("Action du programme").select_option(
        label="Guide des tiers-lieux du Douaisis"
    )
    page.get_by_label("Objet").fill("Rédaction du guide")
    page.get_by_label("Montant demandé").fill("3000")
    page.get_by_role("radio", name="Une personne en rôle rémunéré").check()
    page.get_by_role("combobox", name="Personne en rôle rémunéré").select_option(label="Fanny")
    page.get_by_label("Justification").fill("Vingt jours d'enquête et d'écriture.")
    page.get_by_role("button", name="Déposer la proposition").click()
    expect(page.locator("h1")).to_contain_text("Rédaction du guide")
    proposal = Proposal.objects.get()

    # 2. Gaston, soucieux, runs the meeting: agenda, presence, opening, a grant of 2 500 €.
    act_as(page, live_server, world["Gaston"])
    meeting_url = reverse("circles:meeting-detail", args=[slug, meeting.pk])
    page.goto(meeting_url)
    page.get_by_label("Inscrire un point").select_option(f"proposal:{proposal.pk}")
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.get_by_text("Le point est inscrit à l'ordre du jour.")).to_be_visible()
    for name in ("Bob", "Fanny", "Gaston"):
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Les présences sont enregistrées.")).to_be_visible()
    page.get_by_role("button", name="Ouvrir la réunion").click()
    expect(page.get_by_text("La réunion est ouverte : à vous de décider.")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "2-meeting")
    page.get_by_role("link", name=re.compile("^Décider")).click()
    page.get_by_label("Consentement").check()
    page.get_by_label("Montant accordé").fill("2500")
    page.get_by_label("Enveloppe").select_option(index=1)
    page_is_fine(page, screenshot, viewport, "3-decide")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée : adoptée.")).to_be_visible()
    page.get_by_role("link", name="Clore la réunion…").click()
    # The confirmation step: what closing does, before it is done.
    expect(page.get_by_text("Plus aucune décision ne pourra être prise")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "3b-close-confirm")
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.OPEN
    page.get_by_role("button", name="Confirmer : clore la réunion").click()
    expect(page.get_by_text("La réunion est close ; son compte rendu est prêt.")).to_be_visible()
    decision = Decision.objects.get(proposal=proposal)
    assert decision.amount_granted_cents == 250_000

    # 3. Fanny files 1 000 € with her invoice.
    act_as(page, live_server, world["Fanny"])
    page.goto(reverse("circles:expense-create", args=[slug, proposal.pk]))
    page_is_fine(page, screenshot, viewport, "4-expense")
    page.get_by_label("Montant").fill("1000")
    page.get_by_label("Objet de la dépense").fill("Premiers chapitres")
    page.get_by_label("Justificatif").set_input_files(
        files=[{"name": "facture.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}]
    )
    page.get_by_role("button", name="Déclarer la dépense").click()
    expect(page.locator("h1")).to_contain_text("Premiers chapitres")
    expense = Expense.objects.get()

    # 4. Gaston approves it: the ledger pays Fanny from the circle's account.
    act_as(page, live_server, world["Gaston"])
    page.goto(reverse("circles:expense-detail", args=[slug, expense.pk]))
    page.get_by_role("link", name=re.compile("^Valider et payer")).click()
    # The confirmation step shows the amount and what follows; nothing is paid yet.
    expect(page.locator("h1")).to_have_text(re.compile("^Payer 1\u202f000\u00a0€ à Fanny"))
    expect(page.get_by_text("quittent tout de suite le compte du cercle")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "4b-pay-confirm")
    assert not Transfer.objects.caused_by(expense).exists()
    page.get_by_role("button", name="Confirmer : payer 1\u202f000\u00a0€").click()
    expect(page.get_by_text("Validée et payée").first).to_be_visible()
    assert Transfer.objects.caused_by(expense).get().authority == decision

    # 5. Anyone sees the line on the transparency page, with its decision.
    page.context.clear_cookies()
    page.goto(reverse("circles:transparency", args=[slug]))
    page_is_fine(page, screenshot, viewport, "5-transparency")
    row = page.locator("tr", has_text="Rédaction du guide")
    expect(row).to_contain_text("2\u202f500\u00a0€")
    expect(row).to_contain_text("1\u202f000\u00a0€")
    expect(page.get_by_role("img", name=re.compile("^Tout le cercle"))).to_be_visible()
    row.get_by_role("link", name=re.compile("^Décision du")).click()
    expect(page).to_have_url(re.compile(rf"/decisions/{decision.pk}/$"))
    page_is_fine(page, screenshot, viewport, "6-decision")
