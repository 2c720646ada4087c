"""The statement page has the PDF's structure: a summary, the visits hosted and the visits made
by the place's members in two tables with their totals (the place itself is not repeated on
every line), amounts always with cents and a true minus sign, late lines marked with a note."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from maillage.mobility import booking as svc
from maillage.mobility import services
from maillage.mobility.models import SchemeModel
from maillage.mobility.settlement_views import statement_amount
from maillage.mobility.tests.conftest import make_scheme
from maillage.mobility.tests.test_settlement_snapshot import april_with_a_late_event  # noqa: F401

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TUESDAY = datetime.date(2026, 3, 3)
MINUS = "\u2212"


@pytest.fixture
def visit(bob, place, membership, network_a, offer, other_place, charlie):
    # Rétrocession: 40 € / 4 days = 10 € a day, 25 % → La Bobine pays Le Hangar 2,50 €.
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS), tick=False):
        scheme = make_scheme(network_a, SchemeModel.RETROCESSION)
        pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        visit = svc.book_visit(pass_=pass_, place=other_place, day=TUESDAY, idempotency_key="k")
        svc.check_in(booking=visit, by=charlie)
    return visit


def section(page: str, title_id: str) -> str:
    """The HTML of the page's section headed by `title_id`."""
    start = page.index(f'<h2 id="{title_id}">')
    return page[start : page.index("</section>", start)]


def statement_page(client, user, slug, year, month) -> str:
    client.force_login(user)
    url = reverse("mobility:statement", args=[slug, "reseau-a", year, month])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_amounts_always_show_their_cents_and_a_true_minus_sign():
    assert statement_amount(250) == "2,50\u00a0€"
    assert statement_amount(-1200) == f"{MINUS}12,00\u00a0€"
    assert statement_amount(123450) == "1\u202f234,50\u00a0€"
    assert statement_amount(0) == "0,00\u00a0€"


def test_the_home_place_sees_its_members_visits_in_their_own_table_with_a_total(
    client, alice, visit
):
    page = statement_page(client, alice, "la-bobine", 2026, 3)
    assert 'id="hosted-title"' not in page  # nothing hosted: no empty table
    made = section(page, "made-title")
    assert "Visites de ses membres" in made
    assert "Lieu d'accueil" in made and "Lieu d'attache" not in made
    assert "Le Hangar" in made and "La Bobine" not in made  # the place is not repeated
    assert "3 mars 2026" in made and "Bob" in made and "Venue constatée" in made
    row, total = made.split("<tfoot>")
    assert f"{MINUS}2,50\u00a0€" in row
    assert ">Total</th>" in total and f"{MINUS}2,50\u00a0€" in total
    # The summary: paid and net with cents and a true minus sign, never a hyphen.
    assert f"<strong>{MINUS}2,50\u00a0€</strong>" in page
    assert "-2,50" not in page
    assert "Mois ouvert : relevé provisoire" in page


def test_the_host_sees_the_visits_it_hosted_with_the_visitors_home_place(
    client, charlie, visit, django_assert_max_num_queries
):
    client.force_login(charlie)
    url = reverse("mobility:statement", args=["le-hangar", "reseau-a", 2026, 3])
    with django_assert_max_num_queries(15):  # with the menu
        page = client.get(url).content.decode()
    assert 'id="made-title"' not in page
    hosted = section(page, "hosted-title")
    assert "Lieu d'attache" in hosted and "La Bobine" in hosted
    assert hosted.count("Le Hangar") == 0
    assert hosted.count("2,50\u00a0€") == 2  # the line and the total
    # Each table scrolls on its own on a phone, reachable and named for the keyboard.
    assert 'class="table-scroll statement-table" tabindex="0" role="region"' in hosted
    assert 'aria-labelledby="hosted-title"' in hosted


def test_a_late_line_is_marked_and_explained_under_the_tables(
    client,
    charlie,
    april_with_a_late_event,  # noqa: F811
):
    with time_machine.travel(datetime.datetime(2026, 5, 2, 10, tzinfo=PARIS), tick=False):
        page = statement_page(client, charlie, "le-hangar", 2026, 4)
    hosted = section(page, "hosted-title")
    late_row, on_time_row = hosted.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:2]
    assert 'class="late"' in late_row and "31 mars 2026" in late_row
    assert '<span class="late-mark" aria-hidden="true">*</span>' in late_row
    assert "(report d'un mois clôturé)" in late_row  # said to screen readers too
    assert "12,00\u00a0€" in late_row
    assert "late" not in on_time_row and "7 avril 2026" in on_time_row
    assert "0,00\u00a0€" in on_time_row
    assert '<p class="statement-note">* report d\'un mois clôturé</p>' in page


def test_a_month_without_visits_says_so_without_tables(client, alice, visit):
    page = statement_page(client, alice, "la-bobine", 2026, 4)
    assert "Aucune visite ce mois-ci." in page
    assert "<table" not in page and "statement-note" not in page
    assert "0,00\u00a0€" in page
