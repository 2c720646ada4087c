"""The searches visitors really type (issue 14): a type or a commune among the words acts as
that filter, "fab lab" is "fablab", word families and equipment match, a word never matches
a longer word it begins, and when no place holds every word the closest ones come, said so."""

import pytest

from maillage.directory.search.filters import SearchFilters, Sort
from maillage.directory.search.selectors import search
from maillage.places.models import PlaceType
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brittany(db):
    def commune(code, name, lat, lon, population, postal):
        return CommuneFactory(
            code_insee=code,
            name=name,
            latitude=lat,
            longitude=lon,
            population=population,
            postal_codes=f"|{postal}|",
            department_code=code[:2],
        )

    return {
        "brest": commune("29019", "Brest", 48.39, -4.49, 139000, "29200"),
        "quimper": commune("29232", "Quimper", 47.996, -4.10, 63000, "29000"),
        "saint-malo": commune("35288", "Saint-Malo", 48.649, -2.007, 46000, "35400"),
        "dinard": commune("35093", "Dinard", 48.632, -2.062, 10000, "35800"),
        "rennes": commune("35238", "Rennes", 48.112, -1.68, 222000, "35000"),
        "reparsac": commune("16278", "Reparsac", 45.72, -0.30, 500, "16200"),
    }


def place(commune, name, **kwargs):
    return PlaceFactory(
        name=name,
        commune=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
        **kwargs,
    )


def run(query: dict[str, str]):
    filters, notices = SearchFilters.from_query(query)
    return filters, notices, search(filters)


def names(found) -> list[str]:
    return [result.place.name for result in found.results]


def test_tiers_lieu_brest_lists_the_places_near_brest(brittany, reindex):
    for n in range(3):
        place(brittany["brest"], f"Lieu brestois {n}", types=[PlaceType.CAFE])
    place(brittany["quimper"], "Lieu quimpérois")
    reindex()
    filters, notices, found = run({"q": "tiers-lieu Brest"})
    assert filters.q == ""
    assert filters.origin is not None and filters.origin.label == "Brest"
    assert filters.radius_km == 10
    assert filters.effective_sort == Sort.DISTANCE
    assert sorted(names(found)) == ["Lieu brestois 0", "Lieu brestois 1", "Lieu brestois 2"]
    assert any("Brest" in notice and "tiers-lieu" in notice for notice in notices)


def test_coworking_saint_malo_is_a_type_near_a_commune_sorted_by_distance(brittany, reindex):
    place(brittany["saint-malo"], "Cowork Intra-Muros", types=[PlaceType.COWORKING])
    place(brittany["dinard"], "Dinard Cowork", types=[PlaceType.COWORKING])
    place(brittany["saint-malo"], "Ressourcerie malouine", types=[PlaceType.RESSOURCERIE])
    place(brittany["rennes"], "Cowork rennais", types=[PlaceType.COWORKING])
    reindex()
    filters, _notices, found = run({"q": "coworking saint malo"})
    assert filters.types == (PlaceType.COWORKING,)
    assert filters.origin is not None and filters.origin.label == "Saint-Malo"
    assert names(found) == ["Cowork Intra-Muros", "Dinard Cowork"]
    assert found.results[0].distance_km < found.results[1].distance_km


def test_the_understood_query_can_be_undone(brittany, reindex):
    place(brittany["saint-malo"], "Cowork Intra-Muros", types=[PlaceType.COWORKING])
    reindex()
    filters, _notices, _found = run({"q": "coworking saint malo"})
    as_typed, notices, _found = run(_parse(filters))
    assert as_typed.literal
    assert as_typed.q == "coworking saint malo"
    assert as_typed.types == ()
    assert as_typed.origin is None
    assert as_typed.understood is None
    assert not any("comprise" in notice for notice in notices)


def _parse(filters: SearchFilters) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(filters.as_typed_query()))


def test_the_search_page_offers_to_search_the_words_as_typed(client, brittany, reindex):
    place(brittany["saint-malo"], "Cowork Intra-Muros", types=[PlaceType.COWORKING])
    reindex()
    page = client.get("/recherche/", {"q": "coworking saint malo"}).content.decode()
    assert "Recherche comprise ainsi" in page
    assert "literal=1" in page
    assert "Cowork Intra-Muros" in page


def test_fab_lab_in_two_words_is_fablab(brittany, reindex):
    place(brittany["quimper"], "Le Fablab de Quimper", types=[PlaceType.FABLAB])
    place(brittany["quimper"], "Café de Quimper", types=[PlaceType.CAFE])
    reindex()
    _filters, _notices, found = run({"q": "fab lab quimper"})
    assert names(found) == ["Le Fablab de Quimper"]
    _filters, _notices, found = run({"q": "fablab quimper"})
    assert names(found) == ["Le Fablab de Quimper"]
    # Searched as typed, the two words still find it: its text says "fablab".
    _filters, _notices, found = run({"q": "fab lab", "literal": "1"})
    assert names(found) == ["Le Fablab de Quimper"]


def test_fablab_with_a_3d_printer_in_rennes(brittany, reindex):
    labfab = place(brittany["rennes"], "LabFab", types=[PlaceType.FABLAB])
    EquipmentFactory(place=labfab, name="Imprimante 3D Prusa")
    place(brittany["rennes"], "Atelier sans imprimante", types=[PlaceType.FABLAB])
    far = place(brittany["brest"], "Fablab du bout du monde", types=[PlaceType.FABLAB])
    EquipmentFactory(place=far, name="Imprimante 3D")
    reindex()
    filters, _notices, found = run({"q": "fablab imprimante 3D Rennes"})
    assert filters.q == "imprimante 3D"
    assert names(found)[0] == "LabFab"
    assert "Fablab du bout du monde" not in names(found)


def test_reparation_finds_reparation_not_reparsac(brittany, reindex):
    place(brittany["reparsac"], "Mairie", summary="Accueil du public")
    place(brittany["rennes"], "Atelier vélo", summary="Réparation de vélos")
    reindex()
    _filters, _notices, found = run({"q": "reparation", "literal": "1"})
    assert names(found) == ["Atelier vélo"]
    _filters, _notices, found = run({"q": "réparer"})
    assert names(found) == ["Atelier vélo"]


def test_decoupe_laser_finds_a_laser_cutter(brittany, reindex):
    lab = place(brittany["rennes"], "Le Lab", types=[PlaceType.FABLAB])
    EquipmentFactory(place=lab, name="Découpeuse laser")
    place(brittany["rennes"], "Le Café", types=[PlaceType.CAFE])
    reindex()
    _filters, _notices, found = run({"q": "découpe laser"})
    assert names(found) == ["Le Lab"]
    assert not found.partial


def test_no_place_with_every_word_falls_back_to_the_closest_and_says_so(client, brittany, reindex):
    place(brittany["rennes"], "Atelier bois", summary="Menuiserie partagée")
    place(brittany["rennes"], "Atelier couture menuiserie", summary="Machines à coudre")
    place(brittany["rennes"], "Jardin", summary="Potager")
    reindex()
    _filters, _notices, found = run({"q": "atelier menuiserie soudure", "literal": "1"})
    assert found.partial and found.complete == 0
    # Two words of three first, then one.
    assert sorted(names(found)[:2]) == ["Atelier bois", "Atelier couture menuiserie"]
    assert "Jardin" not in names(found)
    assert found.notices == ["Aucun lieu ne contient tous les mots ; voici les plus proches."]
    page = client.get("/recherche/", {"q": "atelier menuiserie soudure"}).content.decode()
    assert "voici les plus proches" in page
    api = client.get("/api/v1/places", {"q": "atelier menuiserie soudure"}).json()
    assert api["count"] == 2
    assert any("plus proches" in notice for notice in api["notices"])


def test_a_lone_type_word_is_still_searched_as_words(brittany, reindex):
    place(brittany["rennes"], "Recyclerie du Nord", types=[PlaceType.OTHER])
    reindex()
    filters, _notices, found = run({"q": "recyclerie"})
    assert filters.types == ()
    assert names(found) == ["Recyclerie du Nord"]


def test_a_small_commune_named_by_a_common_word_is_not_a_filter(db, reindex):
    CommuneFactory(code_insee="80410", name="Bois", population=300, latitude=49.9, longitude=2.3)
    place(CommuneFactory(code_insee="35001", name="Vern"), "Atelier bois")
    reindex()
    filters, _notices, found = run({"q": "atelier bois"})
    assert filters.origin is None
    assert names(found) == ["Atelier bois"]


def test_words_with_a_place_to_search_near_are_sorted_by_distance(brittany, reindex):
    place(brittany["rennes"], "Atelier rennais")
    place(brittany["dinard"], "Atelier dinardais")
    place(brittany["saint-malo"], "Atelier malouin")
    reindex()
    filters, _notices, found = run({"q": "atelier", "near": "35400"})
    assert filters.effective_sort == Sort.DISTANCE
    assert names(found) == ["Atelier malouin", "Atelier dinardais", "Atelier rennais"]


def test_a_postal_code_finds_its_commune_and_follows_changes(brittany):
    from maillage.directory.search.filters import resolve_commune

    assert resolve_commune("35400") == brittany["saint-malo"]
    brittany["dinard"].postal_codes = "|35800|35400|"
    brittany["dinard"].population = 99000
    brittany["dinard"].save()
    assert resolve_commune("35400") == brittany["dinard"]
    assert resolve_commune("99999") is None
