"""The search page: filters in the URL, notices instead of errors, htmx partial vs full page."""

import pytest
from django.urls import reverse

from maillage.places.tests.factories import PlaceFactory, SpaceFactory

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


@pytest.fixture
def places(reindex, douai, lille):
    room = PlaceFactory(name="La Ruche", commune=lille, latitude=50.6319, longitude=3.0575)
    SpaceFactory(place=room, name="Grande salle", kind="meeting_room", capacity=20)
    PlaceFactory(name="Le Fablab de Douai", types=["fablab"], commune=douai)
    reindex()


def test_the_page_lists_matching_places_with_their_distance(client, places):
    response = client.get(URL, {"q": "fablab", "near": "59350"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Le Fablab de Douai" in body
    assert "La Ruche" not in body
    assert "à 29 km" in body or "à 30 km" in body or "à 31 km" in body


def test_unknown_filter_values_give_notices_not_errors(client, places):
    response = client.get(
        URL,
        {
            "capacity_min": "vingt",
            "type": "chateau",
            "sort": "au-hasard",
            "near": "Atlantide",
            "lat": "abc",
            "lon": "1",
            "page": "-3",
            "price_max": "gratuit",
            "network": "inconnu",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Le filtre « capacité » doit être un nombre : ignoré." in body
    assert "« chateau »" in body
    assert "« au-hasard »" in body
    assert "« Atlantide » introuvable" in body
    assert "« inconnu »" in body
    # Ignored filters narrow nothing: both places are there.
    assert "La Ruche" in body and "Le Fablab de Douai" in body


def test_an_htmx_request_gets_only_the_results_and_a_clean_url(client, places):
    response = client.get(
        URL, {"q": "salle", "space_kind": "", "capacity_min": "10"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="results"' in body
    assert "<html" not in body and 'id="search-form"' not in body
    assert "La Ruche" in body
    assert response["HX-Push-Url"] == URL + "?q=salle&capacity_min=10"
    assert "HX-Request" in response["Vary"]
    # The facet counts of the form are refreshed out of band.
    assert 'hx-swap-oob="true"' in body


def test_a_normal_request_gets_the_whole_page_with_the_form_filled(client, places):
    response = client.get(URL, {"q": "salle", "capacity_min": "10"})
    body = response.content.decode()
    assert "<html" in body and 'id="search-form"' in body
    assert 'value="salle"' in body
    assert "hx-push-url" in body
    assert 'hx-swap-oob="true"' not in body
    assert "HX-Request" in response["Vary"]


def test_the_map_link_carries_the_same_filters(client, places):
    response = client.get(URL, {"q": "salle", "type": "fablab"})
    assert f"{reverse('search:map')}?q=salle&amp;type=fablab" in response.content.decode()


def test_empty_results_suggest_a_wider_radius(client, places):
    # La Ruche (Lille) is 31 km from Douai: nothing within 10 km has a meeting room.
    response = client.get(URL, {"near": "Douai", "radius_km": "10", "space_kind": "meeting_room"})
    body = response.content.decode()
    assert "Aucun résultat." in body
    assert "Élargissez le rayon à 50 km" in body
    assert "near=Douai&amp;radius_km=50" in body
    assert "Retirez le filtre sur le type d&#x27;espace" in body


def test_the_results_page_is_bounded_in_queries(
    client, reindex, douai, django_assert_max_num_queries
):
    for n in range(30):
        place = PlaceFactory(name=f"Lieu {n}", commune=douai)
        SpaceFactory(place=place)
    reindex()
    with django_assert_max_num_queries(20):
        response = client.get(URL, {"q": "lieu", "near": "59178", "capacity_min": "5"})
    assert response.status_code == 200
    assert "30 lieux trouvés" in response.content.decode()
