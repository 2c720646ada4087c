"""GeoJSON, GoGoCarto and médiation numérique files read into the same rows."""

import json

from maillage.directory.transfer.tests.conftest import messages_of, outcomes


def test_geojson_points_are_read_with_lon_lat_order(communes, run_file):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [3.0799, 50.3705]},
                "properties": {"ID": "7", "NOM_TL": "La Bobine", "CP": "59500",
                               "COMINIT": "Douai", "INSEECOM": "0", "TYPO": "Tiers lieux à dominante coworking"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[3, 50], [3.1, 50.1]]},
                "properties": {"ID": "8", "NOM_TL": "Une ligne", "CP": "59500", "INSEECOM": "59178"},
            },
        ],
    }  # fmt: skip
    run = run_file(json.dumps(data), "lieux.geojson")
    assert run.format == "geojson"
    assert outcomes(run) == ["created", "rejected"]
    assert run.report[0]["external_id"] == "cget2019:7"
    assert "Code INSEE absent" in messages_of(run, 1)
    assert "LineString" in messages_of(run, 2)


def test_gogocarto_export_hides_nothing_it_did_not_have(communes, run_file):
    data = {"ontology": "gogofull", "data": [{
        "id": "10kw", "name": "La Ruche", "geo": {"latitude": 50.3705, "longitude": 3.0799},
        "address": {"streetAddress": "1 rue", "addressLocality": "Douai", "postalCode": "59500"},
        "email": "hidden", "website": "laruche.example.org",
    }]}  # fmt: skip
    run = run_file(json.dumps(data), "gogo.json")
    assert run.format == "gogocarto"
    assert outcomes(run) == ["created"]
    assert run.report[0]["external_id"] == "gogocarto:10kw"


def test_mediation_numerique_tolerates_older_field_names(communes, run_file):
    data = [{
        "id": "0", "nom": "Espace numérique", "commune": "Nouméa", "code_postal": "98800",
        "code_insee": "98818", "adresse": "104 avenue Koenig", "latitude": -22.2339,
        "longitude": 166.4681, "courriels": "a@example.org|b@example.org",
        "publics_accueillis": "Adultes", "source": "Nouvelle-Calédonie",
    }]  # fmt: skip
    run = run_file(json.dumps(data), "lmn.json")
    assert run.format == "mediation"
    assert outcomes(run) == ["created"]
    assert run.report[0]["external_id"] == "lmn-nouvelle-caledonie:0"
