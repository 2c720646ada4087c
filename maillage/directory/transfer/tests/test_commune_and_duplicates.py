"""Commune resolution that says what it did, coordinates that say what is wrong with them, and
near-duplicates found by their words."""

from maillage.directory.transfer.known import name_tokens, same_words
from maillage.directory.transfer.tests.conftest import HEADER, messages_of, outcomes
from maillage.territory.models import FormerCommuneCode
from maillage.territory.tests.factories import CommuneFactory


def test_a_row_without_code_or_name_takes_the_commune_of_its_position(communes, run_file):
    # The last 49 rows of the CGET 2019 census: INSEE "0", postal code "0", no commune.
    run = run_file(HEADER + "\n1,La REcyclerie,,,0,,0,50.3705,3.0799\n")
    assert outcomes(run) == ["created"]
    entry = run.report[0]
    assert "déduite de la position" in " ".join(entry["messages"])
    assert "Douai" in " ".join(entry["messages"])
    # Filling what the file left empty is not a correction.
    assert entry["repairs"] == []
    assert run.summary["repaired"] == 0


def test_a_name_that_is_no_commune_is_refused_with_the_commune_of_the_point(communes, run_file):
    # "Sophia Antipolis" is no commune, "Tournai" a Belgian one: the point only suggests.
    run = run_file(HEADER + "\n1,SO FAB,,,0,SOPHIA ANTIPOLIS,0,50.3705,3.0799\n")
    assert outcomes(run) == ["rejected"]
    assert "Le point tombe à Douai (59178) : est-ce sa commune ?" in messages_of(run, 2)


def test_a_point_far_from_everything_is_not_given_a_commune(communes, run_file):
    run = run_file(HEADER + "\n1,Spring Box,,,0,Tournai,0,50.6059,3.3887\n")
    assert outcomes(run) == ["rejected"]
    assert "Commune introuvable" in messages_of(run, 2)


def test_a_longitude_with_the_wrong_sign_is_named_and_the_fix_suggested(communes, run_file):
    run = run_file(HEADER + "\n1,La Bobine,,,59500,Douai,59178,50.3705,-3.0799\n")
    assert outcomes(run) == ["rejected"]
    message = messages_of(run, 2)
    assert "La longitude semble avoir le mauvais signe : -3,0799 au lieu de 3,0799 ?" in message


def test_swapped_coordinates_are_named(communes, run_file):
    # 44.09 / 6.23 swapped lands in the sea off Somalia: outside France, and said so.
    run = run_file(HEADER + "\n1,Le Hangar,,,04000,Digne-les-Bains,04070,6.2356,44.0925\n")
    assert outcomes(run) == ["rejected"]
    assert "semblent inversées" in messages_of(run, 2)


def test_a_point_in_another_commune_says_where_it_falls(communes, run_file):
    run = run_file(HEADER + "\n1,La Bobine,,,04000,Digne-les-Bains,04070,50.3705,3.0799\n")
    assert outcomes(run) == ["rejected"]
    assert "Le point tombe à Douai (59178)" in messages_of(run, 2)


def test_a_former_commune_is_found_by_its_name_in_upper_case(communes, run_file):
    # "VIEUX BOURG", merged into Val-de-Marque, with a postal code of another département.
    run = run_file(HEADER + "\n1,Le Relais,,,,VIEUX BOURG,,50.6,3.2\n")
    assert outcomes(run) == ["created"]
    assert "Val-de-Marque" in messages_of(run, 2)


def test_former_commune_by_name_without_position(communes, run_file):
    content = "nom,code_postal,commune\nLe Relais,59910,VIEUX-BOURG\n"
    run = run_file(content)
    assert outcomes(run) == ["created"]
    assert "Val-de-Marque" in messages_of(run, 2)
    assert FormerCommuneCode.objects.filter(old_name="Vieux-Bourg").exists()


def test_names_of_the_same_words_in_another_order_are_the_same_place():
    left = name_tokens("La Cordée Rennes-Lice")
    right = name_tokens("La Cordée Lices - Rennes")
    assert left == right == {"cordee", "renne", "lice"}
    assert same_words(left, right)
    assert not same_words(name_tokens("Bibliothèque"), name_tokens("Bibliothèque"))
    assert not same_words(name_tokens("La Cordée Rennes"), name_tokens("La Cordée Nantes"))


def test_a_name_variant_39_m_away_is_proposed_for_merging(db, run_file):
    CommuneFactory(
        code_insee="35238", name="Rennes", postal_codes="|35000|", latitude=48.11, longitude=-1.68
    )
    content = (
        HEADER + "\n"
        "1,La Cordée Rennes-Lice,,1 place des Lices,35000,Rennes,35238,48.1125,-1.6820\n"
        "2,La Cordée Lices - Rennes,,,35000,Rennes,35238,48.1128,-1.6817\n"
        # 1.5 km away, same commune, same words: still proposed.
        "3,Cordée (Lices) Rennes,,,35000,Rennes,35238,48.1000,-1.6700\n"
        # Another place of the same commune.
        "4,Le Bocal,,,35000,Rennes,35238,48.1129,-1.6818\n"
    )
    run = run_file(content)
    assert outcomes(run) == ["created", "duplicate", "duplicate", "created"]
    assert "Même lieu probable que la ligne 2" in messages_of(run, 3)
    assert "à 39 m" in messages_of(run, 3) or " m)" in messages_of(run, 3)
