"""The permission matrix: every URL of the places app, for every persona."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.places.models import Equipment, PlacePhoto, Space
from maillage.places.services import add_photo
from maillage.places.tests.conftest import image_bytes
from maillage.places.tests.factories import EquipmentFactory, SpaceFactory

pytestmark = pytest.mark.django_db

PUBLIC = {name: 200 for name in PERSONAS}
LOGGED_IN = {name: 200 for name in PERSONAS} | {"anonymous": 302}
MANAGERS = {
    "anonymous": 302,
    "bob": 403,
    "charlie": 403,
    "alice": 200,
    "erin": 403,
    "dora": 403,
    "root": 200,
}

# url name → (argument builder, expected status by persona)
MATRIX = {
    "place-list": (lambda o: [], PUBLIC),
    "place-detail": (lambda o: [o["place"].slug], PUBLIC),
    "place-create": (lambda o: [], LOGGED_IN),
    "my-places": (lambda o: [], LOGGED_IN),
    "place-edit": (lambda o: [o["place"].slug], MANAGERS),
    "place-managers": (lambda o: [o["place"].slug], MANAGERS),
    "manager-remove": (lambda o: [o["place"].slug, o["alice"].pk], MANAGERS),
    "space-create": (lambda o: [o["place"].slug], MANAGERS),
    "space-edit": (lambda o: [o["place"].slug, o["space"].pk], MANAGERS),
    "space-delete": (lambda o: [o["place"].slug, o["space"].pk], MANAGERS),
    "equipment-create": (lambda o: [o["place"].slug], MANAGERS),
    "equipment-edit": (lambda o: [o["place"].slug, o["equipment"].pk], MANAGERS),
    "equipment-delete": (lambda o: [o["place"].slug, o["equipment"].pk], MANAGERS),
    "photo-add": (lambda o: [o["place"].slug], MANAGERS),
    "photo-delete": (lambda o: [o["place"].slug, o["photo"].pk], MANAGERS),
}


@pytest.fixture
def objects(place, alice):
    photo = add_photo(
        place=place,
        by=alice,
        upload=SimpleUploadedFile("p.png", image_bytes(), content_type="image/png"),
        alt_text="La salle",
    )
    return {
        "place": place,
        "alice": alice,
        "space": SpaceFactory(place=place),
        "equipment": EquipmentFactory(place=place),
        "photo": photo,
    }


@pytest.mark.parametrize("url_name", MATRIX)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_answer_on_each_page(
    persona_client, objects, persona, url_name
):
    args, expected = MATRIX[url_name]
    url = reverse(f"places:{url_name}", args=args(objects))

    response = persona_client(persona).get(url)

    assert response.status_code == expected[persona], (persona, url)
    if response.status_code == 302:
        assert response.url.startswith(reverse("account_login"))


POSTS = ["place-edit", "place-managers", "manager-remove", "space-create", "space-edit",
         "space-delete", "equipment-create", "equipment-edit", "equipment-delete", "photo-add",
         "photo-delete"]  # fmt: skip


@pytest.mark.parametrize("url_name", POSTS)
@pytest.mark.parametrize("persona", ["anonymous", "bob", "charlie", "erin", "dora"])
def test_people_who_do_not_manage_the_place_change_nothing_by_posting(
    persona_client, objects, persona, url_name
):
    args, _expected = MATRIX[url_name]
    url = reverse(f"places:{url_name}", args=args(objects))

    response = persona_client(persona).post(url, {"name": "Piraté", "email": "bob@example.org"})

    assert response.status_code in {302, 403}
    if persona != "anonymous":
        assert response.status_code == 403
    place = objects["place"]
    place.refresh_from_db()
    assert place.name == "La Bobine"
    assert Space.objects.filter(place=place).count() == 1
    assert Equipment.objects.filter(place=place).count() == 1
    assert PlacePhoto.objects.filter(place=place).count() == 1
    assert place.roles.filter(role="manager").count() == 1


def test_a_manager_page_of_an_unknown_place_is_not_found(persona_client):
    response = persona_client("alice").get(reverse("places:place-edit", args=["nulle-part"]))

    assert response.status_code == 404


def test_my_places_is_not_taken_for_a_place_slug(persona_client):
    response = persona_client("alice").get("/lieux/mes-lieux/")

    assert response.resolver_match.url_name == "my-places"
