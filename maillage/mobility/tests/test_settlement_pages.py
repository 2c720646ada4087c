"""Pages of the settlement: closing a month, the statement PDF, the flows chart."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.mobility import booking as svc
from maillage.mobility import services, settlement
from maillage.mobility.models import ClosedMonth, SchemeModel
from maillage.mobility.settlement_views import statement_html
from maillage.mobility.tests.conftest import make_scheme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TUESDAY = datetime.date(2026, 3, 3)
CLOSE_URL = reverse("mobility:close-month", args=["reseau-a", 2026, 3])
STATEMENT_URL = reverse("mobility:statement", args=["le-hangar", "reseau-a", 2026, 3])


@pytest.fixture
def after_march():
    with time_machine.travel(datetime.datetime(2026, 4, 2, 10, tzinfo=PARIS), tick=False):
        yield


@pytest.fixture
def visit(bob, place, membership, network_a, offer, other_place, charlie):
    # Rétrocession: 40 € / 4 days = 10 € a day, 25 % → La Bobine pays Le Hangar 2,50 €.
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS), tick=False):
        scheme = make_scheme(network_a, SchemeModel.RETROCESSION)
        pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        visit = svc.book_visit(pass_=pass_, place=other_place, day=TUESDAY, idempotency_key="k")
        svc.check_in(booking=visit, by=charlie)
    return visit


@pytest.mark.parametrize(
    ("persona", "expected"),
    list(zip(PERSONAS, ["login", 403, 403, 403, 403, 200, 200], strict=True)),
)
def test_close_month_page_permission_matrix(persona_client, visit, after_march, persona, expected):
    response = persona_client(persona).get(CLOSE_URL)
    status = "login" if response.status_code == 302 else response.status_code
    assert status == expected


@pytest.mark.parametrize("persona", ["anonymous", "bob", "charlie", "alice", "erin"])
def test_only_coordinators_can_post_a_closing(persona_client, visit, after_march, persona):
    persona_client(persona).post(CLOSE_URL)
    assert not ClosedMonth.objects.exists()


def test_the_coordinator_closes_the_month_with_the_button(client, dora, visit, after_march):
    client.force_login(dora)
    page = client.get(CLOSE_URL).content.decode()
    assert "Confirmer : clôturer mars 2026" in page and "2,50" in page
    assert 'name="confirm" value="oui"' in page
    assert client.post(CLOSE_URL).status_code == 200  # a bare POST only shows the summary
    assert not ClosedMonth.objects.exists()
    response = client.post(CLOSE_URL, {"confirm": "oui"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mobility:flows", args=["reseau-a", 2026, 3])
    assert "Le mois est clôturé" in response.content.decode()
    assert ClosedMonth.objects.get().amount_cents == 250
    again = client.post(CLOSE_URL, {"confirm": "oui"})
    assert again.status_code == 400
    assert "est déjà clôturé" in again.content.decode()
    assert ClosedMonth.objects.count() == 1


FLOWS_URL = reverse("mobility:flows", args=["reseau-a", 2026, 3])


def test_the_current_month_is_not_offered_for_closing(client, dora, alice, visit):
    client.force_login(dora)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, tzinfo=PARIS), tick=False):
        flows = client.get(FLOWS_URL).content.decode()
        page = client.get(CLOSE_URL).content.decode()
    assert "Clôturer ce mois" not in flows
    assert "il pourra être clôturé à partir du 1er avril 2026" in flows
    assert 'name="confirm"' not in page
    assert "il pourra être clôturé à partir du 1er avril 2026" in page


def test_a_past_open_month_is_offered_for_closing(client, dora, visit, after_march):
    client.force_login(dora)
    assert "Clôturer ce mois…" in client.get(FLOWS_URL).content.decode()
    assert "Clôturer ce mois…" in client.get(STATEMENT_URL).content.decode()


def test_a_closed_month_is_not_offered_again(client, dora, visit, network_a, after_march):
    settlement.close_month(network=network_a, month=TUESDAY, by=dora)
    client.force_login(dora)
    assert "Clôturer ce mois" not in client.get(FLOWS_URL).content.decode()
    assert 'name="confirm"' not in client.get(CLOSE_URL).content.decode()


def test_closing_an_unfinished_month_shows_a_french_error(client, dora, visit):
    client.force_login(dora)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, tzinfo=PARIS), tick=False):
        response = client.post(CLOSE_URL, {"confirm": "oui"})
    assert response.status_code == 400
    assert "n&#x27;est pas terminé" in response.content.decode()
    assert not ClosedMonth.objects.exists()


def test_a_closed_statement_page_says_it_is_frozen(client, alice, dora, visit, network_a):
    with time_machine.travel(datetime.datetime(2026, 4, 2, 10, tzinfo=PARIS), tick=False):
        settlement.close_month(network=network_a, month=TUESDAY, by=dora)
    client.force_login(alice)
    url = reverse("mobility:statement", args=["la-bobine", "reseau-a", 2026, 3])
    page = client.get(url).content.decode()
    assert "Mois clôturé le 2 avril 2026" in page and "\u22122,50\u00a0€" in page


def test_the_statement_pdf_is_produced_with_a_dated_filename(client, charlie, visit):
    client.force_login(charlie)
    response = client.get(STATEMENT_URL, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="releve-le-hangar-reseau-a-2026-03.pdf"'
    )
    assert response.content.startswith(b"%PDF") and len(response.content) > 3000


def test_the_html_printed_to_pdf_has_the_place_french_dates_and_money(
    visit, other_place, network_a
):
    report = settlement.place_statement(place=other_place, network=network_a, month=TUESDAY)
    html = statement_html(place=other_place, network=network_a, report=report)
    assert "Relevé du Hangar — mars 2026" in html
    assert "3 mars 2026" in html
    assert "2,50" in html and "€" in html
    assert "Mois ouvert : relevé provisoire" in html


def test_the_statement_pdf_follows_the_statement_permissions(client, bob, visit):
    client.force_login(bob)
    assert client.get(STATEMENT_URL, {"format": "pdf"}).status_code == 403


def test_the_flows_page_draws_an_accessible_heat_map_next_to_its_table(
    client, dora, visit, django_assert_max_num_queries
):
    client.force_login(dora)
    with django_assert_max_num_queries(13):  # with the menu
        page = client.get(reverse("mobility:flows", args=["reseau-a", 2026, 3])).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="flows-chart-title flows-chart-desc"' in svg
    assert '<title id="flows-chart-title">' in svg and '<desc id="flows-chart-desc">' in svg
    assert "La Bobine → Le Hangar : 1 visite, 2,50" in svg
    assert "style=" not in svg
    assert "<table>" in page[page.index("</svg>") :]
