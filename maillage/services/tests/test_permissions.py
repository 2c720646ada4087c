"""Who may open each page of the services app: the permission matrix."""

import pytest
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.services import requests as support
from maillage.services.tests.conftest import make_service

pytestmark = pytest.mark.django_db

A, R, F, N = 200, 302, 403, 404
# anonymous, bob (member), charlie (manager of the proposed peer place), alice (requester,
# manager of La Bobine), erin (coordinator of network B), dora (coordinator of A), root
EVERYONE = (A, A, A, A, A, A, A)
SIGNED_IN = (R, A, A, A, A, A, A)
TEAM = (R, F, F, F, F, A, A)
MANAGER_OF_BOBINE = (R, F, F, A, F, F, A)
REQUEST = (R, F, A, A, F, A, A)
CLOSE = (R, F, F, A, F, A, A)


@pytest.fixture
def world(proposed, dora, mathieu, place):
    service = make_service(proposed.network, dora)
    return {"request": proposed, "service": service, "mathieu": mathieu, "place": place}


def matrix(world):
    request, service, place = world["request"], world["service"], world["place"]
    slug = request.network.slug
    return {
        reverse("services:catalogue"): EVERYONE,
        reverse("services:service-detail", args=[service.slug]): EVERYONE,
        reverse("services:accompanists"): EVERYONE,
        reverse("services:accompanist-detail", args=[world["mathieu"].pk]): EVERYONE,
        reverse("services:similar", args=[place.slug]): EVERYONE,
        reverse("services:requests"): SIGNED_IN,
        reverse("services:request-create"): SIGNED_IN,
        reverse("services:accompanist-apply"): SIGNED_IN,
        reverse("services:holder-create"): SIGNED_IN,
        reverse("services:holders"): SIGNED_IN,
        reverse("services:programmes"): SIGNED_IN,
        reverse("services:peer-profile", args=[place.slug]): MANAGER_OF_BOBINE,
        reverse("services:service-create", args=[slug]): TEAM,
        reverse("services:service-edit", args=[service.slug]): TEAM,
        reverse("services:applications", args=[slug]): TEAM,
        reverse("services:dashboard", args=[slug]): TEAM,
        reverse("services:dashboard-csv", args=[slug]): TEAM,
        reverse("services:group-create", args=[slug]): TEAM,
        reverse("services:pairing-create", args=[slug]): TEAM,
        reverse("services:request-detail", args=[request.pk]): REQUEST,
        reverse("services:request-close", args=[request.pk]): CLOSE,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(persona, persona_client, world):
    client = persona_client(persona)
    index = PERSONAS.index(persona)
    got = {url: client.get(url).status_code for url in matrix(world)}
    expected = {url: statuses[index] for url, statuses in matrix(world).items()}

    assert got == expected


def test_the_helper_link_needs_its_signature(client, proposed):
    proposal = proposed.proposals.first()
    good = reverse("services:helper-answer", args=[support.proposal_token(proposal)])

    assert client.get(good).status_code == 200
    assert client.get(good[:-3] + "xx/").status_code == 404
    assert client.get(reverse("services:satisfaction", args=["faux"])).status_code == 404
    assert client.get(reverse("services:reference-answer", args=["faux"])).status_code == 404


def test_an_unknown_request_is_404_and_a_foreign_one_403(client, proposed, bob):
    client.force_login(bob)
    assert (
        client.get(reverse("services:request-detail", args=[proposed.pk + 99])).status_code == 404
    )
    assert client.get(reverse("services:request-detail", args=[proposed.pk])).status_code == 403


def test_posting_a_decision_needs_the_team(client, world, alice):
    from maillage.services.models import Accompanist

    applicant = world["mathieu"]
    Accompanist.objects.filter(pk=applicant.pk).update(status="applied")
    client.force_login(alice)
    url = reverse("services:accompanist-decide", args=[applicant.pk])

    # An application is invisible outside the team (and the applicant): 404, nothing changes.
    assert client.post(url, {"decision": "accept", "confirm": "oui"}).status_code == 404
    applicant.refresh_from_db()
    assert applicant.status == "applied"
