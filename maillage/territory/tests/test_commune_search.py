import pytest

from maillage.territory.selectors import normalize_name, search_communes
from maillage.territory.tests.factories import CommuneFactory


@pytest.fixture
def communes(db):
    return [
        CommuneFactory(code_insee="59178", name="Douai", postal_codes="|59500|", population=39000),
        CommuneFactory(
            code_insee="59350",
            name="Lille",
            postal_codes="|59000|59160|59260|59777|59800|",
            population=236000,
        ),
        CommuneFactory(
            code_insee="42218",
            name="Saint-Étienne",
            postal_codes="|42000|42100|",
            population=173000,
        ),
        CommuneFactory(
            code_insee="98818",
            name="Nouméa",
            postal_codes="|98800|",
            population=94000,
            zone="com",
            latitude=-22.27,
            longitude=166.44,
        ),
    ]


def test_names_are_compared_without_accents_case_or_hyphens():
    assert normalize_name("Saint-Étienne") == "saint etienne"
    assert normalize_name("L’Abergement-Clémenciat") == "l abergement clemenciat"


def test_a_full_postal_code_finds_its_commune(communes):
    assert [c.name for c in search_communes(query="59500")] == ["Douai"]


def test_a_postal_code_shared_by_several_codes_matches_any_of_them(communes):
    assert [c.name for c in search_communes(query="59777")] == ["Lille"]


def test_the_start_of_a_postal_code_offers_communes_by_population(communes):
    assert [c.name for c in search_communes(query="59")] == ["Lille", "Douai"]


def test_a_name_typed_without_accents_finds_the_commune(communes):
    assert [c.name for c in search_communes(query="saint etienne")] == ["Saint-Étienne"]
    assert [c.name for c in search_communes(query="NOUM")] == ["Nouméa"]


def test_one_character_is_not_enough_to_search(communes):
    assert search_communes(query="L") == []


def test_the_search_endpoint_returns_postal_codes_and_centres(client, communes):
    response = client.get("/communes/recherche/", {"q": "Nouméa"})
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["code_insee"] == "98818"
    assert result["postal_codes"] == ["98800"]
    assert result["latitude"] == pytest.approx(-22.27)
    assert result["longitude"] == pytest.approx(166.44)
