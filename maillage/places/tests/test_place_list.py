import pytest
from django.urls import reverse

from maillage.places.models import PlaceStatus, PlaceType
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [place.name for place in response.context["page"].object_list]


def test_the_list_filters_by_type_status_and_department(client, commune):
    lyon = CommuneFactory(code_insee="69123", name="Lyon", department_code="69")
    PlaceFactory(name="Atelier A", types=[PlaceType.FABLAB], commune=commune)
    PlaceFactory(name="Café B", types=[PlaceType.CAFE, PlaceType.COWORKING], commune=lyon)
    PlaceFactory(name="Projet C", types=[PlaceType.CAFE], status=PlaceStatus.PROJECT)
    PlaceFactory(name="Caché", is_published=False)
    url = reverse("places:place-list")

    assert names(client.get(url)) == ["Atelier A", "Café B", "Projet C"]
    assert names(client.get(url, {"type": "cafe"})) == ["Café B", "Projet C"]
    assert names(client.get(url, {"status": "project"})) == ["Projet C"]
    assert names(client.get(url, {"department": "69"})) == ["Café B"]
    assert names(client.get(url, {"type": "nonsense"})) == ["Atelier A", "Café B", "Projet C"]


def test_the_list_is_paginated_by_50_and_keeps_the_filters(client):
    PlaceFactory.create_batch(55, types=[PlaceType.CAFE])

    first = client.get(reverse("places:place-list"), {"type": "cafe"})
    second = client.get(reverse("places:place-list"), {"type": "cafe", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 5
    assert "?type=cafe&amp;page=2" in first.content.decode()


def test_the_list_shows_a_map_of_the_listed_places(client, place):
    response = client.get(reverse("places:place-list"))

    features = response.context["geojson"]["features"]
    assert features[0]["properties"]["name"] == "La Bobine"
    assert features[0]["geometry"]["coordinates"] == [3.08, 50.3714]
    assert 'id="places-map-data"' in response.content.decode()


def test_the_list_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    PlaceFactory.create_batch(60)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("places:place-list"))

    assert response.status_code == 200


def test_my_places_lists_the_places_i_manage_with_edit_links(client, alice, charlie, place):
    client.force_login(alice)

    response = client.get(reverse("places:my-places"))

    html = response.content.decode()
    assert response.resolver_match.url_name == "my-places"
    assert "La Bobine" in html and "Le Hangar" not in html
    assert reverse("places:place-edit", args=[place.slug]) in html
