"""The network's map of circles: a hull per circle, a marker per commune, status in words."""

import pytest
from django.urls import reverse

from maillage.circles.selectors import circles_geojson, network_circles
from maillage.circles.tests.factories import CircleFactory
from maillage.lib.geo import convex_hull, hull_geometry
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_the_hull_drops_inner_points():
    square = [(0, 0), (2, 0), (2, 2), (0, 2), (1, 1), (1, 0)]

    assert convex_hull(square) == [(0, 0), (2, 0), (2, 2), (0, 2)]


def test_one_two_and_collinear_points_give_a_point_and_segments():
    assert hull_geometry([(3.08, 50.37)]) == {"type": "Point", "coordinates": [3.08, 50.37]}
    assert hull_geometry([(0, 0), (1, 1), (2, 2)])["type"] == "LineString"
    assert hull_geometry([]) is None
    polygon = hull_geometry([(0, 0), (1, 0), (0, 1)])
    assert polygon["coordinates"][0][0] == polygon["coordinates"][0][-1]


def test_each_circle_is_drawn_with_its_status_and_its_communes(network_a, commune):
    emerging = CircleFactory(network=network_a, name="Cercle B", status="emerging")
    for i, (lat, lon) in enumerate([(50.1, 3.0), (50.2, 3.1), (50.0, 3.2)]):
        emerging.communes.add(
            CommuneFactory(code_insee=f"5900{i}", name=f"C{i}", latitude=lat, longitude=lon)
        )
    single = CircleFactory(network=network_a, name="Cercle A", status="prefiguration")
    single.communes.add(commune)

    features = circles_geojson(network_circles(network=network_a))["features"]

    shapes = {f["properties"]["name"]: f for f in features if f["properties"]["kind"] == "circle"}
    assert shapes["Cercle B"]["geometry"]["type"] == "Polygon"
    assert shapes["Cercle B"]["properties"]["status_label"] == "Émergent"
    assert shapes["Cercle A"]["geometry"]["type"] == "Point"
    assert sum(f["properties"]["kind"] == "commune" for f in features) == 4


def test_the_map_page_has_a_text_legend_and_lists_statuses(client, circle, other_circle):
    page = client.get(reverse("circles:network-circles", kwargs={"network_slug": "reseau-a"}))

    html = page.content.decode()
    assert 'data-circles-map="network-circles-map-data"' in html
    assert "Légende" in html
    assert "En préfiguration" in html
    assert "Cercle du Douaisis" in html and "Cercle de l&#x27;Avesnois" in html


def test_list_pages_keep_a_bounded_number_of_queries(
    client, network_a, network_b, commune, django_assert_max_num_queries
):
    for network in (network_a, network_b):
        for _ in range(6):
            CircleFactory(network=network).communes.add(commune)

    with django_assert_max_num_queries(8):
        client.get(reverse("circles:circle-list"))
    with django_assert_max_num_queries(8):
        client.get(reverse("circles:network-circles", kwargs={"network_slug": "reseau-a"}))
