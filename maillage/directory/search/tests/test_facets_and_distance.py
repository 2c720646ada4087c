"""Facet counts ignore their own filter; distances are great-circle kilometres from the origin."""

import pytest

from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.selectors import search
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def run(**query):
    filters, notices = SearchFilters.from_query(query)
    assert notices == []
    return search(filters)


def counts(results, facet_name):
    facet = next(f for f in results.facets if f.name == facet_name)
    return {option.value: option.count for option in facet.options}


@pytest.fixture
def directory(reindex, douai, lille):
    lab = PlaceFactory(name="Lab", types=["fablab"], commune=douai)
    EquipmentFactory(place=lab, category="digital_fab", sharing_mode="on_site")
    EquipmentFactory(place=lab, category="woodwork", sharing_mode="loan")
    cafe = PlaceFactory(name="Café", types=["cafe", "fablab"], commune=lille, status="project")
    SpaceFactory(place=cafe, kind="meeting_room", capacity=25, price_public_cents=3000)
    SpaceFactory(place=cafe, kind="desk", capacity=4, price_public_cents=1000)
    PlaceFactory(name="Cowork", types=["coworking"], commune=lille, access_step_free=True)
    reindex()


def test_type_counts_count_every_type_of_a_place_and_ignore_the_type_filter(directory):
    results = run(type="cafe")
    assert [r.place.name for r in results.results] == ["Café"]
    types = counts(results, "type")
    # Choosing fablab instead would give 2 places, coworking 1: the type filter itself is ignored.
    assert types["fablab"] == 2
    assert types["cafe"] == 1
    assert types["coworking"] == 1
    assert types["other"] == 0


def test_other_facets_are_counted_within_the_type_filter(directory):
    results = run(type="fablab")
    assert counts(results, "status") == {"project": 1, "open": 1, "closed": 0}
    assert counts(results, "equipment_category")["digital_fab"] == 1
    assert counts(results, "space_kind")["meeting_room"] == 1
    assert counts(results, "accessible") == {"1": 0}


def test_space_conditions_hold_for_the_same_space(directory):
    # The café's desk is cheap but small, its meeting room big but dearer.
    assert run(capacity_min="20", price_max="20").total == 0
    assert run(capacity_min="20", price_max="30").total == 1
    capacity = counts(run(price_max="20"), "capacity_min")
    assert capacity["5"] == 0
    assert counts(run(), "capacity_min")["20"] == 1


def test_equipment_conditions_hold_for_the_same_item(directory):
    assert run(equipment_category="digital_fab", sharing_mode="loan").total == 0
    assert run(equipment_category="woodwork", sharing_mode="loan").total == 1
    assert counts(run(sharing_mode="loan"), "equipment_category") == {
        **{code: 0 for code in counts(run(), "equipment_category")},
        "woodwork": 1,
    }


def test_accessible_means_step_free_or_an_accessible_space(directory, douai):
    room = PlaceFactory(name="Salle accessible", commune=douai)
    SpaceFactory(place=room, is_accessible=True)
    assert sorted(r.place.name for r in run(accessible="1").results) == [
        "Cowork",
        "Salle accessible",
    ]


def test_network_facet_counts_accepted_members(membership, network_a, reindex):
    reindex()
    results = run(network="reseau-a")
    assert [r.place.name for r in results.results] == ["La Bobine"]
    assert counts(results, "network") == {"reseau-a": 1}


def test_douai_lille_is_about_31_km(reindex, douai, lille):
    PlaceFactory(name="Lille centre", commune=lille, latitude=50.6319, longitude=3.0575)
    reindex()
    results = run(near="Douai")
    assert results.filters.origin.label == "Douai"
    assert results.results[0].distance_km == pytest.approx(29.0, abs=2.5)
    # By postal code and INSEE code too.
    assert run(near="59500").results[0].distance_km == pytest.approx(results.results[0].distance_km)
    assert run(near="59178").results[0].distance_km == pytest.approx(results.results[0].distance_km)


def test_a_radius_keeps_places_within_it_and_sorts_by_distance(reindex, douai, lille):
    PlaceFactory(name="Lille", commune=lille, latitude=50.6319, longitude=3.0575)
    PlaceFactory(name="Douai", commune=douai, latitude=50.3714, longitude=3.08)
    PlaceFactory(name="Sans position", commune=douai, latitude=None, longitude=None)
    reindex()
    assert [r.place.name for r in run(near="59178", radius_km="20").results] == ["Douai"]
    assert [r.place.name for r in run(near="59178", radius_km="50").results] == ["Douai", "Lille"]
    everything = run(lat="50.6319", lon="3.0575")
    assert [r.place.name for r in everything.results] == ["Lille", "Douai", "Sans position"]
    assert everything.results[0].distance_km == pytest.approx(0, abs=0.01)
    assert everything.results[2].distance_km is None


def test_sort_by_freshness_puts_the_freshest_first(reindex, douai):
    PlaceFactory(name="Ancien", freshness_score=10)
    PlaceFactory(name="Frais", freshness_score=90)
    reindex()
    assert [r.place.name for r in run(sort="freshness").results] == ["Frais", "Ancien"]
