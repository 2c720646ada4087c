"""Every URL of mobility, for the seven personas of the permission matrix."""

import pytest
from django.core import signing
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.mobility import booking as svc
from maillage.mobility.views import QR_SALT

LOGIN = "login"
DONE = "done"

#                anonymous bob  charlie alice erin  dora  root
PUBLIC = [200, 200, 200, 200, 200, 200, 200]
LOGGED_IN = [LOGIN, 200, 200, 200, 200, 200, 200]
# Someone else's pass or booking is not there for you: 404, not 403 (ids are not to be guessed).
PASS_VIEWERS = [LOGIN, 200, 404, 404, 404, 200, 200]
HOLDER = [LOGIN, 200, 404, 404, 404, 404, 404]
HOST_MANAGERS = [LOGIN, 404, 200, 404, 404, 404, 200]
PLACE_MANAGERS = [LOGIN, 403, 403, 200, 403, 403, 200]
COORDINATORS = [LOGIN, 403, 403, 403, 403, 200, 200]


@pytest.fixture
def visit(bob_pass, offer, other_place, tuesday):
    return svc.book_visit(pass_=bob_pass, place=other_place, day=tuesday, idempotency_key="perm")


GET_MATRIX = {
    "find": (lambda v: reverse("mobility:find"), PUBLIC),
    "my-passes": (lambda v: reverse("mobility:my-passes"), LOGGED_IN),
    "pass-subscribe": (lambda v: reverse("mobility:pass-subscribe"), LOGGED_IN),
    "pass-detail": (
        lambda v: reverse("mobility:pass-detail", args=[v.member_pass_id]),
        PASS_VIEWERS,
    ),
    "book": (lambda v: reverse("mobility:book", args=["le-hangar"]), LOGGED_IN),
    "booking-qr": (lambda v: reverse("mobility:booking-qr", args=[v.pk]), HOLDER),
    "check-in-qr": (
        lambda v: reverse("mobility:check-in-qr", args=[signing.dumps(v.pk, salt=QR_SALT)]),
        HOST_MANAGERS,
    ),
    "offer-edit": (lambda v: reverse("mobility:offer-edit", args=["la-bobine"]), PLACE_MANAGERS),
    "host-day": (lambda v: reverse("mobility:host-day", args=["la-bobine"]), PLACE_MANAGERS),
    "scheme-list": (lambda v: reverse("mobility:scheme-list", args=["reseau-a"]), COORDINATORS),
    "scheme-detail": (
        lambda v: reverse("mobility:scheme-detail", args=["reseau-a", v.member_pass.scheme_id]),
        COORDINATORS,
    ),
    "pass-grant": (
        lambda v: reverse("mobility:pass-grant", args=["reseau-a", v.member_pass.scheme_id]),
        COORDINATORS,
    ),
}


def outcome(response) -> int | str:
    if response.status_code == 302:
        return LOGIN if response["Location"].startswith(reverse("account_login")) else DONE
    return response.status_code


@pytest.mark.parametrize(
    ("url_name", "persona", "expected"),
    [
        (name, persona, expected)
        for name, (_, row) in GET_MATRIX.items()
        for persona, expected in zip(PERSONAS, row, strict=True)
    ],
)
def test_get_permission_matrix(persona_client, visit, url_name, persona, expected):
    url = GET_MATRIX[url_name][0](visit)
    assert outcome(persona_client(persona).get(url)) == expected


POST_MATRIX = {
    "booking-cancel": (
        lambda v: reverse("mobility:booking-cancel", args=[v.pk]),
        [LOGIN, DONE, 404, 404, 404, 404, 404],
    ),
    "booking-check-in": (
        lambda v: reverse("mobility:booking-host-action", args=[v.pk, "arrivee"]),
        [LOGIN, 404, DONE, 404, 404, 404, DONE],
    ),
    "booking-approve": (
        lambda v: reverse("mobility:booking-host-action", args=[v.pk, "accepter"]),
        [LOGIN, 404, DONE, 404, 404, 404, DONE],
    ),
    "book": (
        lambda v: reverse("mobility:book", args=["le-hangar"]),
        [LOGIN, 400, 400, 400, 400, 400, 400],  # an empty form: refused, nothing booked
    ),
}


@pytest.mark.parametrize(
    ("url_name", "persona", "expected"),
    [
        (name, persona, expected)
        for name, (_, row) in POST_MATRIX.items()
        for persona, expected in zip(PERSONAS, row, strict=True)
    ],
)
def test_post_permission_matrix(persona_client, visit, url_name, persona, expected):
    url = POST_MATRIX[url_name][0](visit)
    assert outcome(persona_client(persona).post(url)) == expected


def test_unknown_objects_are_404(persona_client, visit):
    client = persona_client("root")
    assert client.get(reverse("mobility:pass-detail", args=[999999])).status_code == 404
    assert client.get(reverse("mobility:book", args=["nulle-part"])).status_code == 404
    assert client.get(reverse("mobility:check-in-qr", args=["forged:token"])).status_code == 404
    url = reverse("mobility:booking-host-action", args=[visit.pk, "supprimer"])
    assert client.post(url).status_code == 404
