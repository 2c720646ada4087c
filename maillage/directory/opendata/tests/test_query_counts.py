"""Pages and downloads cost a bounded number of queries, however many places there are."""

from django.urls import reverse

from maillage.directory.opendata.tests.helpers import content
from maillage.networks.models import Membership, MembershipStatus
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory


def build(network, count):
    for _ in range(count):
        place = PlaceFactory()
        SpaceFactory(place=place)
        EquipmentFactory(place=place)
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)


def test_downloads_query_count_does_not_grow_with_places(
    client, network_a, django_assert_max_num_queries
):
    build(network_a, 30)
    urls = [
        reverse("opendata:download", args=["reseau-a", "csv"]),
        reverse("opendata:download", args=["reseau-a", "geojson"]),
        reverse("opendata:directory-download", args=["json"]),
        reverse("opendata:directory-download-mediation"),
        reverse("opendata:download", args=["reseau-a", "csv"]) + "?table=equipment",
    ]
    for url in urls:
        with django_assert_max_num_queries(6):
            assert content(client.get(url))


def test_pages_query_count_does_not_grow_with_networks(
    client, network_a, django_assert_max_num_queries
):
    build(network_a, 10)
    for _ in range(10):
        build(NetworkFactory(), 2)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("opendata:index")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("opendata:network", args=["reseau-a"])).status_code == 200
