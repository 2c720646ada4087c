"""After a visit is booked and checked in, the coordinator closes the month and both places'
statements show the visit and the right amounts.

Desktop and phone: every page accessible (axe), no JavaScript error, nothing scrolling sideways.
Screenshots: var/screenshots/test_coordinator_closes_the_month-<viewport>-<step>.png.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from maillage.mobility import booking as svc
from maillage.mobility import services
from maillage.mobility.models import ClosedMonth, SchemeModel
from maillage.mobility.tests.conftest import make_scheme
from maillage.networks.models import Network
from maillage.places.models import Place
from tests.browser.test_manager_pages_accessible import log_in_as
from tests.browser.test_mobility_booking import mobility_world, page_is_fine  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
VISIT_DAY = datetime.date(2026, 3, 3)  # a Tuesday; the month is over when the test runs


@pytest.fixture
def checked_in_visit(mobility_world):  # noqa: F811
    network = Network.objects.get(slug="reseau-hdf")
    bobine, hangar = Place.objects.get(slug="la-bobine"), Place.objects.get(slug="le-hangar")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=PARIS), tick=False):
        scheme = make_scheme(network, SchemeModel.RETROCESSION)
        pass_ = services.subscribe_pass(
            user=mobility_world["bob"], scheme=scheme, home_place=bobine
        )
        visit = svc.book_visit(pass_=pass_, place=hangar, day=VISIT_DAY, idempotency_key="b1")
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 30, tzinfo=PARIS), tick=False):
        svc.check_in(booking=visit, by=mobility_world["charlie"])
    return visit


def test_coordinator_closes_the_month(
    site_page,
    live_server,
    mobility_world,  # noqa: F811
    checked_in_visit,
    screenshot,
    viewport,
):
    page = site_page
    log_in_as(page, live_server, mobility_world["dora"])
    page.goto(reverse("mobility:flows", args=["reseau-hdf", 2026, 3]))
    expect(page.get_by_role("img", name="Matrice des flux")).to_be_visible()
    page_is_fine(page, screenshot, viewport, "flows")
    page.get_by_role("link", name="Clôturer ce mois…").click()
    # The confirmation step: the month's figures and what closing does; nothing closed yet.
    expect(page.get_by_text("un mois clôturé ne se rouvre pas")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("2,50")
    page_is_fine(page, screenshot, viewport, "close")
    assert not ClosedMonth.objects.exists()
    page.get_by_role("button", name="Confirmer : clôturer mars 2026").click()
    expect(page.get_by_text("Le mois est clôturé : ses relevés sont figés.")).to_be_visible()
    expect(page.get_by_text("Mois clôturé le")).to_be_visible()
    assert ClosedMonth.objects.get().visits == 1

    # Rétrocession: 40 € a month for 4 days = 10 € a day; 25 % of it = 2,50 € per visit day,
    # paid by Bob's home place (La Bobine) to the host (Le Hangar). Like the PDF, each statement
    # has a table of the visits it hosted and one of its members' visits, with totals, naming
    # only the other place; amounts with cents and a true minus sign.
    expected = {
        "le-hangar": ("Visites accueillies", "La Bobine", "2,50\u00a0€"),
        "la-bobine": ("Visites de ses membres", "Le Hangar", "\u22122,50\u00a0€"),
    }
    for slug, (table, other, amount) in expected.items():
        page.goto(reverse("mobility:statement", args=[slug, "reseau-hdf", 2026, 3]))
        page_is_fine(page, screenshot, viewport, f"statement-{slug}")
        expect(page.get_by_text("Mois clôturé le")).to_be_visible()
        expect(page.get_by_role("heading", level=2)).to_have_text([table])
        region = page.get_by_role("region", name=table)
        row = region.get_by_role("row", name="3 mars 2026")
        expect(row).to_contain_text("Bob")
        expect(row).to_contain_text(other)
        expect(row).to_contain_text(amount)
        expect(region.get_by_role("row", name="Total")).to_contain_text(amount)
        expect(page.locator("dd strong")).to_have_text(amount)  # the month's net
        # The table scrolls on its own if it must, reachable with the keyboard.
        region.focus()
        expect(region).to_be_focused()
        fits = region.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert fits, f"the {slug} statement table scrolls sideways at the {viewport} size"
