"""Monthly statement of a place: visits hosted and made, what it received and paid."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.mobility import booking as svc
from maillage.mobility import services
from maillage.mobility.models import SchemeModel
from maillage.mobility.selectors import place_statement
from maillage.mobility.tests.conftest import make_scheme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TUESDAY = datetime.date(2026, 3, 3)


@pytest.fixture
def visit(bob, place, membership, network_a, offer, other_place, charlie):
    # Rétrocession: 40 € / 4 days = 10 € a day, 25 % → La Bobine pays Le Hangar 2,50 €.
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS), tick=False):
        scheme = make_scheme(network_a, SchemeModel.RETROCESSION)
        pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        visit = svc.book_visit(pass_=pass_, place=other_place, day=TUESDAY, idempotency_key="k")
        svc.check_in(booking=visit, by=charlie)
    return visit


def test_both_places_statements_show_the_visit_and_the_amounts(
    visit, place, other_place, network_a
):
    home = place_statement(place=place, network=network_a, month=TUESDAY)
    host = place_statement(place=other_place, network=network_a, month=TUESDAY)
    assert (len(home.made), len(home.hosted), home.paid_cents, home.net_cents) == (1, 0, 250, -250)
    assert (len(host.made), len(host.hosted), host.received_cents, host.net_cents) == (
        0,
        1,
        250,
        250,
    )
    assert (
        place_statement(place=place, network=network_a, month=datetime.date(2026, 4, 1)).lines == []
    )


def test_the_statement_downloads_as_csv(client, alice, visit):
    client.force_login(alice)
    url = reverse("mobility:statement", args=["la-bobine", "reseau-a", 2026, 3])
    response = client.get(url, {"format": "csv", "sep": ";"})
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeffJour;Sens;")
    assert "2026-03-03;visite d'un membre;Bob;La Bobine;Le Hangar;Venue constatée;-2.5\r\n" in text
    page = client.get(url).content.decode()
    assert "Solde du mois" in page and "\u22122,50" in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    zip(PERSONAS, ["login", 403, 403, 200, 403, 200, 200], strict=True),
)
def test_statement_permission_matrix(persona_client, visit, persona, expected):
    url = reverse("mobility:statement", args=["la-bobine", "reseau-a", 2026, 3])
    response = persona_client(persona).get(url)
    status = "login" if response.status_code == 302 else response.status_code
    assert status == expected


def test_a_statement_of_a_network_the_place_never_joined_is_404(client, root, visit, network_b):
    client.force_login(root)
    url = reverse("mobility:statement", args=["la-bobine", "reseau-b", 2026, 3])
    assert client.get(url).status_code == 404
    assert (
        client.get(
            reverse("mobility:statement", args=["la-bobine", "reseau-a", 2026, 13])
        ).status_code
        == 404
    )


def test_the_flows_matrix_shows_home_to_host_visits_and_amounts(client, dora, visit, network_a):
    from maillage.mobility.selectors import network_flows

    flows = network_flows(network=network_a, month=TUESDAY)
    assert [(f.from_place, f.to_place, f.visits, f.amount_cents) for f in flows] == [
        ("La Bobine", "Le Hangar", 1, 250)
    ]
    client.force_login(dora)
    url = reverse("mobility:flows", args=["reseau-a", 2026, 3])
    assert "Le Hangar" in client.get(url).content.decode()
    csv_text = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode()
    assert "La Bobine,Le Hangar,1,2.5" in csv_text


@pytest.mark.parametrize(
    ("persona", "expected"),
    zip(PERSONAS, ["login", 403, 403, 403, 403, 200, 200], strict=True),
)
def test_flows_permission_matrix(persona_client, visit, persona, expected):
    response = persona_client(persona).get(reverse("mobility:flows", args=["reseau-a", 2026, 3]))
    status = "login" if response.status_code == 302 else response.status_code
    assert status == expected
