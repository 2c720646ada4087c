import pytest
from django.urls import reverse

from maillage.places.models import Place
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, alice):
    client.force_login(alice)
    return client


def post_create(client, data):
    return client.post(reverse("places:place-create"), data)


def test_a_valid_form_creates_the_place_and_normalises_its_hours(logged_in, form_data):
    response = post_create(logged_in, form_data())

    place = Place.objects.get(name="La Fabrique du Coin")
    assert response.status_code == 302
    assert response.url == place.get_absolute_url()
    assert place.types == ["fablab", "cafe"]
    assert place.opening_hours == {"mo": "09:00-12:30,14:00-18:00"}
    assert place.commune.code_insee == "59178"


def test_missing_fields_get_french_messages_next_to_them(logged_in, form_data):
    response = post_create(logged_in, form_data(name="", types=None, address=""))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_name_error"><li>Le nom du lieu est obligatoire.' in html
    assert "Choisissez au moins un type de lieu." in html
    assert "Indiquez l&#x27;adresse du lieu." in html
    assert 'aria-describedby="id_name_error"' in html
    assert not Place.objects.filter(name="La Fabrique du Coin").exists()


def test_unreadable_hours_are_explained_next_to_the_day(logged_in, form_data):
    response = post_create(logged_in, form_data(hours_tu="18:00-09:00", hours_we="midi-14h"))

    html = response.content.decode()
    assert 'id="id_hours_tu_error"' in html
    assert "se termine avant de commencer" in html
    assert "n&#x27;est pas une heure" in html
    assert not Place.objects.filter(name="La Fabrique du Coin").exists()


def test_coordinates_out_of_range_are_refused_in_french(logged_in, form_data):
    response = post_create(logged_in, form_data(latitude="95", longitude="3,08"))

    html = response.content.decode()
    assert 'id="id_latitude_error"' in html
    assert "inférieure ou égale à 90" in html


def test_a_point_outside_france_is_refused_with_the_rule_that_failed(logged_in, form_data):
    response = post_create(logged_in, form_data(latitude="50.85", longitude="4.35"))

    html = response.content.decode()
    assert 'id="id_latitude_error"' in html
    assert "km du centre de Douai" in html
    assert not Place.objects.filter(name="La Fabrique du Coin").exists()


def test_a_duplicate_is_refused_with_a_link_to_the_existing_place(logged_in, form_data, commune):
    existing = PlaceFactory(name="La Fabrique du Coin", slug="la-fabrique", commune=commune)

    response = post_create(logged_in, form_data(name="la fabrique du coin"))

    html = response.content.decode()
    assert "existe déjà à moins de 200 m" in html
    assert f'href="{existing.get_absolute_url()}"' in html
    assert Place.objects.filter(name__iexact="la fabrique du coin").count() == 1


def test_a_wrong_postal_code_is_refused_next_to_the_postal_code(logged_in, form_data):
    response = post_create(logged_in, form_data(postal_code="59000"))

    html = response.content.decode()
    assert 'id="id_postal_code_error"' in html
    assert "n&#x27;est pas celui de Douai" in html


def test_without_javascript_a_postal_code_with_one_commune_is_accepted(logged_in, form_data):
    post_create(logged_in, form_data(commune="", commune_search="59500"))

    assert Place.objects.get(name="La Fabrique du Coin").commune.name == "Douai"


def test_a_postal_code_shared_by_several_communes_lists_them(logged_in, form_data):
    CommuneFactory(code_insee="59367", name="Lambres-lez-Douai", postal_codes="|59500|")

    response = post_create(logged_in, form_data(commune="", commune_search="59500"))

    html = response.content.decode()
    assert 'id="id_commune_search_error"' in html
    assert "Plusieurs communes correspondent" in html
    assert "Douai" in html and "Lambres-lez-Douai" in html
    assert not Place.objects.filter(name="La Fabrique du Coin").exists()


def test_a_postal_code_and_a_name_pick_one_of_several_communes(logged_in, form_data):
    CommuneFactory(code_insee="59367", name="Lambres-lez-Douai", postal_codes="|59500|")

    post_create(logged_in, form_data(commune="", commune_search="59500 Douai"))

    assert Place.objects.get(name="La Fabrique du Coin").commune.code_insee == "59178"


def test_an_insee_code_typed_by_hand_is_accepted(logged_in, form_data):
    post_create(logged_in, form_data(commune="", commune_search="59178"))

    assert Place.objects.get(name="La Fabrique du Coin").commune.code_insee == "59178"


def test_an_unknown_commune_is_explained(logged_in, form_data):
    response = post_create(logged_in, form_data(commune="", commune_search="Atlantide"))

    assert "Aucune commune ne correspond" in response.content.decode()


def test_the_edit_form_shows_current_values_and_an_invalid_edit_changes_nothing(
    client, alice, place
):
    place.opening_hours = {"fr": "10:00-19:00"}
    place.save()
    client.force_login(alice)
    url = reverse("places:place-edit", args=[place.slug])

    html = client.get(url).content.decode()
    assert 'value="10:00-19:00"' in html
    assert 'value="Douai (59500)"' in html

    response = client.post(url, {"name": "Nouveau nom", "types": ["cafe"]})
    assert response.status_code == 200
    assert "<h1>Modifier La Bobine</h1>" in response.content.decode()
    place.refresh_from_db()
    assert place.name == "La Bobine"


def test_an_edit_saves_every_field(client, alice, place, form_data):
    client.force_login(alice)

    response = client.post(
        reverse("places:place-edit", args=[place.slug]),
        form_data(
            name="La Bobine",
            access_step_free="on",
            accessibility_note="Rampe côté cour",
            acceslibre_url="https://acceslibre.beta.gouv.fr/app/59-douai/a/la-bobine/",
            email="contact@bobine.example",
            phone="03 27 00 00 00",
            website="https://bobine.example",
            opening_hours_note="Fermé en août",
        ),
    )

    assert response.status_code == 302
    place.refresh_from_db()
    assert place.access_step_free is True
    assert place.phone == "03 27 00 00 00"
    assert place.opening_hours_note == "Fermé en août"
    assert place.slug == "la-bobine"


def test_an_acceslibre_link_must_point_to_acceslibre(client, alice, place, form_data):
    client.force_login(alice)

    response = client.post(
        reverse("places:place-edit", args=[place.slug]),
        form_data(name="La Bobine", acceslibre_url="https://example.org/fiche"),
    )

    assert 'id="id_acceslibre_url_error"' in response.content.decode()
