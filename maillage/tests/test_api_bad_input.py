"""Malformed API calls: 422 with a clear French message per field, and nothing changed."""

import pytest

from maillage.accounts.api_tokens import create_api_token
from maillage.places.models import Equipment, Place, Space
from maillage.places.tests.factories import EquipmentFactory, SpaceFactory

pytestmark = pytest.mark.django_db

SUMMARY = "La requête a été refusée : corrigez les champs indiqués. Rien n'a changé."


@pytest.fixture
def auth(alice):
    _, key = create_api_token(user=alice, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def snapshot():
    return (
        list(Place.objects.values().order_by("pk")),
        list(Space.objects.values().order_by("pk")),
        list(Equipment.objects.values().order_by("pk")),
    )


def raw(client, method, url, body: str, auth):
    return getattr(client, method)(url, data=body, content_type="application/json", **auth)


def errors_by_field(response) -> dict:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == SUMMARY
    return {error["field"]: error["message"] for error in body["errors"]}


CASES = [
    # (body, field, French words expected in its message)
    ('{"name": ', None, "pas du JSON valide"),
    ("[1, 2]", None, "objet JSON"),
    ('"texte"', None, "objet JSON"),
    ('{"name": 42}', "name", "Indiquez un texte"),
    ('{"name": ""}', "name", "au moins 1"),
    ('{"name": null}', "name", "ne peut pas être null"),
    ('{"name": "' + "x" * 201 + '"}', "name", "200 caractères au plus"),
    ('{"types": ["fablab", "boulangerie"]}', "types.1", "choisissez parmi"),
    ('{"types": "fablab"}', "types", "Indiquez une liste"),
    ('{"status": "ouvert"}', "status", "choisissez parmi project, open, closed."),
    ('{"latitude": "nord"}', "latitude", "Indiquez un nombre"),
    ('{"latitude": 123}', "latitude", "inférieure ou égale à 90"),
    ('{"latitude": NaN}', "latitude", "nombre fini"),
    ('{"access_toilets": "peut-être"}', "access_toilets", "true ou false"),
    ('{"opening_hours": ["lundi"]}', "opening_hours", "objet JSON"),
    ('{"couleur": "vert"}', "couleur", "Champ inconnu"),
    # Past the schema: the services' own rules, their French sentences.
    ('{"latitude": 48.85, "longitude": 2.35}', "latitude", "à moins de 30 km"),
    ('{"latitude": 2.35, "longitude": 48.85}', "latitude", "hors de France"),
    ('{"latitude": 50.37, "longitude": null}', None, "latitude et la longitude"),
    ('{"postal_code": "75001"}', "postal_code", "n'est pas celui de Douai"),
    ('{"commune": "99999"}', "commune", "Commune inconnue"),
    ('{"opening_hours": {"mo": "le matin"}}', "opening_hours", ""),
    ('{"types": ["fablab"], "website": "pas une adresse"}', "website", ""),
]


@pytest.mark.parametrize(("body", "field", "words"), CASES)
def test_a_malformed_place_patch_is_refused_in_french_and_changes_nothing(
    client, place, auth, body, field, words
):
    before = snapshot()

    response = raw(client, "patch", f"/api/v1/places/{place.slug}", body, auth)

    errors = errors_by_field(response)
    assert field in errors, errors
    assert words in errors[field]
    assert errors[field].strip()
    assert snapshot() == before


SPACE_CASES = [
    ("{}", {"name": "obligatoire", "kind": "obligatoire"}),
    ('{"name": "Salle", "kind": "grenier"}', {"kind": "choisissez parmi desk"}),
    ('{"name": "Salle", "kind": "desk", "capacity": -3}', {"capacity": "supérieure ou égale à 0"}),
    ('{"name": "Salle", "kind": "desk", "capacity": 2.5}', {"capacity": "sans décimales"}),
    ('{"name": "Salle", "kind": "desk", "capacity": 1e30}', {"capacity": "trop grand"}),
    (
        '{"name": "Salle", "kind": "desk", "price_public_cents": "dix euros"}',
        {"price_public_cents": "nombre entier"},
    ),
    ('{"name": "Salle", "kind": "desk", "price_unit": "siècle"}', {"price_unit": "choisissez"}),
    ('{"name": "Salle", "kind": "desk", "is_accessible": null}', {"is_accessible": "null"}),
    ('{"name": "Salle", "kind": "desk", "is_bookable": 0}', {"is_bookable": "true ou false"}),
    ('{"name": "Salle", "kind": "desk", "uses": null}', {"uses": "null"}),
]


@pytest.mark.parametrize(("body", "expected"), SPACE_CASES)
def test_a_malformed_new_space_is_refused_in_french(client, place, auth, body, expected):
    before = snapshot()

    response = raw(client, "post", f"/api/v1/places/{place.slug}/spaces", body, auth)

    errors = errors_by_field(response)
    for field, words in expected.items():
        assert words in errors[field], errors
    assert snapshot() == before


EQUIPMENT_CASES = [
    ('{"quantity": 0}', {"quantity": "supérieure ou égale à 1"}),
    ('{"sharing_mode": "vol"}', {"sharing_mode": "on_site, loan, with_operator"}),
    ('{"category": null}', {"category": "null"}),
    ('{"deposit_cents": -100}', {"deposit_cents": "supérieure ou égale à 0"}),
    ('{"name": "Scie", "id": 3}', {"id": "Champ inconnu"}),
]


@pytest.mark.parametrize(("body", "expected"), EQUIPMENT_CASES)
def test_a_malformed_equipment_patch_is_refused_in_french(client, place, auth, body, expected):
    item = EquipmentFactory(place=place)
    before = snapshot()

    response = raw(client, "patch", f"/api/v1/places/{place.slug}/equipment/{item.pk}", body, auth)

    errors = errors_by_field(response)
    for field, words in expected.items():
        assert words in errors[field], errors
    assert snapshot() == before


def test_one_bad_field_refuses_the_whole_patch(client, place, auth):
    space = SpaceFactory(place=place, name="Salle Scarpe", capacity=12)
    before = snapshot()

    response = raw(
        client,
        "patch",
        f"/api/v1/places/{place.slug}/spaces/{space.pk}",
        '{"name": "Grande salle", "capacity": "beaucoup"}',
        auth,
    )

    assert set(errors_by_field(response)) == {"capacity"}
    assert snapshot() == before


def test_a_duplicate_place_name_nearby_is_refused(client, place, other_place, auth):
    other_place.latitude, other_place.longitude = place.latitude, place.longitude
    other_place.save(update_fields=["latitude", "longitude"])
    before = snapshot()

    response = raw(client, "patch", f"/api/v1/places/{place.slug}", '{"name": "Le Hangar"}', auth)

    errors = errors_by_field(response)
    assert "existe déjà à moins de 200 m" in errors[None]
    assert snapshot() == before


@pytest.mark.parametrize(
    "query", ["page=0", "page=abc", "page_size=101", "page_size=0", "page=99999999999999999999"]
)
@pytest.mark.parametrize("path", ["/api/v1/places", "/api/v1/spaces", "/api/v1/networks"])
def test_bad_paging_is_refused_in_french(client, place, path, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["location"] == "query"
    assert errors[0]["field"] in {"page", "page_size"}
    assert errors[0]["message"].startswith("Indiquez")


def test_an_unknown_space_kind_filter_is_refused_in_french(client, place):
    response = client.get("/api/v1/spaces?kind=grenier")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "location": "query",
            "field": "kind",
            "message": response.json()["errors"][0]["message"],
        }
    ]
    assert "choisissez parmi desk" in response.json()["errors"][0]["message"]


def test_the_schema_never_offers_null_where_the_api_refuses_it(client):
    from maillage.directory.api import NOT_NULL

    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("PlacePatchIn", "SpacePatchIn", "SpaceIn", "EquipmentPatchIn", "EquipmentIn"):
        for field, spec in schemas[name]["properties"].items():
            offers_null = spec.get("type") == "null" or any(
                option.get("type") == "null" for option in spec.get("anyOf", [])
            )
            assert offers_null == (field not in NOT_NULL), (name, field)
