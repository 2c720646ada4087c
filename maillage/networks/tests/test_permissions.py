"""Every URL of the networks app, for the seven personas of the permission matrix."""

import pytest
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.networks.models import Membership, MembershipStatus

LOGIN = "login"  # redirected to the login page
DONE = "done"  # redirected elsewhere after the action succeeded or was explained

#                    anonymous bob  charlie alice erin  dora  root
PUBLIC = [200, 200, 200, 200, 200, 200, 200]
LOGGED_IN = [LOGIN, 200, 200, 200, 200, 200, 200]
COORDINATORS = [LOGIN, 403, 403, 403, 403, 200, 200]
VIEWERS = [LOGIN, 403, 403, 200, 403, 200, 200]

GET_MATRIX = {
    "network-list": (lambda m: reverse("networks:network-list"), PUBLIC),
    "network-detail": (lambda m: reverse("networks:network-detail", args=["reseau-a"]), PUBLIC),
    "network-create": (lambda m: reverse("networks:network-create"), LOGGED_IN),
    "my-memberships": (lambda m: reverse("networks:my-memberships"), LOGGED_IN),
    "membership-apply": (
        lambda m: reverse("networks:membership-apply", args=["reseau-a"]),
        LOGGED_IN,
    ),
    "network-edit": (lambda m: reverse("networks:network-edit", args=["reseau-a"]), COORDINATORS),
    "network-territory": (
        lambda m: reverse("networks:network-territory", args=["reseau-a"]),
        COORDINATORS,
    ),
    "network-roles": (lambda m: reverse("networks:network-roles", args=["reseau-a"]), COORDINATORS),
    "membership-list": (
        lambda m: reverse("networks:membership-list", args=["reseau-a"]),
        COORDINATORS,
    ),
    "membership-detail": (
        lambda m: reverse("networks:membership-detail", args=["reseau-a", m.pk]),
        VIEWERS,
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
def test_get_permission_matrix(persona_client, membership, url_name, persona, expected):
    url = GET_MATRIX[url_name][0](membership)
    assert outcome(persona_client(persona).get(url)) == expected


POST_MATRIX = {
    # Removing Dora's role: refused (last coordinator) but explained by a redirect for coordinators.
    "role-remove": [LOGIN, 403, 403, 403, 403, DONE, DONE],
    "membership-transition-suspendre": [LOGIN, 403, 403, 403, 403, DONE, DONE],
    "membership-transition-quitter": [LOGIN, 403, 403, DONE, 403, DONE, DONE],
}


def post_url(name: str, membership: Membership) -> str:
    if name == "role-remove":
        role = membership.network.roles.get(user__email="dora@example.org")
        return reverse("networks:role-remove", args=["reseau-a", role.pk])
    action = name.rsplit("-", 1)[1]
    return reverse("networks:membership-transition", args=["reseau-a", membership.pk, action])


@pytest.mark.parametrize(
    ("url_name", "persona", "expected"),
    [
        (name, persona, expected)
        for name, row in POST_MATRIX.items()
        for persona, expected in zip(PERSONAS, row, strict=True)
    ],
)
def test_post_permission_matrix(persona_client, membership, url_name, persona, expected):
    response = persona_client(persona).post(
        post_url(url_name, membership), {"reason": "Cotisation impayée.", "confirm": "oui"}
    )
    assert outcome(response) == expected
    status = Membership.objects.get(pk=membership.pk).status
    if expected in (LOGIN, 403):
        assert status == MembershipStatus.ACCEPTED


def test_a_coordinator_of_network_b_cannot_act_on_network_a(persona_client, membership):
    client = persona_client("erin")
    for action in ["examiner", "accepter", "refuser", "suspendre", "reintegrer", "quitter"]:
        url = reverse("networks:membership-transition", args=["reseau-a", membership.pk, action])
        assert client.post(url, {"reason": "x", "confirm": "oui"}).status_code == 403
        assert client.get(url).status_code in (403, 405)
    response = client.post(
        reverse("networks:network-edit", args=["reseau-a"]), {"name": "Pris", "level": "local"}
    )
    assert response.status_code == 403
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.ACCEPTED


def test_transition_urls_refuse_get_and_unknown_actions(persona_client, membership):
    client = persona_client("dora")
    url = reverse("networks:membership-transition", args=["reseau-a", membership.pk, "suspendre"])
    assert client.get(url).status_code == 405
    bad = reverse("networks:membership-transition", args=["reseau-a", membership.pk, "effacer"])
    assert client.post(bad).status_code == 404


def test_a_membership_is_not_found_under_another_network(persona_client, membership):
    url = reverse("networks:membership-detail", args=["reseau-b", membership.pk])
    assert persona_client("root").get(url).status_code == 404


def test_unknown_network_is_not_found(persona_client):
    assert persona_client("anonymous").get("/reseaux/inconnu/").status_code == 404
