"""Full text ignores accents and case, matches French word forms, and ranks names first."""

import pytest

from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.selectors import search
from maillage.lib.french_stem import stem_text
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def names_for(query: str) -> list[str]:
    filters, _notices = SearchFilters.from_query({"q": query})
    return [result.place.name for result in search(filters).results]


def test_the_stemmer_sends_plurals_accents_and_feminines_to_the_same_token():
    assert stem_text("Ateliers") == stem_text("atelier")
    assert stem_text("Café") == stem_text("cafes")
    assert stem_text("bureaux") == stem_text("Bureau")
    assert stem_text("locaux") == stem_text("local")
    assert stem_text("partagée") == stem_text("partagés")
    assert stem_text("brodeuses") == stem_text("brodeur")
    assert stem_text("Formations") == stem_text("formation")


def test_cafe_without_accent_finds_a_cafe_with_one(reindex):
    PlaceFactory(name="Le Café des Possibles")
    PlaceFactory(name="La Menuiserie")
    reindex()
    assert names_for("cafe") == ["Le Café des Possibles"]
    assert names_for("CAFÉS") == ["Le Café des Possibles"]


def test_a_plural_finds_the_singular(reindex):
    PlaceFactory(name="Atelier du Coin")
    reindex()
    assert names_for("ateliers") == ["Atelier du Coin"]


def test_places_holding_every_word_come_before_those_holding_some(reindex):
    PlaceFactory(name="Atelier vélo", summary="Réparation de vélos")
    PlaceFactory(name="Atelier bois")
    PlaceFactory(name="La Menuiserie")
    reindex()
    # One place only holds both words: those holding one of them follow, never the others.
    assert names_for("atelier velo") == ["Atelier vélo", "Atelier bois"]


def test_stop_words_alone_do_not_empty_the_list(reindex):
    PlaceFactory(name="La Bobine")
    reindex()
    assert names_for("de la") == ["La Bobine"]


def test_a_name_match_ranks_above_a_description_match(reindex):
    PlaceFactory(
        name="Le Grand Hangar",
        description="On y trouve une imprimante, un jardin et une petite recyclerie.",
    )
    PlaceFactory(name="Recyclerie du Nord", description="Dépôt, tri et vente.")
    reindex()
    assert names_for("recyclerie") == ["Recyclerie du Nord", "Le Grand Hangar"]


def test_spaces_equipment_and_types_are_searchable(reindex):
    fablab = PlaceFactory(name="Le Lab", types=["fablab"])
    EquipmentFactory(place=fablab, name="Découpeuse laser Trotec")
    room = PlaceFactory(name="La Maison", types=["coworking"])
    SpaceFactory(place=room, name="Salle Jaune", uses="réunions, formations")
    reindex()
    assert names_for("laser") == ["Le Lab"]
    assert names_for("formation") == ["La Maison"]
    assert names_for("salle de réunion") == ["La Maison"]
    # The type label "Fablab / atelier de fabrication" is indexed in French.
    assert names_for("fabrication") == ["Le Lab"]


def test_the_index_follows_the_services(alice, place):
    from maillage.places import services

    services.update_place(
        place=place, by=alice, data=services.PlaceData(summary="Une ressourcerie joyeuse")
    )
    assert names_for("ressourceries") == ["La Bobine"]
    services.create_equipment(
        place=place,
        by=alice,
        data=services.EquipmentData(name="Brodeuse numérique", category="textile"),
    )
    assert names_for("brodeuses") == ["La Bobine"]
