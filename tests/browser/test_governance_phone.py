"""Legitimacy on a phone (390 px): a network's elections, an election in each state (call for
candidacies, vote open with the place's ballot, closed with its results), who speaks for whom,
the charter and what changed between two versions fit the screen and pass axe.
Screenshots: var/screenshots/test_governance_phone_…png."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.governance import elections
from maillage.governance.models import CharterVersion
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
OLD = (
    "Nous ouvrons nos portes à toutes et à tous, sans condition.\n"
    "Nous partageons nos outils, nos espaces et nos machines entre lieux du réseau.\n"
    "Nous décidons ensemble, au consentement, des orientations du réseau."
)
NEW = (
    "Nous ouvrons nos portes à toutes et à tous, sans condition.\n"
    "Nous partageons nos outils, nos espaces, nos machines et nos savoirs entre lieux du réseau.\n"
    "Nous décidons ensemble, au consentement, des orientations du réseau.\n"
    "Nous rendons compte chaque année de l'usage des fonds communs."
)
STATEMENT = (
    "Je porterai la voix des lieux ruraux auprès de la Région et rendrai compte de chaque "
    "réunion dans l'espace de débat du réseau, chaque trimestre."
)


@pytest.fixture
def world(transactional_db):
    network = NetworkFactory(name="Réseau des tiers-lieux des Hauts-de-France", slug="reseau-hdf")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    managers = []
    for name, person in (
        ("La Bobine", "Alice"),
        ("Le Hangar à idées partagées de la vallée", "Charlie-Emmanuelle Delacroix-Vasseur"),
        ("La Ferme du Bocage", "Bruno"),
    ):
        place = PlaceFactory(name=name)
        manager = UserFactory(email=f"{person[:5].lower()}@example.org", display_name=person)
        PlaceRole.objects.create(place=place, user=manager, role=PlaceRole.Role.MANAGER)
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
        managers.append((place, manager))
    (alices, alice), (charlies, charlie), (brunos, bruno) = managers
    CharterVersion.objects.create(network=network, number=1, text=OLD)
    CharterVersion.objects.create(
        network=network,
        number=2,
        text=NEW,
        adopted_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    network.charter, network.charter_version = NEW, 2
    network.save(update_fields=["charter", "charter_version"])

    def election(mandate, *people):
        found = elections.create_election(
            by=dora,
            network=network,
            mandate=mandate,
            seats=2,
            term_months=24,
            description="Représenter les lieux du réseau et rendre compte de chaque rencontre.",
        )
        for someone in people:
            elections.stand(by=someone, election=found, statement=STATEMENT)
        return found

    closed = election("Délégué·es auprès de la Région Hauts-de-France", alice, charlie, bruno)
    elections.open_voting(by=dora, election=closed)
    standing = {c.person_id: c for c in elections.standing(closed)}
    for place, manager, chosen in (
        (alices, alice, [alice, charlie]),
        (charlies, charlie, [charlie]),
        (brunos, bruno, [alice, bruno]),
    ):
        elections.cast_ballot(
            by=manager,
            election=closed,
            place=place,
            candidacies=[standing[p.pk] for p in chosen],
        )
    elections.close_election(by=dora, election=closed)
    voting = election("Délégué·es au comité de suivi du fonds régional", charlie, bruno)
    elections.open_voting(by=dora, election=voting)
    calling = election("Délégué·e auprès du Département du Nord", charlie)
    return {
        "network": network,
        "dora": dora,
        "alice": alice,
        "closed": closed,
        "voting": voting,
        "calling": calling,
    }


def check_phone_page(page, screenshot, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: {width} px wide"
    assert not labels_away_from_their_fields(page), name
    screenshot(page, name)
    check_accessibility(page)


@pytest.mark.parametrize("viewport", ["phone"])
def test_election_pages_fit_a_phone(site_page, live_server, world, screenshot, viewport):
    page = site_page
    log_in_as(page, live_server, world["alice"])
    page.goto(reverse("governance:election-list", args=[world["network"].slug]))
    check_phone_page(page, screenshot, "election-list")
    page.goto(reverse("governance:election-detail", args=[world["calling"].pk]))
    expect(page.get_by_label("Profession de foi")).to_be_visible()
    check_phone_page(page, screenshot, "election-candidacies")
    page.goto(reverse("governance:election-detail", args=[world["voting"].pk]))
    expect(page.get_by_role("button", name="Voter")).to_be_visible()
    check_phone_page(page, screenshot, "election-voting")
    page.goto(reverse("governance:election-detail", args=[world["closed"].pk]))
    expect(page.get_by_role("heading", name="Résultats")).to_be_visible()
    # The status, not Django's "Fermer" (a button's label) for the same word.
    expect(page.locator("#status")).to_have_text("Close")
    check_phone_page(page, screenshot, "election-closed")
    page.goto(reverse("governance:delegates"))
    expect(page.get_by_text("Alice").first).to_be_visible()
    check_phone_page(page, screenshot, "delegates")


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_charter_and_its_diff_fit_a_phone(site_page, live_server, world, screenshot, viewport):
    page = site_page
    slug = world["network"].slug
    page.goto(reverse("governance:charter", args=[slug]))
    check_phone_page(page, screenshot, "charter")
    page.goto(reverse("governance:charter", args=[slug]) + "?de=1&a=2")
    expect(page.get_by_text("Nous rendons compte chaque année").last).to_be_visible()
    check_phone_page(page, screenshot, "charter-diff")
