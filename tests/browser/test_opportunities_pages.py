"""Every page of opportunities at phone width (390 px), as a place's manager and as the
network's coordinator, with long real-looking titles: no page scrolls sideways (tables scroll in
their own box), every page passes axe. Screenshots: var/screenshots/test_every_opportunity_…png."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.networks.models import NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.opportunities import services
from maillage.opportunities.models import Call
from maillage.opportunities.tests.factories import CallFactory, SavedSearchFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility
from tests.browser.test_manager_pages_accessible import log_in_as
from tests.browser.test_opportunities_money import member_places

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The elements of <main> reaching past the screen, outside a box that scrolls on its own.
WIDE = """() => [...document.querySelectorAll('main *')]
  .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"""


@pytest.fixture
def world(transactional_db):
    amiens = CommuneFactory(
        code_insee="80021",
        name="Amiens",
        postal_codes="|80000|",
        department_code="80",
        department="Somme",
    )
    network = NetworkFactory(name="Réseau des tiers-lieux de la Somme", slug="reseau-somme")
    network.communes.add(amiens)
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    people, places = member_places(
        network,
        amiens,
        alice="La Bobine — tiers-lieu nourricier et fabrique de territoire",
        charlie="Le Hangar, atelier partagé de l'Amiénois",
    )
    people["dora"] = dora
    alice, charlie = people["alice"], people["charlie"]
    circle = CircleFactory(network=network, name="Cercle du Grand Amiénois", slug="amienois")
    CircleMemberFactory(circle=circle, user=alice)
    common = {"network": network, "scope": "local", "department_codes": ["80"]}
    common_with_amiens = {**common, "commune_codes": ["80021"]}
    call = CallFactory(
        title="Appel à manifestation d'intérêt « Fabriques de territoire » : tiers-lieux "
        "structurants des quartiers prioritaires et des territoires ruraux",
        slug="fabriques-de-territoire",
        funder="Agence nationale de la cohésion des territoires (ANCT) et Banque des Territoires",
        summary="Soutien au fonctionnement des tiers-lieux structurants, trois ans.",
        amount_max_cents=15_000_000,
        cofunding_rate=50,
        kind="ami",
        themes=["alimentation", "numerique"],
        required_pieces=["Budget prévisionnel sur trois ans", "Statuts", "Lettres de soutien"],
        url="https://agence-cohesion-territoires.gouv.fr/fabriques-de-territoire",
        **common_with_amiens,
    )
    CallFactory(
        title="Appel à communs « Alimentation durable »",
        slug="communs-alimentation",
        kind="communs",
        deadline=None,
        rolling=True,
        mode="cooperative",
        **common,
    )
    CallFactory(
        title="Prix des tiers-lieux nourriciers du département de la Somme",
        slug="prix-nourriciers",
        kind="prix",
        status=Call.Status.PROPOSED,
        published_at=None,
        created_by=charlie,
        **common,
    )
    SavedSearchFactory(user=alice, name="Alimentation dans la Somme", themes=["alimentation"])
    services.follow_call(call=call, by=alice)
    services.look_for_partners(
        place=places["charlie"],
        call=call,
        by=charlie,
        note="Nous cherchons un lieu nourricier avec une cuisine partagée pour le volet alimentation.",
    )
    answer = services.open_answer(call=call, by=alice, lead_place=places["alice"])
    partner = services.invite_partner(
        answer=answer, by=alice, place=places["charlie"], role="cocontractor"
    )
    services.answer_invitation(partner=partner, by=charlie, accept=True)
    services.split_budget(
        answer=answer,
        by=alice,
        shares=dict(
            zip(answer.partners.values_list("pk", flat=True), [9_000_000, 6_000_000], strict=True)
        ),
    )
    services.add_work_package(
        answer=answer,
        by=alice,
        title="Cuisine partagée et formations hygiène",
        description="Aménagement, formations, planning d'usage entre les deux lieux.",
    )
    services.add_link(
        answer=answer,
        by=alice,
        label="Dossier partagé",
        url="https://cloud.example.org/s/fabriques-de-territoire-dossier-commun-2026",
    )
    services.set_internal_deadline(
        answer=answer, by=alice, day=timezone.localdate() + datetime.timedelta(days=20)
    )
    return {"people": people, "places": places, "call": call, "answer": answer}


def look(page, screenshot, name: str) -> None:
    """The page fits the phone (tables scroll in their own box) and passes axe."""
    wide = page.evaluate(WIDE)
    screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, (name, wide)
    assert not wide, (name, wide)
    check_accessibility(page)


@pytest.mark.parametrize("viewport", ["phone"])
def test_every_opportunity_page_fits_a_phone(site_page, live_server, world, screenshot):
    page, people, places = site_page, world["people"], world["places"]
    call, answer = world["call"], world["answer"]
    log_in_as(page, live_server, people["alice"])
    page.goto(call.get_absolute_url())
    expect(page.get_by_text("Somme (80), Amiens (80)")).to_be_visible()  # names, not codes
    for name, url in [
        ("board", reverse("opportunities:board")),
        ("call", call.get_absolute_url()),
        ("call-rolling", reverse("opportunities:call-detail", args=["communs-alimentation"])),
        ("alerts", reverse("opportunities:alerts")),
        ("answers", reverse("opportunities:answers")),
        ("answer", answer.get_absolute_url()),
        ("place-calls", reverse("opportunities:place-calls", args=[places["alice"].slug])),
        ("propose", reverse("opportunities:call-create")),
    ]:
        page.goto(url)
        look(page, screenshot, f"alice-{name}")
    page.context.clear_cookies()
    log_in_as(page, live_server, people["dora"])
    for name, url in [
        ("moderation", reverse("opportunities:moderation")),
        ("import", reverse("opportunities:import")),
        ("dashboard", reverse("opportunities:dashboard")),
        ("edit", reverse("opportunities:call-edit", args=[call.slug])),
        ("answer", answer.get_absolute_url()),
    ]:
        page.goto(url)
        look(page, screenshot, f"dora-{name}")
