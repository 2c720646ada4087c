"""/api/v1/places reads the search page's query string: the same string gives the same places,
in the same order, with the same total and the same notices."""

import pytest

from maillage.directory.search.services import rebuild_search_index
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(network_a):
    douai = CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )
    lille = CommuneFactory(
        code_insee="59350",
        name="Lille",
        postal_codes="|59000|",
        population=236000,
        latitude=50.6319,
        longitude=3.0575,
    )
    arras = CommuneFactory(
        code_insee="62041",
        name="Arras",
        postal_codes="|62000|",
        department_code="62",
        latitude=50.2910,
        longitude=2.7775,
    )
    communes = [douai, lille, arras]
    kinds = ["meeting_room", "desk", "workshop", "training_room"]
    types = [["fablab"], ["cafe"], ["coworking", "fablab"], ["repair"], ["cafe", "culture"]]
    for n in range(27):
        commune = communes[n % 3]
        place = PlaceFactory(
            name=f"{['Atelier', 'Café', 'Fabrique', 'Repair'][n % 4]} {n:02d}",
            summary="Un café associatif" if n % 5 == 0 else "Des ateliers partagés",
            types=types[n % 5],
            status=["open", "open", "project", "closed"][n % 4],
            commune=commune,
            latitude=commune.latitude + (n % 7) * 0.01,
            longitude=commune.longitude - (n % 5) * 0.01,
            access_step_free=n % 6 == 0,
            freshness_score=(n * 37) % 100,
        )
        SpaceFactory(
            place=place,
            kind=kinds[n % 4],
            capacity=5 + (n * 3) % 40,
            price_public_cents=(n % 6) * 1000,
            is_accessible=n % 9 == 0,
        )
        if n % 3 == 0:
            EquipmentFactory(
                place=place,
                category=["digital_fab", "woodwork"][n % 2],
                sharing_mode=["on_site", "loan"][(n // 3) % 2],
            )
        if n % 4 == 1:
            Membership.objects.create(
                network=network_a, place=place, status=MembershipStatus.ACCEPTED
            )
    PlaceFactory(name="Atelier caché", is_published=False, commune=douai)
    rebuild_search_index()


QUERIES = [
    "",
    "page=2",
    "q=cafe",
    "q=ateliers",
    "q=fabrique&sort=name",
    "type=fablab&type=cafe",
    "type=fablab,repair&status=open",
    "space_kind=meeting_room&capacity_min=20",
    "capacity_min=10&price_max=30",
    "surface_min=10&accessible=1",
    "equipment_category=digital_fab&sharing_mode=loan",
    "network=reseau-a",
    "near=59500&radius_km=20",
    "near=Lille&sort=distance",
    "lat=50.29&lon=2.78&radius_km=10&q=atelier",
    "sort=freshness",
    "status=closed&sort=freshness",
    "q=atelier&sort=freshness&page=2",
    "type=boulangerie&capacity_min=beaucoup&near=Atlantide&sort=hasard",
    "network=inconnu&accessible=peut-etre&radius_km=5",
]


def page_result(client, query):
    response = client.get(f"/recherche/?{query}")
    assert response.status_code == 200
    results = response.context["results"]
    return (
        [result.place.pk for result in results.results],
        results.total,
        response.context["notices"],
    )


@pytest.mark.parametrize("query", QUERIES)
def test_api_places_equal_the_search_page_for_the_same_query_string(client, directory, query):
    page_ids, page_total, page_notices = page_result(client, query)

    response = client.get(f"/api/v1/places?{query}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [item["id"] for item in body["items"]] == page_ids
    assert body["count"] == page_total
    assert body["notices"] == page_notices


def test_the_parity_cases_are_not_trivial(client, directory):
    totals = {query: client.get(f"/api/v1/places?{query}").json()["count"] for query in QUERIES}
    assert totals[""] == 27  # the unpublished place is never listed
    assert 0 < totals["q=cafe"] < 27
    assert 0 < totals["near=59500&radius_km=20"] < 27
    assert 0 < totals["network=reseau-a"] < 27
    notices = client.get(f"/api/v1/places?{QUERIES[-2]}").json()["notices"]
    assert len(notices) == 4
    assert all("ignor" in notice for notice in notices)


def test_distances_are_given_when_an_origin_is_known(client, directory):
    items = client.get("/api/v1/places?near=Lille&sort=distance").json()["items"]
    distances = [item["distance_km"] for item in items]
    assert distances == sorted(distances)
    assert distances[0] < 5
    assert client.get("/api/v1/places").json()["items"][0]["distance_km"] is None


def test_past_the_last_page_the_api_gives_no_places_where_the_page_repeats_the_last(
    client, directory
):
    # The page shows its last page again (a stale shared link still shows something); a script
    # paging through the API must see the end.
    body = client.get("/api/v1/places?status=closed&page=2").json()
    assert body["count"] > 0
    assert body["items"] == []


# --- facets ---------------------------------------------------------------------------------


def page_facets(client, query):
    response = client.get(f"/recherche/?{query}")
    assert response.status_code == 200
    return {
        facet.name: {
            "label": facet.label,
            "multiple": facet.multiple,
            "options": [
                {
                    "value": option.value,
                    "label": option.label,
                    "count": option.count,
                    "selected": option.selected,
                }
                for option in facet.options
            ],
        }
        for facet in response.context["results"].facets
    }


@pytest.mark.parametrize("query", QUERIES)
def test_api_facet_counts_equal_the_search_page_for_the_same_query_string(client, directory, query):
    expected = page_facets(client, query)

    response = client.get(f"/api/v1/places?{query}&facets=1")

    assert response.status_code == 200, response.content
    facets = response.json()["facets"]
    assert facets == expected
    assert list(facets) == list(expected)  # in the page's order


def test_facet_counts_are_not_trivial_and_follow_the_other_filters(client, directory):
    def counts(query, name):
        facets = client.get(f"/api/v1/places?{query}&facets=1").json()["facets"]
        return {option["value"]: option["count"] for option in facets[name]["options"]}

    everything = counts("", "type")
    assert everything["fablab"] == 11  # 27 places, types cycling over 5 lists, two with fablab
    assert everything["cafe"] == 11
    # A type's own facet ignores it (choosing another adds places); the others count within it.
    assert counts("type=fablab", "type") == everything
    within = counts("type=fablab", "status")
    assert sum(within.values()) == 11
    assert within != counts("", "status")
    assert counts("network=reseau-a", "network") == {"reseau-a": 7}


def test_selected_choices_are_marked_and_repeatable_facets_said(client, directory):
    facets = client.get("/api/v1/places?type=fablab&type=cafe&status=open&facets=1").json()[
        "facets"
    ]
    assert {o["value"] for o in facets["type"]["options"] if o["selected"]} == {"fablab", "cafe"}
    assert facets["type"]["multiple"] is True
    assert facets["status"]["multiple"] is False
    assert [o["value"] for o in facets["status"]["options"] if o["selected"]] == ["open"]
    assert facets["type"]["label"] == "Type de lieu"


def test_facets_are_given_only_when_asked(client, directory):
    assert client.get("/api/v1/places?q=cafe").json()["facets"] is None
    assert client.get("/api/v1/places?q=cafe&facets=0").json()["facets"] is None
    assert client.get("/api/v1/places?q=cafe&facets=1").json()["facets"]["type"]["options"]


def test_facets_are_counted_past_the_last_page_too(client, directory):
    # A script asking for the facets with a stale page number still gets the counts.
    body = client.get("/api/v1/places?status=closed&page=9&facets=1").json()
    assert body["items"] == []
    statuses = {o["value"]: o["count"] for o in body["facets"]["status"]["options"]}
    assert statuses["closed"] == body["count"] > 0
