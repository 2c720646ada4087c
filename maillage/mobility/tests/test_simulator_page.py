"""The simulator page: coordinators replay the network's visits of a period; CSV; bad input."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.ledger.models import Transfer
from maillage.mobility import booking as svc
from maillage.mobility import services
from maillage.mobility.models import Booking, SchemeModel
from maillage.mobility.simulator import visits_of_period
from maillage.mobility.tests.conftest import make_scheme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TUESDAY = datetime.date(2026, 3, 3)
WEDNESDAY = datetime.date(2026, 3, 4)
URL = reverse("mobility:simulator", args=["reseau-a"])
PARAMS = {
    "date_from": "2026-03",
    "date_to": "2026-03",
    "monthly_price": "40",
    "quota_days": "4",
    "day_rate": "12",
    "half_day_rate": "7",
    "share": "25",
    "discount": "30",
    "count_no_shows": "on",
}


@pytest.fixture
def visits(bob, place, membership, network_a, offer, other_place, charlie):
    """Bob (La Bobine) visits Le Hangar on Tuesday (checked in) and misses Wednesday (no-show)."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS), tick=False):
        scheme = make_scheme(network_a, SchemeModel.PASS)
        pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        first = svc.book_visit(pass_=pass_, place=other_place, day=TUESDAY, idempotency_key="k1")
        svc.book_visit(pass_=pass_, place=other_place, day=WEDNESDAY, idempotency_key="k2")
    with time_machine.travel(datetime.datetime(2026, 3, 4, 20, 0, tzinfo=PARIS), tick=False):
        svc.check_in(booking=first, by=charlie)
        svc.record_no_shows(day=WEDNESDAY)
    return scheme


def test_the_period_visits_are_the_check_ins_and_the_no_shows(visits, network_a):
    found = visits_of_period(
        network=network_a, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 1)
    )
    assert [(v.home_name, v.host_name, v.no_show) for v in found] == [
        ("La Bobine", "Le Hangar", False),
        ("La Bobine", "Le Hangar", True),
    ]
    assert (
        visits_of_period(
            network=network_a, start=datetime.date(2026, 4, 1), end=datetime.date(2026, 5, 1)
        )
        == []
    )


def test_the_page_shows_each_model_per_place_and_writes_nothing(client, dora, visits):
    client.force_login(dora)
    transfers, bookings = Transfer.objects.count(), Booking.objects.count()
    response = client.get(URL, PARAMS)
    page = response.content.decode()
    assert response.status_code == 200
    # Two visits: pass 2 × 12 € = 24 €; rétrocession 2 × 2,50 € = 5 €; preferential 2 × 8,40 €.
    assert "2 visites de mars 2026 à mars 2026" in page
    assert "24\u00a0€" in page and "5\u00a0€" in page and "16,80\u00a0€" in page
    assert "-24\u00a0€" in page  # the pool's position under the pass
    assert (Transfer.objects.count(), Booking.objects.count()) == (transfers, bookings)


def test_the_form_starts_from_the_network_scheme_terms(client, dora, visits):
    client.force_login(dora)
    page = client.get(URL, {"scheme": visits.pk}).content.decode()
    assert 'name="monthly_price" value="40"' in page
    assert 'name="share" value="25' in page
    assert "Simuler" in page


def test_the_simulation_downloads_as_csv(client, dora, visits):
    client.force_login(dora)
    response = client.get(URL, {**PARAMS, "format": "csv", "sep": ";"})
    text = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"].endswith('simulation-reseau-a-2026-03-2026-03.csv"')
    assert text.startswith("\ufeffLieu;Visites reçues;Visites faites;Pass réseau : payé (€);")
    # La Bobine: made 2 visits; pays nothing under the pass, 5 € under rétrocession.
    assert "La Bobine;0;2;0.0;0.0;0.0;5.0;0.0;-5.0;0.0;0.0;0.0\r\n" in text
    assert "Le Hangar;2;0;0.0;24.0;24.0;0.0;5.0;5.0;0.0;16.8;16.8\r\n" in text
    assert "Caisse du réseau;;;24.0;0.0;-24.0;" in text


def test_no_shows_can_be_left_out(client, dora, visits):
    client.force_login(dora)
    params = {key: value for key, value in PARAMS.items() if key != "count_no_shows"}
    page = client.get(URL, params).content.decode()
    assert "1 visite de mars 2026" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("share", "150", "Une part ne peut pas dépasser 100 %."),
        ("discount", "-5", "Une part ne peut pas être négative."),
        ("day_rate", "-12", "Un montant ne peut pas être négatif."),
        ("monthly_price", "quarante", "Indiquez un montant en euros, par exemple 12,50."),
        ("quota_days", "0", "Au moins un jour."),
        ("date_to", "2026-02", "Le mois de fin précède le mois de début."),
        ("date_from", "mars", "Indiquez un mois sous la forme AAAA-MM (par exemple 2026-03)."),
        ("half_day_rate", "", "Ce champ est obligatoire."),
    ],
)
def test_bad_parameters_get_a_french_message_next_to_the_field(
    client, dora, visits, field, value, message
):
    client.force_login(dora)
    response = client.get(URL, {**PARAMS, field: value})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert response.context["simulation"] is None


def test_a_period_longer_than_three_years_is_refused(client, dora, network_a):
    client.force_login(dora)
    response = client.get(URL, {**PARAMS, "date_from": "2020-01", "date_to": "2026-01"})
    assert response.context["form"].errors["date_to"] == ["Simulez au plus 36 mois à la fois."]


def test_the_page_queries_stay_bounded(client, dora, visits, django_assert_max_num_queries):
    client.force_login(dora)
    with django_assert_max_num_queries(13):  # with the menu
        assert client.get(URL, PARAMS).status_code == 200


@pytest.mark.parametrize(
    ("persona", "expected"),
    list(zip(PERSONAS, ["login", 403, 403, 403, 403, 200, 200], strict=True)),
)
def test_simulator_permission_matrix(persona_client, network_a, persona, expected):
    response = persona_client(persona).get(URL)
    status = "login" if response.status_code == 302 else response.status_code
    assert status == expected
