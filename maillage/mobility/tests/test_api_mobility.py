"""The mobility API: passes, availability, bookings with idempotency keys, cancel, statements."""

import datetime
import zoneinfo

import pytest
import time_machine

from maillage.accounts.api_tokens import create_api_token
from maillage.conftest import PERSONAS
from maillage.mobility import booking as svc
from maillage.mobility import services
from maillage.mobility.models import Booking, HostDay, SchemeModel
from maillage.mobility.tests.conftest import make_scheme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
BASE = "/api/v1/mobility"


def bearer(user):
    _token, key = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def book(client, auth, *, pass_id, day, key="clé-1", place="le-hangar", half="full"):
    return client.post(
        f"{BASE}/bookings",
        {"pass_id": pass_id, "place": place, "date": day.isoformat(), "half": half},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **auth,
    )


# --- bookings -------------------------------------------------------------------------------


def test_a_booking_is_created_once_and_a_replay_returns_it_with_200(
    client, bob, bob_pass, offer, tuesday
):
    auth = bearer(bob)
    first = book(client, auth, pass_id=bob_pass.pk, day=tuesday)
    again = book(client, auth, pass_id=bob_pass.pk, day=tuesday)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["status"] == "confirmed"
    assert first.json()["place"]["slug"] == "le-hangar"
    assert Booking.objects.count() == 1
    assert HostDay.objects.get(day=tuesday).am_booked == 1


def test_the_same_key_for_another_booking_is_a_conflict(client, bob, bob_pass, offer, tuesday):
    auth = bearer(bob)
    book(client, auth, pass_id=bob_pass.pk, day=tuesday)
    response = book(client, auth, pass_id=bob_pass.pk, day=tuesday, half="am")
    assert response.status_code == 409
    assert "déjà servi" in response.json()["detail"]
    assert Booking.objects.count() == 1


def test_a_full_day_answers_complet_and_books_nothing(client, bob, bob_pass, offer, tuesday):
    HostDay.objects.create(offer=offer, day=tuesday, am_booked=3, pm_booked=3)
    response = book(client, bearer(bob), pass_id=bob_pass.pk, day=tuesday)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Complet : plus de poste libre à Le Hangar")
    assert not Booking.objects.exists()


def test_beyond_the_quota_the_booking_is_refused(client, bob, place, membership, network_a, offer):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=PARIS), tick=False):
        scheme = make_scheme(network_a, SchemeModel.PASS, quota_days=1)
        pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        auth = bearer(bob)
        ok = book(client, auth, pass_id=pass_.pk, day=datetime.date(2026, 3, 3), key="a")
        refused = book(client, auth, pass_id=pass_.pk, day=datetime.date(2026, 3, 4), key="b")
    assert ok.status_code == 201
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Quota atteint : votre pass n'a plus de jour disponible en mars 2026."
    )
    assert Booking.objects.count() == 1


def test_someone_elses_pass_is_refused_as_forged(client, charlie, bob_pass, offer, tuesday):
    response = book(client, bearer(charlie), pass_id=bob_pass.pk, day=tuesday)
    assert response.status_code == 404
    assert response.json() == {"detail": "Ce pass n'existe pas ou n'est pas le vôtre."}
    assert not Booking.objects.exists()


def test_a_missing_pass_answers_as_someone_elses(client, charlie, offer, tuesday):
    response = book(client, bearer(charlie), pass_id=987_654, day=tuesday)
    assert response.status_code == 404
    assert response.json() == {"detail": "Ce pass n'existe pas ou n'est pas le vôtre."}


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"day": datetime.date(2020, 1, 7)}, 422, "date"),  # in the past
        ({"half": "soir"}, 422, "half"),
        ({"place": "nulle-part"}, 404, None),
        ({"place": "la-bobine"}, 422, None),  # no host offer: outside the scheme
    ],
)
def test_bad_bookings_get_a_french_answer_and_change_nothing(
    client, bob, bob_pass, offer, tuesday, change, status, field
):
    response = book(client, bearer(bob), **{"pass_id": bob_pass.pk, "day": tuesday, **change})
    assert response.status_code == status
    body = response.json()
    if status == 422:
        assert body["detail"].startswith("La requête a été refusée")
        if field:
            assert [e["field"] for e in body["errors"]] == [field]
    else:
        assert body == {"detail": "Introuvable."}
    assert not Booking.objects.exists()


def test_a_booking_needs_an_idempotency_key_and_a_token(client, bob, bob_pass, offer, tuesday):
    payload = {"pass_id": bob_pass.pk, "place": "le-hangar", "date": tuesday.isoformat()}
    no_key = client.post(
        f"{BASE}/bookings", payload, content_type="application/json", **bearer(bob)
    )
    assert no_key.status_code == 422
    assert no_key.json()["errors"][0]["location"] == "header"
    no_token = book(client, {}, pass_id=bob_pass.pk, day=tuesday)
    assert no_token.status_code == 401
    assert "Authentification requise" in no_token.json()["detail"]
    assert not Booking.objects.exists()


def test_a_member_cancels_their_booking_and_the_desk_comes_back(
    client, bob, charlie, bob_pass, offer, tuesday
):
    visit = svc.book_visit(pass_=bob_pass, place=offer.place, day=tuesday, idempotency_key="k")
    url = f"{BASE}/bookings/{visit.pk}/cancel"
    assert client.post(url, **bearer(charlie)).status_code == 404
    response = client.post(url, **bearer(bob))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert HostDay.objects.get(day=tuesday).am_booked == 0


def test_my_bookings_lists_only_mine(client, bob, charlie, bob_pass, offer, tuesday):
    svc.book_visit(pass_=bob_pass, place=offer.place, day=tuesday, idempotency_key="k")
    mine = client.get(f"{BASE}/bookings", **bearer(bob)).json()
    assert mine["count"] == 1
    assert mine["items"][0]["date"] == tuesday.isoformat()
    assert client.get(f"{BASE}/bookings", **bearer(charlie)).json()["count"] == 0


# --- passes and availability ----------------------------------------------------------------


def test_a_pass_shows_its_remaining_days(client, bob, bob_pass, offer, tuesday):
    svc.book_visit(pass_=bob_pass, place=offer.place, day=tuesday, idempotency_key="k")
    listed = client.get(f"{BASE}/passes", **bearer(bob)).json()
    assert [p["id"] for p in listed["items"]] == [bob_pass.pk]
    detail = client.get(f"{BASE}/passes/{bob_pass.pk}", **bearer(bob)).json()
    assert detail["quota_days"] == 4
    assert detail["home_place"]["slug"] == "la-bobine"
    if tuesday.month == services.today().month:
        assert detail["remaining_days"] == 3
    else:
        assert detail["remaining_days"] == 4


def test_availability_lists_places_with_free_desks(client, offer, network_a, network_b, tuesday):
    HostDay.objects.create(offer=offer, day=tuesday, am_booked=1, pm_booked=0)
    found = client.get(f"{BASE}/availability", {"date": tuesday.isoformat()}).json()
    assert [(f["place"]["slug"], f["free_full_day"], f["free_afternoon"]) for f in found] == [
        ("le-hangar", 2, 3)
    ]
    in_network = {"date": tuesday.isoformat(), "network": "reseau-a"}
    assert len(client.get(f"{BASE}/availability", in_network).json()) == 1
    other = {"date": tuesday.isoformat(), "network": "reseau-b"}
    assert client.get(f"{BASE}/availability", other).json() == []
    sunday = tuesday + datetime.timedelta(days=5)
    assert client.get(f"{BASE}/availability", {"date": sunday.isoformat()}).json() == []


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"date": "0"}, 422, "Indiquez un jour sous la forme AAAA-MM-JJ."),
        ({"date": "2026-02-30"}, 422, "Ce jour n'existe pas."),
        ({}, 422, "Ce champ est obligatoire."),
        ({"date": "2026-03-03", "network": "inconnu"}, 404, None),
    ],
)
def test_bad_availability_queries_are_refused_in_french(client, offer, query, status, message):
    response = client.get(f"{BASE}/availability", query)
    assert response.status_code == status
    if message:
        assert response.json()["errors"][0]["message"] == message


# --- statements -----------------------------------------------------------------------------


@pytest.fixture
def checked_in_visit(bob, place, membership, network_a, offer, other_place, charlie):
    # Rétrocession: 40 € / 4 days = 10 € a day, 25 % → La Bobine pays Le Hangar 2,50 €.
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS), tick=False):
        scheme = make_scheme(network_a, SchemeModel.RETROCESSION)
        pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        visit = svc.book_visit(
            pass_=pass_, place=other_place, day=datetime.date(2026, 3, 3), idempotency_key="k"
        )
        svc.check_in(booking=visit, by=charlie)
    return visit


def test_a_statement_gives_the_month_visits_and_amounts(client, alice, checked_in_visit):
    response = client.get(f"{BASE}/statements/la-bobine/reseau-a/2026-03", **bearer(alice))
    body = response.json()
    assert response.status_code == 200
    assert (body["month"], body["paid_cents"], body["net_cents"]) == ("2026-03", 250, -250)
    assert [(line["direction"], line["amount_cents"]) for line in body["lines"]] == [("made", -250)]


def test_a_statement_of_an_impossible_month_is_refused(client, alice, checked_in_visit):
    response = client.get(f"{BASE}/statements/la-bobine/reseau-a/2026-13", **bearer(alice))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "month"


# --- permission matrix ----------------------------------------------------------------------

# anonymous (no token), bob, charlie, alice, erin, dora, root
ANYONE_WITH_TOKEN = [401, 200, 200, 200, 200, 200, 200]
MATRIX = {
    "passes": (lambda v: f"{BASE}/passes", ANYONE_WITH_TOKEN),
    "pass": (lambda v: f"{BASE}/passes/{v.member_pass_id}", [401, 200, 404, 404, 404, 200, 200]),
    "bookings": (lambda v: f"{BASE}/bookings", ANYONE_WITH_TOKEN),
    "availability": (
        lambda v: f"{BASE}/availability?date={v.day.isoformat()}",
        [200, 200, 200, 200, 200, 200, 200],
    ),
    "statement": (
        lambda v: f"{BASE}/statements/la-bobine/reseau-a/2026-03",
        [401, 403, 403, 200, 403, 200, 200],
    ),
}
CASES = [
    (name, persona, expected)
    for name, (_url, statuses) in MATRIX.items()
    for persona, expected in zip(PERSONAS, statuses, strict=True)
]


@pytest.mark.parametrize(("name", "persona", "expected"), CASES)
def test_api_read_permission_matrix(client, request, checked_in_visit, name, persona, expected):
    auth = {} if persona == "anonymous" else bearer(request.getfixturevalue(persona))
    url = MATRIX[name][0](checked_in_visit)
    assert client.get(url, **auth).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), list(zip(PERSONAS, [401, 200, 404, 404, 404, 404, 404], strict=True))
)
def test_api_cancel_permission_matrix(
    client, request, membership, bob_pass, offer, tuesday, persona, expected
):
    visit = svc.book_visit(pass_=bob_pass, place=offer.place, day=tuesday, idempotency_key="k")
    auth = {} if persona == "anonymous" else bearer(request.getfixturevalue(persona))
    assert client.post(f"{BASE}/bookings/{visit.pk}/cancel", **auth).status_code == expected
