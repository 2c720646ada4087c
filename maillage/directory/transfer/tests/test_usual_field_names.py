"""Files with the usual French or English column names, type words and HTML in cells."""

import json

from maillage.directory.transfer.readers.geojson import rows_from_geojson
from maillage.directory.transfer.rows import text, types_from_text
from maillage.directory.transfer.tests.conftest import outcomes
from maillage.territory.tests.factories import CommuneFactory


def _feature(lon, lat, **properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def test_a_volunteer_geojson_with_english_and_short_names_is_read(communes, run_file):
    data = {"type": "FeatureCollection", "features": [
        _feature(3.0799, 50.3705, name="La Bobine", adresse="12 rue de Paris<br />Bât. B",
                 cp="59500", ville="DOUAI", web="bobine.example.org", email="a@example.org",
                 tel="03 27 00 00 00", structure="Association Bobine", type="tierslieu"),
        _feature(3.0801, 50.3707, name="Le Hangar", adresse="3 place d'Armes", cp="59500",
                 ville="Douai", type="hakerspace"),
        _feature(3.0803, 50.3709, name="La Cantine", cp="59500", ville="Douai",
                 type="cantine"),
        _feature(3.0805, 50.3711, name="Labo MIT", cp="59500", ville="Douai",
                 type="fablabMIT"),
    ]}  # fmt: skip
    run = run_file(json.dumps(data), "fablabs.geojson")
    assert outcomes(run) == ["created"] * 4
    rows = rows_from_geojson(data).rows
    assert rows[0].address == "12 rue de Paris, Bât. B"
    assert rows[0].postal_code == "59500"
    assert rows[0].commune_name == "DOUAI"
    assert rows[0].website == "bobine.example.org"
    assert rows[0].email == "a@example.org"
    assert rows[0].phone == "03 27 00 00 00"
    assert [row.types for row in rows] == [["other"], ["fablab"], ["coworking"], ["fablab"]]


def test_html_in_a_cell_becomes_text():
    assert text("1 rue X<br/>2e étage &amp; cour") == "1 rue X, 2e étage & cour"
    assert text("<p>Un <b>lieu</b></p><p>ouvert</p>") == "Un lieu, ouvert"
    assert text("a < b") == "a < b"


def test_type_words_of_other_networks_are_known():
    assert types_from_text("tiers-lieu") == ["other"]
    assert types_from_text("Hackerspace") == ["fablab"]
    assert types_from_text("Tiers lieux à dominante coworking") == ["coworking"]
    assert types_from_text("repair café") == ["cafe", "repair"]


def test_a_commune_found_by_name_without_insee_code_is_not_a_correction(communes, run_file):
    content = (
        "nom,code_postal,commune,code_insee\nLa Bobine,59500,Douai,\nLe Hangar,59500,Douai,0\n"
    )
    run = run_file(content, "lieux.csv")
    assert outcomes(run) == ["created", "created"]
    assert run.report[0]["repairs"] == []
    assert "Code INSEE absent" in " ".join(run.report[0]["messages"])
    # "0" is how some files say "no code": filling it is no correction either.
    assert run.report[1]["repairs"] == []
    assert run.summary["repaired"] == 0


def test_a_former_commune_unknown_by_name_is_found_by_postal_code_and_point(communes, run_file):
    # Two communes share the postal code: the name alone cannot choose.
    CommuneFactory(
        code_insee="59001", name="Lambres", postal_codes="|59500|", latitude=50.35, longitude=3.3
    )
    content = (
        "nom,code_postal,commune,latitude,longitude\n"
        "Maison France services,59500,MALAVILLE,50.3705,3.0799\n"
        "Trop loin,59500,MALAVILLE,50.9,3.0799\n"
    )
    run = run_file(content, "lieux.csv")
    assert outcomes(run) == ["created", "rejected"]
    assert "Douai" in " ".join(run.report[0]["messages"])
