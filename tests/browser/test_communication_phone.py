"""Animation and communication on a phone (390 px): the permanences pages, the kit and case
library, a tour's logbook, the event relay and share cards and the coordination of the
soucieux·ses fit the screen — no page wider than the phone, no box scrolling sideways inside
it: a table reads as one block per row —, pass axe and keep their forms usable.
Screenshots: var/screenshots/test_…-chromium-phone-<page>.png."""

import datetime
import io
import re

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.circles.models import CircleRole
from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.communication import coordination, kit, logbook, relay, services
from maillage.communication.models import Permanence, Rota
from maillage.events.models import EventKind, TourStop
from maillage.events.tests.factories import EventFactory
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory
from tests.browser.conftest import check_accessibility, labels_away_from_their_fields
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def image_bytes(fmt: str = "PNG", size=(1200, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (42, 111, 78)).save(out, format=fmt)
    return out.getvalue()


def pdf_bytes() -> bytes:
    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def world(transactional_db):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    network = NetworkFactory(name="Réseau Hauts-de-France", slug="reseau-hdf")
    dora = UserFactory(email="dora@example.org", display_name="Dora")
    fanny = UserFactory(email="fanny@example.org", display_name="Fanny")
    NetworkRole.objects.create(network=network, user=dora, role=NetworkRole.Role.COORDINATOR)
    places, managers = [], []
    for name, slug, person in (
        ("La Bobine", "la-bobine", "Alice"),
        ("Le Hangar à idées partagées", "le-hangar", "Charlie"),
    ):
        place = PlaceFactory(name=name, slug=slug, commune=douai)
        manager = UserFactory(email=f"{person.lower()}@example.org", display_name=person)
        PlaceRole.objects.create(place=place, user=manager, role=PlaceRole.Role.MANAGER)
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
        places.append(place)
        managers.append(manager)
    today = timezone.localdate()
    rota = services.create_rota(
        by=dora,
        network=network,
        data=services.RotaData(
            title="Tournée d'animation du printemps",
            facilitator=fanny,
            pattern=Rota.Pattern.WEEKLY,
            starts_on=today - datetime.timedelta(days=14),
            ends_on=today + datetime.timedelta(days=60),
            cost_cents=6_000_00,
            cost_key="bracket",
        ),
    )
    for place, weekday in zip(places, (1, 3), strict=True):
        services.add_slot(
            by=dora,
            rota=rota,
            place=place,
            weekday=weekday,
            half="am",
            purpose="Accueil des nouveaux adhérents et point sur l'agenda du réseau",
        )
    services.generate_permanences(by=dora, rota=rota)
    poster = kit.contribute(
        by=dora,
        network=network,
        data=kit.ResourceData(
            kind="poster",
            title="Affiche « Portes ouvertes » à personnaliser pour votre lieu",
            summary="Une affiche carrée pour les réseaux sociaux et la vitrine.",
            licence="CC-BY-4.0",
            tags=["affiche", "portes ouvertes"],
            actions=["animer"],
        ),
        upload=SimpleUploadedFile("affiche.png", image_bytes()),
    )
    case = kit.contribute(
        by=dora,
        network=network,
        data=kit.ResourceData(
            kind="case",
            title="Un café-réparation mensuel",
            summary="Réparer ensemble un samedi par mois a fait venir de nouveaux publics.",
            context="Un bourg rural.",
            what_they_did="Des bénévoles réparent avec les visiteur·ses.",
            results="Douze nouvelles adhésions.",
            contacts="L'équipe du lieu.",
            licence="CC-BY-4.0",
            actions=["animer"],
        ),
    )
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=5)
    tour = EventFactory(
        network=network,
        kind=EventKind.TOUR,
        title="Tournée à vélo des tiers-lieux",
        slug="tournee-a-velo",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=9),
    )
    tour.organisers.add(dora)
    for position, place in enumerate(places, start=1):
        TourStop.objects.create(
            event=tour,
            place=place,
            position=position,
            arrives_at=start + datetime.timedelta(hours=2 * position),
            leaves_at=start + datetime.timedelta(hours=2 * position + 1),
        )
    logbook.add_entry(
        by=managers[0],
        stop=tour.stops.get(position=1),
        text="Café et viennoiseries à l'arrivée ; les vélos se garent dans la cour.",
        photo=SimpleUploadedFile("cour.jpg", image_bytes("JPEG")),
        alt_text="La cour de la Bobine, prête pour les vélos",
    )
    north = CircleFactory(network=network, name="Cercle du Douaisis", slug="douaisis")
    steward = UserFactory(email="sacha@example.org", display_name="Sacha")
    CircleMemberFactory(circle=north, user=steward, role=CircleRole.STEWARD)
    group = coordination.open_group(by=dora, network=network, purpose="Échanger nos pratiques.")
    coordination.propose_point(
        by=steward, group=group, circle=north, title="Un modèle de budget prévisionnel commun"
    )
    coordination.record_agreement(
        by=dora,
        group=group,
        data=coordination.AgreementData(
            person=steward,
            circle=north,
            amount_cents=3_600_00,
            funding_source="region",
            funder="Région Hauts-de-France",
            starts_on=datetime.date(today.year, 1, 1),
            ends_on=datetime.date(today.year, 12, 31),
        ),
        document=SimpleUploadedFile("convention.pdf", pdf_bytes()),
    )
    return {
        "network": network,
        "dora": dora,
        "fanny": fanny,
        "alice": managers[0],
        "steward": steward,
        "rota": rota,
        "poster": poster,
        "case": case,
        "tour": tour,
    }


# Boxes that scroll sideways inside the page (a wide table in an overflow box): the page fits,
# yet its reader must swipe inside it to see the last columns.
SIDEWAYS_JS = """() => [...document.querySelectorAll("main *, body > *")].filter((box) => {
    const overflow = getComputedStyle(box).overflowX;
    return ["auto", "scroll"].includes(overflow) && box.scrollWidth > box.clientWidth + 1;
}).map((box) => `${box.tagName.toLowerCase()}.${box.className} (${box.scrollWidth} px)`)"""


# A table of the module on a phone: its first row's cells one under another, each data cell
# under its column's name (drawn before it), the column headings out of sight.
STACKED_JS = """(table) => {
    const row = table.tBodies[0].rows[0];
    const boxes = [...row.cells].map((cell) => cell.getBoundingClientRect());
    return {
        stacked: boxes.every((box, i) => i === 0 || box.top >= boxes[i - 1].bottom - 1),
        widest: Math.max(...boxes.map((box) => box.right)),
        labels: [...row.querySelectorAll("td")].map(
            (cell) => getComputedStyle(cell, "::before").content),
        headings: table.tHead.getBoundingClientRect().height,
    };
}"""


def assert_stacked(table, name: str) -> None:
    layout = table.evaluate(STACKED_JS)
    assert layout["stacked"], f"{name}: the cells of a row sit side by side"
    assert layout["widest"] <= PHONE_WIDTH, f"{name}: a cell is wider than the phone"
    assert all(label not in ("none", "normal", "") for label in layout["labels"]), layout
    assert layout["headings"] <= 1, f"{name}: the column headings still show"


def check_phone_page(page, screenshot, name: str) -> None:
    page.wait_for_load_state("load")
    screenshot(page, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: {width} px wide"
    assert page.evaluate(SIDEWAYS_JS) == [], f"{name}: scrolls sideways inside"
    assert not labels_away_from_their_fields(page), name
    check_accessibility(page)


@pytest.mark.parametrize("viewport", ["phone"])
def test_permanences_and_kit_pages_fit_a_phone(site_page, live_server, world, screenshot, viewport):
    page = site_page
    slug = world["network"].slug
    log_in_as(page, live_server, world["dora"])
    page.goto(reverse("communication:network-permanences", args=[slug]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_phone_page(page, screenshot, "network-permanences")
    page.goto(reverse("communication:rota-detail", args=[world["rota"].pk]))
    shares = page.get_by_role("table").filter(has_text="La Bobine")
    assert_stacked(shares, "shares")
    bracket = page.get_by_label("Tranche de La Bobine")
    bracket.select_option("c")
    bracket.locator("xpath=ancestor::form").get_by_role("button", name="Changer").click()
    expect(page.get_by_label("Tranche de La Bobine")).to_have_value("c")
    check_phone_page(page, screenshot, "rota")
    page.goto(reverse("communication:rota-create", args=[slug]))
    check_phone_page(page, screenshot, "rota-create")
    page.goto(reverse("communication:home"))
    check_phone_page(page, screenshot, "home")

    log_in_as(page, live_server, world["alice"])
    page.goto(reverse("communication:place-permanences", args=["la-bobine"]))
    check_phone_page(page, screenshot, "place-permanences")
    coming = Permanence.objects.filter(place__slug="la-bobine", date__gt=timezone.localdate())
    page.goto(reverse("communication:permanence-detail", args=[coming.first().pk]))
    check_phone_page(page, screenshot, "permanence")
    page.get_by_role("link", name="Échanger avec un autre lieu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Échanger")
    check_phone_page(page, screenshot, "swap")
    page.goto(reverse("communication:permanence-decline", args=[coming.first().pk]))
    check_phone_page(page, screenshot, "decline")

    page.goto(reverse("communication:kit-list"))
    expect(page.get_by_role("link", name=world["poster"].title)).to_be_visible()
    check_phone_page(page, screenshot, "kit-list")
    page.get_by_role("link", name=world["poster"].title).click()
    expect(page.get_by_role("heading", name=world["poster"].title)).to_be_visible()
    check_phone_page(page, screenshot, "kit-detail")
    page.goto(reverse("communication:kit-detail", args=[world["case"].slug]))
    check_phone_page(page, screenshot, "kit-case")
    page.goto(reverse("communication:kit-create"))
    check_phone_page(page, screenshot, "kit-create")


@pytest.mark.parametrize("viewport", ["phone"])
def test_a_place_writes_in_the_tours_logbook_from_a_phone(
    site_page, live_server, world, screenshot, viewport
):
    page = site_page
    tour = world["tour"]
    page.goto(reverse("events:event-detail", args=[tour.slug]))
    page.get_by_role("link", name="Carnet de route de la tournée").click()
    photo = page.get_by_role("img", name="La cour de la Bobine, prête pour les vélos")
    expect(photo).to_be_visible()
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    check_phone_page(page, screenshot, "logbook-public")

    log_in_as(page, live_server, world["alice"])
    page.reload()
    page.get_by_text("Écrire à cette étape").click()
    page.get_by_label("Note de l'étape").fill(
        "Douze cyclistes accueilli·es, atelier réparation ouvert."
    )
    page.get_by_label("Photo (facultative)").set_input_files(
        files=[{"name": "velo.txt", "mimeType": "image/jpeg", "buffer": b"not an image"}]
    )
    page.get_by_label("Ce que montre la photo").fill("Un vélo")
    page.get_by_role("button", name="Ajouter au carnet").click()
    expect(page.get_by_text("n'est pas une photo lisible")).to_be_visible()
    check_phone_page(page, screenshot, "logbook-refused")
    page.get_by_label("Photo (facultative)").set_input_files([])
    page.get_by_label("Ce que montre la photo").fill("")
    page.get_by_role("button", name="Ajouter au carnet").click()
    expect(page.get_by_text("La note est ajoutée au carnet de route.")).to_be_visible()
    expect(page.get_by_text("Douze cyclistes accueilli·es")).to_be_visible()
    check_phone_page(page, screenshot, "logbook-written")


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_coordination_of_the_soucieux_ses_on_a_phone(
    site_page, live_server, world, screenshot, viewport
):
    page = site_page
    slug = world["network"].slug
    log_in_as(page, live_server, world["steward"])
    page.goto(reverse("circles:circle-detail", args=["douaisis"]))
    page.get_by_role("link", name="Apporter un point à la coordination des soucieux·ses").click()
    expect(page.get_by_role("heading", name="Coordination des soucieux·ses")).to_be_visible()
    page.get_by_label("Le point, en une ligne").fill("Partager nos outils de visio")
    page.get_by_role("button", name="Mettre à l'ordre du jour").click()
    expect(page.get_by_text("Le point est à l'ordre du jour de la coordination.")).to_be_visible()
    page.get_by_role("button", name="Rencontrer la coordination du réseau").click()
    expect(
        page.get_by_role("button", name="Rencontrer la coordination du réseau")
    ).to_have_attribute("aria-pressed", "true")
    check_phone_page(page, screenshot, "coordination-steward")

    log_in_as(page, live_server, world["dora"])
    page.goto(reverse("networks:network-detail", args=[slug]))
    page.get_by_role("link", name="Coordination des soucieux·ses des cercles").click()
    expect(page.get_by_text("Où en est chacun·e")).to_be_visible()
    progress = page.get_by_role("table", name="Où en est chacun·e")
    expect(progress.get_by_role("rowheader", name="Sacha")).to_be_visible()
    assert_stacked(progress, "progress")
    agreements = page.get_by_role("table").filter(has_text="Région Hauts-de-France")
    expect(agreements.get_by_role("cell", name=re.compile(r"3\s600"))).to_be_visible()
    expect(
        agreements.get_by_role("link", name="Télécharger la convention de Sacha")
    ).to_be_visible()
    assert_stacked(agreements, "agreements")
    check_phone_page(page, screenshot, "coordination-coordinator")
    page.get_by_role("link", name="Fixer la réunion régulière").click()
    first = timezone.localtime() + datetime.timedelta(days=10)
    page.get_by_label("Première réunion").fill(first.strftime("%Y-%m-%dT14:00"))
    page.get_by_label("Rythme").select_option("monthly")
    check_phone_page(page, screenshot, "coordination-meeting")
    page.get_by_role("button", name="Mettre à l'agenda").click()
    expect(
        page.get_by_text("La réunion de coordination est dans l'agenda du réseau.")
    ).to_be_visible()
    page.get_by_role("link", name="Enregistrer une convention").click()
    expect(page.get_by_label("Soucieux·se")).to_be_visible()
    check_phone_page(page, screenshot, "coordination-agreement")


@pytest.mark.parametrize("viewport", ["phone"])
def test_the_event_relay_and_the_share_cards_on_a_phone(
    site_page, live_server, world, screenshot, viewport
):
    page = site_page
    network = world["network"]
    slug = network.slug
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    relay.submit_event(
        by=world["fanny"],
        network=network,
        kind="autre",
        title="Troc de graines et de boutures au marché couvert",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        address="Place du marché, 59500 Douai",
        description="Apportez vos graines, repartez avec celles des autres.",
    )
    kit.contribute(
        by=world["alice"],
        network=network,
        data=kit.ResourceData(
            kind="pitch",
            title="Argumentaire pour présenter le lieu aux élu·es",
            summary="Trois minutes pour dire ce que fait un tiers-lieu rural.",
            body="Un lieu ouvert à toutes et tous, tenu par ses habitant·es.",
            licence="CC-BY-4.0",
            actions=["animer"],
        ),
    )

    page.goto(reverse("communication:event-share", args=[world["tour"].slug]))
    cards = page.get_by_role("img", name=re.compile("^Carte « Tournée à vélo"))
    expect(cards.first).to_be_visible()
    for card in cards.all():
        card.scroll_into_view_if_needed()
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=card.element_handle()
        )
    check_phone_page(page, screenshot, "event-share")
    page.goto(reverse("communication:widget", args=[slug]))
    check_phone_page(page, screenshot, "widget")

    log_in_as(page, live_server, world["alice"])
    page.goto(reverse("communication:network-relay", args=[slug]))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copier le texte").click()
    expect(page.get_by_text("Copié : collez-le où vous voulez.")).to_be_visible()
    pasted = page.evaluate("navigator.clipboard.readText()")
    assert pasted == page.get_by_label("Texte pour les réseaux sociaux").input_value()
    assert pasted.startswith("Cette semaine — Réseau Hauts-de-France")
    check_phone_page(page, screenshot, "relay")
    page.get_by_role("link", name="Proposer une animation à l'agenda").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_phone_page(page, screenshot, "relay-submit")

    log_in_as(page, live_server, world["dora"])
    page.goto(reverse("communication:network-relay", args=[slug]))
    page.get_by_role("link", name="1 proposition à examiner").click()
    expect(page.get_by_role("heading", name=re.compile("^Troc de graines"))).to_be_visible()
    check_phone_page(page, screenshot, "relay-submissions")
    proposal = page.get_by_role("article").filter(has_text="Troc de graines")
    proposal.get_by_text("Refuser…").click()
    proposal.get_by_label("Motif du refus (obligatoire)").fill(
        "Le marché couvert est fermé ce jour-là : proposez une autre date."
    )
    check_phone_page(page, screenshot, "relay-refusal")
    proposal.get_by_role("button", name="Refuser la proposition").click()
    expect(page.get_by_text("Proposition refusée.")).to_be_visible()
    expect(page.get_by_text("Aucune proposition en attente.")).to_be_visible()
    page.goto(reverse("communication:kit-list"))
    page.get_by_role("link", name="1 contribution à relire").click()
    expect(page.get_by_text("Argumentaire pour présenter le lieu")).to_be_visible()
    check_phone_page(page, screenshot, "kit-review")
