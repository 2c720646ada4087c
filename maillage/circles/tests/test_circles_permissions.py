"""Every URL of the circles area, for every circle persona, answers with the expected status."""

import pytest
from django.urls import reverse

from maillage.circles.models import CircleMember
from maillage.circles.tests.conftest import CIRCLE_PERSONAS

pytestmark = pytest.mark.django_db

A, P, C, S, H, D, E, R = CIRCLE_PERSONAS  # anonymous … root, in the conftest's order
ALL = {name: 200 for name in CIRCLE_PERSONAS}


def only(*allowed: str, anonymous: int = 302) -> dict[str, int]:
    expected = {name: (200 if name in allowed else 403) for name in CIRCLE_PERSONAS}
    expected["anonymous"] = anonymous
    return expected


GET_MATRIX = [
    ("circles:circle-list", {}, ALL),
    ("circles:network-circles", {"network_slug": "reseau-a"}, ALL),
    ("circles:circle-detail", {"slug": "douaisis"}, ALL),
    ("circles:action-detail", {"slug": "douaisis", "pk": "action"}, ALL),
    ("circles:circle-create", {}, only(D, E, R)),
    ("circles:circle-edit", {"slug": "douaisis"}, only(D, R)),
    ("circles:circle-people", {"slug": "douaisis"}, only(P, C, S, H, D, R)),
    ("circles:role-request", {"slug": "douaisis"}, only(P, C, S)),
    ("circles:role-end", {"slug": "douaisis", "pk": "contributor_row"}, only(D, R)),
    ("circles:action-create", {"slug": "douaisis"}, only(P, C, S, D, R)),
    ("circles:action-edit", {"slug": "douaisis", "pk": "action"}, only(P, C, S, D, R)),
]


def _kwargs(kwargs, action, contributor):
    resolved = dict(kwargs)
    if resolved.get("pk") == "action":
        resolved["pk"] = action.pk
    if resolved.get("pk") == "contributor_row":
        resolved["pk"] = CircleMember.objects.get(user=contributor, ended_at__isnull=True).pk
    return resolved


@pytest.mark.parametrize("persona", CIRCLE_PERSONAS)
@pytest.mark.parametrize(("name", "kwargs", "expected"), GET_MATRIX, ids=[m[0] for m in GET_MATRIX])
def test_get_answers_each_persona_as_expected(
    circle_client, action, contributor, persona, name, kwargs, expected
):
    client = circle_client(persona)

    response = client.get(reverse(name, kwargs=_kwargs(kwargs, action, contributor)))

    assert response.status_code == expected[persona], (name, persona)
    if response.status_code == 302:
        assert reverse("account_login") in response["Location"]


REPORTERS = {C, S, D, R}  # the owner (Fanny), the soucieux, the coordinator, the admin


@pytest.mark.parametrize("persona", CIRCLE_PERSONAS)
def test_only_owners_stewards_and_coordinators_report_on_an_action(circle_client, action, persona):
    client = circle_client(persona)
    url = reverse("circles:action-report", kwargs={"slug": "douaisis", "pk": action.pk})

    response = client.post(url, {"text": "Le guide est imprimé."})

    if persona == A:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    elif persona in REPORTERS:
        assert response.status_code == 302
        assert action.reports.filter(text="Le guide est imprimé.").exists()
    else:
        assert response.status_code == 403
        assert not action.reports.exists()


@pytest.mark.parametrize(
    "name", ["circles:circle-join", "circles:circle-leave", "circles:action-report"]
)
def test_post_only_urls_refuse_get(circle_client, action, name):
    kwargs = {"slug": "douaisis"}
    if name == "circles:action-report":
        kwargs["pk"] = action.pk

    response = circle_client(P).get(reverse(name, kwargs=kwargs))

    assert response.status_code == 405


def test_unknown_circle_is_404(circle_client):
    assert circle_client(D).get("/cercles/inconnu/").status_code == 404
    assert circle_client(D).get("/cercles/inconnu/modifier/").status_code == 404


def test_contacts_are_shown_to_network_members_only(circle_client, circle):
    circle.contact_email = "douaisis@example.org"
    circle.contact_phone = "03 27 00 00 00"
    circle.save()
    url = reverse("circles:circle-detail", kwargs={"slug": "douaisis"})

    anonymous = circle_client(A).get(url).content.decode()
    stranger = circle_client(E).get(url).content.decode()
    member = circle_client(P).get(url).content.decode()

    for page in (anonymous, stranger):
        assert "douaisis@example.org" not in page
        assert "03 27 00 00 00" not in page
        assert "Gaston" not in page
    assert "douaisis@example.org" in member
    assert "03 27 00 00 00" in member
    assert "Gaston" in member
