"""Coverage figures against small cases computed by hand: a place on the boundary of two
communes, an island, the overseas départements, a what-if and the greedy best sites."""

import math

import numpy as np
import pytest
from django.urls import reverse

from maillage.networks.models import Membership, MembershipStatus
from maillage.networks.tests.factories import NetworkFactory
from maillage.observatory import coverage, geometry
from maillage.observatory.registry import resolve_scope
from maillage.places.models import PlaceStatus, PlaceType
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.models import Commune
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

R = 6371.0088


def by_hand_km(lat1, lon1, lat2, lon2):
    """Spherical law of cosines, written out independently of the code under test."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    cos_angle = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return R * math.acos(min(1.0, cos_angle))


def commune(code, name, lat, lon, population, *, dept="38", region="84", zone="metro", epci=""):
    return CommuneFactory(
        code_insee=code,
        name=name,
        latitude=lat,
        longitude=lon,
        population=population,
        department_code=dept,
        department=f"Dép. {dept}",
        region_code=region,
        region=f"Région {region}",
        zone=zone,
        epci_code=epci,
        epci=f"EPCI {epci}" if epci else "",
    )


def area(kind, key):
    scope = resolve_scope(kind, key)
    assert scope is not None
    return coverage.coverage_for(scope=scope, source="all")


def test_a_place_on_the_boundary_is_as_far_from_both_centres():
    west = commune("38001", "Ouest", 45.0, 5.0, 1000, epci="200000001")
    commune("38002", "Est", 45.0, 5.2, 3000, epci="200000001")
    # Filed in "Ouest", but standing on the boundary, halfway between the two centres.
    PlaceFactory(commune=west, latitude=45.0, longitude=5.1)
    expected = by_hand_km(45.0, 5.0, 45.0, 5.1)
    assert expected == pytest.approx(7.8625, abs=1e-3)
    result = area("department", "38")
    assert sorted(result.distance) == pytest.approx([expected, expected], abs=1e-6)
    assert result.population_within(5) == 0
    assert result.population_within(10) == 4000
    assert result.white_zones(5) == (2, 4000)
    assert result.rate(10) == 100.0
    (epci_row,) = result.by_epci(5)
    assert (epci_row.population, epci_row.covered, epci_row.white_communes) == (4000, 0, 2)


def test_an_island_is_measured_in_a_straight_line_across_the_sea():
    island = commune("29155", "Ouessant", 48.4597, -5.0867, 850, dept="29", region="53")
    commune("29019", "Brest", 48.3904, -4.4861, 140000, dept="29", region="53")
    PlaceFactory(name="Le Fourneau", latitude=48.3904, longitude=-4.4861)
    crossing = by_hand_km(48.4597, -5.0867, 48.3904, -4.4861)
    assert 44 < crossing < 46
    result = area("department", "29")
    rows = {row.code: row for row in result.commune_rows()}
    assert rows["29155"].distance_km == pytest.approx(crossing, abs=1e-6)
    assert rows["29155"].nearest_place == "Le Fourneau"
    assert result.white_zones(20) == (1, 850)
    assert result.population_within(50) == 140850
    # A place opens on the island: its commune is covered at 0 km.
    PlaceFactory(name="Ti Ouessant", commune=island, latitude=48.4597, longitude=-5.0867)
    result = area("department", "29")
    assert result.white_zones(1) == (0, 0)


def test_overseas_departements_are_served_by_their_own_places_only():
    saint_denis = commune(
        "97411", "Saint-Denis", -20.8823, 55.4504, 153000, dept="974", region="04", zone="drom"
    )
    commune("97416", "Saint-Pierre", -21.3393, 55.4781, 84000, dept="974", region="04", zone="drom")
    commune("97611", "Mamoudzou", -12.7806, 45.2279, 71000, dept="976", region="06", zone="drom")
    paris = commune("75056", "Paris", 48.8566, 2.3522, 2100000, dept="75", region="11")
    # A collectivity without a centre in the gazetteer: left out, never placed at (0, 0).
    commune("98818", "Nouméa", None, None, 94000, dept="988", region="", zone="com")
    PlaceFactory(
        name="Lieu de Saint-Denis", commune=saint_denis, latitude=-20.8823, longitude=55.4504
    )
    PlaceFactory(name="Lieu de Paris", commune=paris, latitude=48.8566, longitude=2.3522)
    network = NetworkFactory(slug="national-sans-territoire")
    scope = resolve_scope("network", network.slug)
    result = coverage.coverage_for(scope=scope, source="all")
    rows = {row.code: row for row in result.commune_rows()}
    assert "98818" not in rows and "98818" in result.table.without_centre
    assert rows["97411"].distance_km == pytest.approx(0, abs=1e-9)
    assert rows["97416"].distance_km == pytest.approx(
        by_hand_km(-21.3393, 55.4781, -20.8823, 55.4504), abs=1e-6
    )
    assert rows["97416"].nearest_place == "Lieu de Saint-Denis"
    # Mayotte's nearest place is Saint-Denis de La Réunion, 1,400 km away — never "covered".
    assert rows["97611"].distance_km == pytest.approx(
        by_hand_km(-12.7806, 45.2279, -20.8823, 55.4504), abs=1e-6
    )
    departments = {row.code: row for row in result.by_department(20)}
    assert departments["976"].rate == 0
    assert departments["974"].covered == 153000
    assert result.population == 153000 + 84000 + 71000 + 2100000


def test_paris_is_counted_by_arrondissement_never_twice():
    commune("75056", "Paris", 48.8566, 2.3522, 2100000, dept="75", region="11")
    first = commune("75101", "Paris 1er", 48.8620, 2.3359, 15000, dept="75", region="11")
    first.parent_code = "75056"
    first.kind = "arrondissement-municipal"
    first.save()
    network = NetworkFactory(slug="paris")
    network.communes.set(["75056"])
    result = coverage.coverage_for(scope=resolve_scope("network", "paris"), source="all")
    assert [row.code for row in result.commune_rows()] == ["75101"]
    assert result.population == 15000


def test_only_open_places_of_the_chosen_types_count():
    commune("38001", "Ouest", 45.0, 5.0, 1000)
    PlaceFactory(latitude=45.0, longitude=5.0, status=PlaceStatus.CLOSED)
    PlaceFactory(latitude=45.0, longitude=5.01, status=PlaceStatus.OPEN, types=[PlaceType.FABLAB])
    scope = resolve_scope("department", "38")
    assert coverage.coverage_for(scope=scope, source="all").distance[0] == pytest.approx(
        by_hand_km(45.0, 5.0, 45.0, 5.01), abs=1e-6
    )
    only_cafes = coverage.coverage_for(scope=scope, source="all", types=[PlaceType.CAFE])
    assert only_cafes.distance[0] == np.inf
    assert only_cafes.population_within(100) == 0


def test_a_network_counts_its_member_places_unless_asked_for_all():
    home = commune("38001", "Ouest", 45.0, 5.0, 1000)
    commune("38002", "Est", 45.0, 5.2, 3000)
    network = NetworkFactory(slug="isere")
    network.communes.set(["38001", "38002"])
    member = PlaceFactory(commune=home, latitude=45.0, longitude=5.0)
    PlaceFactory(latitude=45.0, longitude=5.2)  # not a member
    Membership.objects.create(network=network, place=member, status=MembershipStatus.ACCEPTED)
    scope = resolve_scope("network", "isere")
    members_only = coverage.coverage_for(scope=scope, source="network")
    everyone = coverage.coverage_for(scope=scope, source="all")
    assert members_only.white_zones(10) == (1, 3000)
    assert everyone.white_zones(10) == (0, 0)


def test_what_if_counts_the_people_newly_within_reach():
    # Four communes along a parallel, 0.1° of longitude apart (≈ 7.86 km at 45°N).
    for i, pop in enumerate([1000, 2000, 4000, 8000]):
        commune(f"3800{i + 1}", f"C{i + 1}", 45.0, 5.0 + 0.1 * i, pop)
    PlaceFactory(latitude=45.0, longitude=5.0)  # at C1
    result = area("department", "38")
    # A place at C3 would reach C2 (already within 10 km of C1: not counted), C3 and C4.
    what_if = result.what_if(code="38003", radius_km=10)
    assert (what_if.new_people, what_if.new_communes) == (4000 + 8000, 2)
    assert what_if.covered_before == 3000 and what_if.covered_after == 15000
    # Greedy: C3 or C4 first wins 12,000 people; then nothing is left.
    sites = result.best_sites(radius_km=10, count=5)
    assert [site.new_people for site in sites] == [12000]
    assert sites[0].code in {"38003", "38004"} and sites[0].rate_after == 100.0
    with pytest.raises(coverage.UnknownCommune):
        result.what_if(code="99999", radius_km=10)


def test_greedy_best_sites_take_the_previous_picks_into_account():
    # Two clusters far apart: west (3 communes, 9,000 people), east (2 communes, 5,000).
    commune("38001", "W1", 45.0, 5.00, 3000)
    commune("38002", "W2", 45.0, 5.05, 3000)
    commune("38003", "W3", 45.0, 5.10, 3000)
    commune("38004", "E1", 45.0, 6.50, 2500)
    commune("38005", "E2", 45.0, 6.55, 2500)
    result = area("department", "38")  # no place at all
    # At 5 km, W2 reaches W1 and W3 (3.9 km each side); W1 and W3 do not reach each other.
    sites = result.best_sites(radius_km=5, count=5)
    assert [s.new_people for s in sites] == [9000, 5000]
    assert sites[0].code == "38002"
    assert sites[1].cumulative == 14000


@pytest.mark.parametrize(
    "value",
    ["0", "101", "-3", "abc", "1.5"],
)
def test_bad_radius_is_refused_with_a_french_message(client, value):
    commune("38001", "Ouest", 45.0, 5.0, 1000)
    url = reverse("observatory:coverage", args=["departement", "38"])
    response = client.get(url, {"rayon": value})
    assert response.status_code == 422
    assert "entre 1 et 100" in response.content.decode()


def test_unknown_commune_in_the_what_if_is_refused_next_to_its_field(client):
    commune("38001", "Ouest", 45.0, 5.0, 1000)
    url = reverse("observatory:coverage", args=["departement", "38"])
    response = client.get(url, {"commune": "Zzzyzx-sur-Mer"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="commune-error"' in page and "Cette commune est inconnue" in page


def test_the_what_if_on_the_page_by_name(client):
    commune("38001", "Ouest", 45.0, 5.0, 1000)
    commune("38002", "Est", 45.0, 5.2, 3000)
    PlaceFactory(latitude=45.0, longitude=5.0)
    url = reverse("observatory:coverage", args=["departement", "38"])
    response = client.get(url, {"commune": "Est", "rayon_simulation": "5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="what-if-result"' in page
    assert response.context["what_if"].new_people == 3000
    assert "Un lieu à <strong>Est</strong>" in page
    assert "lignes droites entre le centre de chaque commune" in page


def test_coverage_csv_lists_every_commune_with_its_distance(client):
    commune("38001", "Ouest", 45.0, 5.0, 1000)
    commune("38002", "=Est", 45.0, 5.2, 3000)
    PlaceFactory(name="Lieu", latitude=45.0, longitude=5.0)
    url = reverse("observatory:coverage-data", args=["departement", "38", "csv"])
    body = b"".join(client.get(url, {"rayon": "5"}).streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("code_insee,commune,departement")
    assert "38001,Ouest,38,,1000,0.0,Lieu,non" in lines
    assert any(line.startswith("38002,'=Est,38") and line.endswith(",oui") for line in lines)


def test_api_coverage_figures_and_refusals(client):
    commune("38001", "Ouest", 45.0, 5.0, 1000)
    commune("38002", "Est", 45.0, 5.2, 3000)
    PlaceFactory(latitude=45.0, longitude=5.0)
    answer = client.get(
        "/api/v1/observatory/coverage", {"perimetre": "departement", "cle": "38", "rayon": 5}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["white_population"] == 3000 and body["coverage_rate"] == 25.0
    assert [b["population"] for b in body["bands"]] == [1000, 1000, 4000]
    refused = client.get(
        "/api/v1/observatory/coverage", {"perimetre": "departement", "cle": "38", "rayon": 500}
    )
    assert refused.status_code == 422
    assert "entre 1 et 100" in str(refused.json()["errors"])
    unknown = client.get("/api/v1/observatory/coverage", {"perimetre": "departement", "cle": "00"})
    assert unknown.status_code == 404


def test_grid_nearest_agrees_with_haversine_brute_force_worldwide():
    rng = np.random.default_rng(7)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 3000)))
    lon = rng.uniform(-180, 180, 3000)
    p_lat = np.concatenate([np.degrees(np.arcsin(rng.uniform(-1, 1, 400))), [0.0, 0.0, 89.99]])
    p_lon = np.concatenate([rng.uniform(-180, 180, 400), [179.95, -179.95, 10.0]])
    fast, _ = geometry.nearest(lat, lon, p_lat, p_lon, cell_km=20)
    slow, _ = geometry.nearest_haversine(lat, lon, p_lat, p_lon)
    brute, _ = geometry.nearest_brute(lat, lon, p_lat, p_lon)
    assert np.allclose(fast, slow, atol=1e-6) and np.allclose(brute, slow, atol=1e-6)
    # Across the antimeridian: 0.1° of longitude at the equator.
    d, i = geometry.nearest(np.array([0.0]), np.array([179.99]), p_lat, p_lon)
    assert i[0] == 400 and d[0] == pytest.approx(by_hand_km(0, 179.99, 0, 179.95), abs=1e-6)


def test_empty_cases():
    none = np.zeros(0)
    d, i = geometry.nearest(np.array([45.0]), np.array([5.0]), none, none)
    assert d[0] == np.inf and i[0] == -1
    assert Commune.objects.count() == 0


def test_a_new_place_on_an_island_or_overseas_reaches_only_its_own_shores():
    commune("29155", "Ouessant", 48.4597, -5.0867, 850, dept="29", region="53")
    commune("29019", "Brest", 48.3904, -4.4861, 140000, dept="29", region="53")
    commune("97611", "Mamoudzou", -12.7806, 45.2279, 71000, dept="976", region="06", zone="drom")
    commune("97610", "Koungou", -12.7336, 45.2042, 32000, dept="976", region="06", zone="drom")
    commune("97411", "Saint-Denis", -20.8823, 55.4504, 153000, dept="974", region="04", zone="drom")
    network = NetworkFactory(slug="national-sans-lieu")
    result = coverage.coverage_for(scope=resolve_scope("network", network.slug), source="all")
    # No place at all: everyone is beyond any distance.
    assert result.white_zones(100) == (5, 850 + 140000 + 71000 + 32000 + 153000)
    island = result.what_if(code="29155", radius_km=20)
    assert (island.new_communes, island.new_people) == (1, 850)  # Brest is 45 km away
    assert by_hand_km(-12.7806, 45.2279, -12.7336, 45.2042) < 10
    mayotte = result.what_if(code="97611", radius_km=10)
    assert (mayotte.new_communes, mayotte.new_people) == (2, 71000 + 32000)
    assert {code for code, *_rest in mayotte.communes} == {"97611", "97610"}
    # The greedy picks Saint-Denis (153,000), then Brest, then Mayotte: never across the sea.
    sites = result.best_sites(radius_km=20, count=5)
    assert [site.new_people for site in sites] == [153000, 140000, 103000, 850]


def _clusters(rng, centres, per_cluster, spread_deg):
    lat = np.concatenate([rng.normal(c[0], spread_deg, per_cluster) for c in centres])
    lon = np.concatenate([rng.normal(c[1], spread_deg, per_cluster) for c in centres])
    return lat, lon


def test_grid_agrees_with_brute_force_in_dense_towns_and_empty_countryside():
    # Towns of hundreds of places in one cell, queries on every side of them and far away:
    # the closest-cell-first reading must never skip a cell holding the true nearest place.
    rng = np.random.default_rng(18)
    towns = [(45.0, 5.0), (45.1, 5.3), (44.6, 4.6), (46.0, 6.0), (-21.0, 55.5)]
    p_lat, p_lon = _clusters(rng, towns, 300, 0.05)
    p_lat = np.concatenate([p_lat, [45.0, 45.0]])  # two places at the same spot
    p_lon = np.concatenate([p_lon, [5.5, 5.5]])
    lat = np.concatenate([rng.uniform(44.0, 46.5, 4000), rng.uniform(-21.5, -20.5, 300)])
    lon = np.concatenate([rng.uniform(4.0, 6.5, 4000), rng.uniform(55.0, 56.0, 300)])
    slow, slow_index = geometry.nearest_haversine(lat, lon, p_lat, p_lon)
    for cell_km in (2, 5, 20, 60):
        fast, fast_index = geometry.nearest(lat, lon, p_lat, p_lon, cell_km=cell_km)
        assert np.allclose(fast, slow, atol=1e-6), cell_km
        exact = fast_index == slow_index
        # Where the indices differ, it is a tie: both places at the same distance.
        assert np.allclose(fast[~exact], slow[~exact], atol=1e-9)
    for radius in (3, 10):
        q, p, d = geometry.pairs_within(lat, lon, p_lat, p_lon, radius_km=radius)
        all_pairs = geometry.haversine_km(lat[:, None], lon[:, None], p_lat[None], p_lon[None])
        expected = np.argwhere(all_pairs <= radius)
        assert sorted(zip(q.tolist(), p.tolist(), strict=True)) == [tuple(x) for x in expected]
        assert np.all(np.diff(q) >= 0)  # sorted by query
        assert np.allclose(d, all_pairs[q, p], atol=1e-6)


def test_greedy_best_sites_match_a_plain_recount_at_every_step():
    rng = np.random.default_rng(5)
    lats, lons = _clusters(rng, [(45.2, 5.2), (45.6, 5.9)], 40, 0.15)
    for i, (lat, lon) in enumerate(zip(lats, lons, strict=True)):
        commune(f"38{i:03d}", f"C{i}", float(lat), float(lon), int(rng.integers(50, 5000)))
    PlaceFactory(latitude=45.2, longitude=5.2)
    result = area("department", "38")
    sites = result.best_sites(radius_km=8, count=6)
    # The same choice by brute force: recount every candidate's gain after each pick.
    d = geometry.haversine_km(
        result.lat[:, None], result.lon[:, None], result.lat[None], result.lon[None]
    )
    uncovered = result.distance > 8
    pop = result.population_by_commune
    for site in sites:
        gains = ((d <= 8) & uncovered[None, :]) @ pop
        assert site.new_people == gains.max()
        chosen = list(result.table.codes[result.rows]).index(site.code)
        assert gains[chosen] == gains.max()
        uncovered &= d[chosen] > 8
    assert len(sites) == 6 or not (((d <= 8) & uncovered[None, :]) @ pop).any()
