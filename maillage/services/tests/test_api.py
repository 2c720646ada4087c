"""The API: public catalogue and cercle; support requests only for the requester, the assignee
and the network's team; peer groups for their members and the team."""

import pytest

from maillage.accounts.api_tokens import create_api_token
from maillage.services.tests.conftest import make_service

pytestmark = pytest.mark.django_db


def _get(client, url, user=None):
    headers = {}
    if user is not None:
        _token, key = create_api_token(user=user, name="test")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client.get(url, **headers)


def test_the_catalogue_and_cercle_are_public(client, dora, network_a, mathieu):
    make_service(network_a, dora, price_member_cents=18000)

    services = _get(client, "/api/v1/services").json()
    assert services["items"][0]["price_member_cents"] == 18000
    accompanists = _get(client, "/api/v1/accompanists").json()
    assert [a["name"] for a in accompanists["items"]] == ["Mathieu Conseil"]
    assert "ratings" not in accompanists["items"][0]


# persona → (list count, detail status)
MATRIX = {
    "anonymous": (401, 401),
    "bob": (0, 404),
    "charlie": (
        0,
        404,
    ),  # a proposed helper answers by e-mail; the API is for the requester and team
    "alice": (1, 200),
    "erin": (0, 404),
    "dora": (1, 200),
    "gaelle": (1, 200),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_support_requests_permission_matrix(
    persona, client, proposed, request, bob, charlie, erin, dora, alice
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    listing = _get(client, "/api/v1/support-requests", user)
    detail = _get(client, f"/api/v1/support-requests/{proposed.pk}", user)
    expected_list, expected_detail = MATRIX[persona]

    if expected_list == 401:
        assert listing.status_code == 401 and detail.status_code == 401
        return
    assert listing.json()["count"] == expected_list
    assert detail.status_code == expected_detail
    if expected_detail == 200:
        assert {p["kind"] for p in detail.json()["proposals"]} == {"peer_place", "professional"}


def test_peer_groups_are_for_their_members_and_the_team(
    client, network_a, dora, gaelle, alice, place, erin
):
    from maillage.services import programmes

    group = programmes.create_group(
        by=dora, network=network_a, name="Codév", audience="all", facilitator=gaelle
    )
    programmes.add_member(by=dora, group=group, user=alice, place=place)

    assert _get(client, "/api/v1/peer-groups", alice).json()["count"] == 1
    assert _get(client, "/api/v1/peer-groups", dora).json()["count"] == 1
    assert _get(client, "/api/v1/peer-groups", erin).json()["count"] == 0
    assert "notes" not in str(_get(client, "/api/v1/peer-groups", alice).json())
