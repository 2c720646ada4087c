"""Permission matrix over every freshness URL, for the seven personas."""

import pytest
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.directory.freshness.tokens import make_token

pytestmark = pytest.mark.django_db

#              anonymous bob  charlie alice erin dora root
DASHBOARD = dict(zip(PERSONAS, [302, 403, 403, 403, 403, 200, 200], strict=True))
PLACE_CONFIRM = dict(zip(PERSONAS, [302, 403, 403, 302, 403, 403, 302], strict=True))
TOKEN_PAGE = dict.fromkeys(PERSONAS, 200)  # the link works for anyone who holds it


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["freshness:network-dashboard", "freshness:network-dashboard-csv"])
def test_only_the_network_coordinators_see_its_dashboard(persona_client, persona, name):
    response = persona_client(persona).get(reverse(name, args=["reseau-a"]))
    assert response.status_code == DASHBOARD[persona]
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_dashboard_of_an_unknown_network_is_not_found(persona_client, persona):
    response = persona_client(persona).get(reverse("freshness:network-dashboard", args=["inconnu"]))
    assert response.status_code == (302 if persona == "anonymous" else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_managers_and_admins_confirm_from_the_place_page(persona_client, persona, place):
    response = persona_client(persona).post(reverse("freshness:place-confirm", args=[place.slug]))
    assert response.status_code == PLACE_CONFIRM[persona]
    place.refresh_from_db()
    assert place.confirmation_count == (
        1 if PLACE_CONFIRM[persona] == 302 and persona != "anonymous" else 0
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_confirming_from_the_place_page_needs_a_post(persona_client, persona, place):
    response = persona_client(persona).get(reverse("freshness:place-confirm", args=[place.slug]))
    assert response.status_code == (302 if persona == "anonymous" else 405)
    place.refresh_from_db()
    assert place.confirmation_count == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_with_a_valid_link_sees_the_confirmation_page(
    persona_client, persona, place, reminder
):
    token = make_token(place_id=place.pk, reminder_id=reminder.pk)
    url = reverse("freshness:token-confirm", args=[place.slug, token])
    response = persona_client(persona).get(url)
    assert response.status_code == TOKEN_PAGE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_link_to_an_unknown_place_is_not_found(persona_client, persona, place, reminder):
    token = make_token(place_id=place.pk, reminder_id=reminder.pk)
    url = reverse("freshness:token-confirm", args=["inconnu", token])
    assert persona_client(persona).post(url).status_code == 404
