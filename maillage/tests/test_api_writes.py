"""Writes through the API: token authentication, the permission matrix over every write
operation, and the services' rules applied exactly as on the pages."""

import json

import pytest

from maillage.accounts.api_tokens import create_api_token, revoke_api_token
from maillage.conftest import PERSONAS
from maillage.places.models import Equipment, EquipmentCategory, Place, Space, SpaceKind
from maillage.places.tests.factories import EquipmentFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _, key = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(client, method: str, url: str, body=None, **headers):
    return getattr(client, method)(
        url,
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        **headers,
    )


# --- Authentication -------------------------------------------------------------------------


def test_a_write_without_a_token_is_refused_with_401_in_french(client, place):
    response = send(client, "patch", f"/api/v1/places/{place.slug}", {"name": "Nouveau nom"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["detail"]
    place.refresh_from_db()
    assert place.name == "La Bobine"


@pytest.mark.parametrize(
    "header",
    ["Bearer mlg_nope", "Bearer ", "Token mlg_nope", "Basic YWxpY2U6c2VjcmV0", "mlg_nope"],
)
def test_a_write_with_a_wrong_token_is_refused_with_401(client, place, alice, header):
    response = send(
        client, "patch", f"/api/v1/places/{place.slug}", {"name": "X"}, HTTP_AUTHORIZATION=header
    )
    assert response.status_code == 401
    assert "jeton" in response.json()["detail"].lower()
    place.refresh_from_db()
    assert place.name == "La Bobine"


def test_a_revoked_token_is_refused_with_401(client, place, alice):
    token, key = create_api_token(user=alice, name="ancien script")
    revoke_api_token(token=token, by=alice)

    response = send(
        client,
        "patch",
        f"/api/v1/places/{place.slug}",
        {"summary": "x"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert response.status_code == 401
    assert "révoqué" in response.json()["detail"]


def test_a_valid_token_lets_a_manager_edit_their_place(client, place, alice):
    response = send(
        client,
        "patch",
        f"/api/v1/places/{place.id}",
        {"summary": "Un tiers-lieu au bord de la Scarpe", "access_step_free": True},
        **bearer(alice),
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary"] == "Un tiers-lieu au bord de la Scarpe"
    assert body["accessibility"]["step_free"] is True
    place.refresh_from_db()
    assert place.summary == "Un tiers-lieu au bord de la Scarpe"
    assert place.name == "La Bobine"  # fields not sent stay as they were


def test_a_logged_in_session_is_not_enough_to_write(client, place, alice):
    client.force_login(alice)
    response = send(client, "patch", f"/api/v1/places/{place.slug}", {"summary": "x"})
    assert response.status_code == 401


# --- The permission matrix ------------------------------------------------------------------

MANAGERS = {
    "anonymous": 401,
    "bob": 403,
    "charlie": 403,
    "alice": "ok",
    "erin": 403,
    "dora": 403,
    "root": "ok",
}


def _operations(place, space, item):
    base = f"/api/v1/places/{place.slug}"
    return {
        "patch-place": ("patch", base, {"summary": "Modifié par l'API"}, 200),
        "create-space": ("post", f"{base}/spaces", {"name": "Atelier", "kind": "workshop"}, 201),
        "patch-space": ("patch", f"{base}/spaces/{space.pk}", {"capacity": 40}, 200),
        "delete-space": ("delete", f"{base}/spaces/{space.pk}", None, 204),
        "create-equipment": (
            "post",
            f"{base}/equipment",
            {"name": "Scie", "category": "woodwork"},
            201,
        ),
        "patch-equipment": ("patch", f"{base}/equipment/{item.pk}", {"quantity": 3}, 200),
        "delete-equipment": ("delete", f"{base}/equipment/{item.pk}", None, 204),
    }


def _snapshot():
    return (
        list(Place.objects.values_list("pk", "summary", "updated_at").order_by("pk")),
        list(Space.objects.values_list("pk", "name", "capacity").order_by("pk")),
        list(Equipment.objects.values_list("pk", "name", "quantity").order_by("pk")),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "operation",
    [
        "patch-place",
        "create-space",
        "patch-space",
        "delete-space",
        "create-equipment",
        "patch-equipment",
        "delete-equipment",
    ],
)
def test_write_permission_matrix(persona_client, request, place, persona, operation):
    space = SpaceFactory(place=place, name="Salle Scarpe", capacity=12)
    item = EquipmentFactory(place=place, quantity=1)
    method, url, body, success = _operations(place, space, item)[operation]
    client = persona_client(persona)
    client.logout()  # the API ignores sessions: only the token counts
    headers = {} if persona == "anonymous" else bearer(request.getfixturevalue(persona))
    before = _snapshot()

    response = send(client, method, url, body, **headers)

    expected = MANAGERS[persona]
    if expected == "ok":
        assert response.status_code == success, response.content
        assert _snapshot() != before
    else:
        assert response.status_code == expected
        assert response.json()["detail"]
        assert _snapshot() == before


def test_an_unknown_place_is_404_even_for_a_manager(client, alice):
    response = send(client, "patch", "/api/v1/places/nulle-part", {"summary": "x"}, **bearer(alice))
    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable."}


def test_a_space_of_another_place_is_404_for_its_manager(client, place, other_place, alice):
    elsewhere = SpaceFactory(place=other_place)
    response = send(
        client,
        "patch",
        f"/api/v1/places/{place.slug}/spaces/{elsewhere.pk}",
        {"capacity": 1},
        **bearer(alice),
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.capacity == 12


def test_a_manager_can_write_to_their_unpublished_place(client, place, alice):
    place.is_published = False
    place.save(update_fields=["is_published"])
    response = send(
        client,
        "post",
        f"/api/v1/places/{place.slug}/spaces",
        {"name": "Bureau", "kind": "office"},
        **bearer(alice),
    )
    assert response.status_code == 201
    assert response.json()["place_id"] == place.pk


# --- What writes do -------------------------------------------------------------------------


def test_creating_a_space_returns_it_with_its_id(client, place, alice):
    response = send(
        client,
        "post",
        f"/api/v1/places/{place.slug}/spaces",
        {
            "name": "Salle des fêtes",
            "kind": "meeting_room",
            "capacity": 80,
            "surface_m2": 120,
            "uses": "réunion, spectacle",
            "price_public_cents": 15000,
            "is_accessible": True,
        },
        **bearer(alice),
    )

    assert response.status_code == 201
    body = response.json()
    space = Space.objects.get(pk=body["id"])
    assert space.kind == SpaceKind.MEETING_ROOM
    assert space.price_public_cents == 15000
    assert space.last_confirmed_at is not None
    assert body["uses"] == ["réunion", "spectacle"]
    assert body["place_slug"] == "la-bobine"


def test_patching_equipment_changes_only_the_fields_sent(client, place, alice):
    item = EquipmentFactory(place=place, name="Imprimante 3D", quantity=1, price_cents=500)
    response = send(
        client,
        "patch",
        f"/api/v1/places/{place.slug}/equipment/{item.pk}",
        {"category": "digital_fab", "sharing_mode": "loan", "deposit_cents": 20000},
        **bearer(alice),
    )

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.name, item.price_cents, item.deposit_cents) == ("Imprimante 3D", 500, 20000)
    assert item.category == EquipmentCategory.DIGITAL_FAB
    assert item.sharing_mode == "loan"


def test_moving_a_place_to_another_commune_by_insee_code(client, place, alice):
    from maillage.territory.tests.factories import CommuneFactory

    CommuneFactory(
        code_insee="59350", name="Lille", postal_codes="|59000|", latitude=50.63, longitude=3.06
    )
    response = send(
        client,
        "patch",
        f"/api/v1/places/{place.slug}",
        {"commune": "59350", "postal_code": "59000", "latitude": 50.631, "longitude": 3.058},
        **bearer(alice),
    )

    assert response.status_code == 200, response.content
    assert response.json()["commune"]["name"] == "Lille"
    place.refresh_from_db()
    assert place.commune_id == "59350"


def test_deleting_a_space_removes_it(client, place, alice):
    space = SpaceFactory(place=place)
    response = send(
        client, "delete", f"/api/v1/places/{place.slug}/spaces/{space.pk}", **bearer(alice)
    )
    assert response.status_code == 204
    assert not Space.objects.filter(pk=space.pk).exists()
