"""A won answer at phone width: the partners' table scrolls inside its own box (never the page),
the lead records the money won in the budget of a circle she sits in (the only kind offered)
after confirming, then follows the link to that budget. Accessible (axe). Screenshots:
var/screenshots/test_a_won_answer_…png."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.opportunities import services
from maillage.opportunities.tests.factories import CallFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = """() => {
  const box = document.querySelector('.table-scroll');
  const wide = [...document.querySelectorAll('main *')]
    .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > innerWidth + 1)
    .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8);
  return {page: document.documentElement.scrollWidth, inner: box.scrollWidth,
          outer: box.clientWidth, wide: wide};
}"""


def member_places(network, commune, **names: str) -> tuple[dict, dict]:
    """Places of the network in the commune, each run by a manager: {key: person}, {key: place}
    for names given as key="Place name" (the person is key@example.org)."""
    people, places = {}, {}
    for key, name in names.items():
        place = PlaceFactory(name=name, commune=commune)
        person = UserFactory(email=f"{key}@example.org", display_name=key.capitalize())
        PlaceRole.objects.create(place=place, user=person, role=PlaceRole.Role.MANAGER)
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
        people[key], places[key] = person, place
    return people, places


@pytest.fixture
def won(transactional_db):
    amiens = CommuneFactory(code_insee="80021", name="Amiens", postal_codes="|80000|")
    network = NetworkFactory(name="Réseau des tiers-lieux de la Somme", slug="reseau-somme")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    circle = CircleFactory(network=network, name="Cercle du Grand Amiénois", slug="amienois")
    people, places = member_places(
        network,
        amiens,
        alice="La Bobine — tiers-lieu nourricier",
        charlie="Le Hangar, atelier partagé",
        hugo="La Forge numérique",
    )
    call = CallFactory(
        title="Tiers-lieux nourriciers", network=network, funder="Région Hauts-de-France"
    )
    alice = people["alice"]
    CircleMemberFactory(circle=circle, user=alice)
    # A circle Alice does not sit in: its budget is not hers to credit, so it is not offered.
    CircleFactory(network=network, name="Cercle du Vimeu", slug="vimeu")
    answer = services.open_answer(call=call, by=alice, lead_place=places["alice"])
    for key, role in (("charlie", "cocontractor"), ("hugo", "subcontractor")):
        partner = services.invite_partner(answer=answer, by=alice, place=places[key], role=role)
        services.answer_invitation(partner=partner, by=people[key], accept=True)
    parts = [2_500_000, 1_500_000, 500_000]
    shares = dict(zip(answer.partners.values_list("pk", flat=True), parts, strict=True))
    services.split_budget(answer=answer, by=alice, shares=shares)
    services.change_status(answer=answer, by=alice, status="submitted")
    services.change_status(answer=answer, by=alice, status="won", amount_won_cents=4_500_000)
    assert answer.decided_at <= timezone.now()
    return {"answer": answer, "alice": alice, "circle": circle}


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_won_answer_records_its_money_in_a_circle_budget_at_phone_width(
    site_page, live_server, won, screenshot
):
    page, answer, circle = site_page, won["answer"], won["circle"]
    log_in_as(page, live_server, won["alice"])
    page.goto(reverse("opportunities:answer-detail", args=[answer.pk]))
    widths = page.evaluate(WIDTHS)
    screenshot(page, "workspace")
    assert widths["page"] <= 390, widths  # the page never scrolls sideways…
    assert widths["inner"] > widths["outer"], widths  # …the partners' table does, in its box
    screenshot(page, "workspace")
    check_accessibility(page)

    money = page.locator("section", has=page.get_by_role("heading", name="L'argent obtenu"))
    offered = money.get_by_label("Cercle").locator("option").all_inner_texts()
    assert offered == ["Cercle du Grand Amiénois"], offered
    money.get_by_label("Cercle").select_option(label="Cercle du Grand Amiénois")
    money.get_by_label("Montant à enregistrer").fill("45 000,01")
    money.get_by_label("Type de financeur").select_option(label="Région")
    money.get_by_role("button", name="Enregistrer dans le budget…").click()
    expect(page.get_by_text(re.compile(r"Le montant dépasse la somme obtenue"))).to_be_visible()
    money = page.locator("section", has=page.get_by_role("heading", name="L'argent obtenu"))
    money.get_by_label("Montant à enregistrer").fill("45 000")
    money.get_by_role("button", name="Enregistrer dans le budget…").click()
    expect(page.get_by_text("Le montant est versé au compte du cercle")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "confirm")
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer l'enveloppe").click()
    expect(page.get_by_text("La somme est enregistrée dans le budget du cercle")).to_be_visible()
    answer.refresh_from_db()
    assert answer.envelope.amount_cents == 4_500_000 and answer.envelope.circle == circle
    screenshot(page, "recorded")
    # Alice sits in the circle: she is led to its budget, where the envelope shows.
    page.get_by_role("link", name="Voir le budget du cercle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cercle du Grand Amiénois")
    expect(page.get_by_text("Région Hauts-de-France").first).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_dashboard_tables_stay_inside_a_phone(site_page, live_server, won, screenshot):
    page = site_page
    dora = won["answer"].network.roles.get().user
    log_in_as(page, live_server, dora)
    page.goto(reverse("opportunities:dashboard"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page)
    check_accessibility(page)
