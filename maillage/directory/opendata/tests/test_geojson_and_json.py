from django.urls import reverse

from maillage.directory.opendata.tests.helpers import read_json
from maillage.places.tests.factories import PlaceFactory


def test_geojson_is_a_feature_collection_of_points_in_longitude_latitude_order(client, rich_place):
    response = client.get(reverse("opendata:download", args=["reseau-a", "geojson"]))
    assert response["Content-Type"] == "application/geo+json"
    data = read_json(response)
    assert data["type"] == "FeatureCollection"
    assert data["metadata"]["licence"].startswith("https://www.etalab.gouv.fr/")
    [feature] = data["features"]
    assert feature["type"] == "Feature"
    assert feature["id"] == "cget-2019-0042"
    assert feature["geometry"] == {"type": "Point", "coordinates": [3.0799, 50.3701]}


def test_geojson_properties_carry_spaces_and_equipment_as_arrays(client, rich_place):
    data = read_json(client.get(reverse("opendata:download", args=["reseau-a", "geojson"])))
    properties = data["features"][0]["properties"]
    assert properties["types"] == ["fablab", "fabrique"]
    assert properties["opening_hours"]["sa"] == "10:00-12:30"
    assert properties["access_step_free"] is True
    assert properties["last_confirmed_at"] == "2026-03-02T10:30:00+00:00"
    assert properties["spaces"] == [
        {
            "name": "Grande salle",
            "kind": "meeting_room",
            "description": "Vidéoprojecteur",
            "surface_m2": 60,
            "capacity": 25,
            "uses": "réunion, formation",
            "price_unit": "half_day",
            "price_member_cents": 3000,
            "price_network_cents": 4500,
            "price_public_cents": 8000,
            "is_accessible": True,
            "accessibility_note": "Porte large",
            "is_bookable": True,
        }
    ]
    assert [item["name"] for item in properties["equipment"]] == ["Découpeuse laser", "Perceuse"]
    assert properties["equipment"][1]["deposit_cents"] == 5000


def test_a_place_without_position_has_a_null_geometry(client, membership, place):
    place.latitude = place.longitude = None
    place.save()
    data = read_json(client.get(reverse("opendata:directory-download", args=["geojson"])))
    assert data["features"][0]["geometry"] is None


def test_an_empty_network_gives_a_valid_empty_collection(client, network_b):
    data = read_json(client.get(reverse("opendata:download", args=["reseau-b", "geojson"])))
    assert data["type"] == "FeatureCollection"
    assert data["features"] == []


def test_json_is_the_plain_list_of_geojson_properties(client, rich_place, other_place):
    geojson = read_json(client.get(reverse("opendata:directory-download", args=["geojson"])))
    response = client.get(reverse("opendata:directory-download", args=["json"]))
    assert response["Content-Type"] == "application/json"
    assert read_json(response) == [feature["properties"] for feature in geojson["features"]]


def test_no_personal_data_of_managers_or_members_leaves_with_the_place(
    client, rich_place, alice, bob
):
    for fmt in ["geojson", "json", "csv"]:
        body = b"".join(
            client.get(reverse("opendata:directory-download", args=[fmt])).streaming_content
        ).decode("utf-8-sig")
        assert "alice@example.org" not in body
        assert "bob@example.org" not in body
        # The place's own public contact stays.
        assert "contact@labobine.example" in body


def test_downloads_are_named_with_the_date_and_carry_the_licence(client, rich_place):
    response = client.get(
        reverse("opendata:download", args=["reseau-a", "csv"]), {"table": "spaces"}
    )
    assert response["Content-Disposition"].startswith(
        'attachment; filename="maillage-reseau-a-espaces-'
    )
    assert response["Content-Disposition"].endswith('.csv"')
    assert 'rel="license"' in response["Link"]
    whole = client.get(reverse("opendata:directory-download", args=["geojson"]))
    assert 'filename="maillage-annuaire-lieux-' in whole["Content-Disposition"]
    assert "opendatacommons.org/licenses/odbl" in whole["Link"]


def test_unknown_format_or_network_is_not_found(client, network_a):
    assert client.get("/donnees-ouvertes/reseau-a/lieux.xlsx").status_code == 404
    assert client.get("/donnees-ouvertes/lieux.exe").status_code == 404
    assert client.get(reverse("opendata:download", args=["inconnu", "csv"])).status_code == 404


def test_places_are_exported_in_name_order(client, db):
    for name in ["Zèbre", "Atelier", "Moulin"]:
        PlaceFactory(name=name)
    records = read_json(client.get(reverse("opendata:directory-download", args=["json"])))
    assert [record["name"] for record in records] == ["Atelier", "Moulin", "Zèbre"]


def test_an_imported_files_extra_columns_go_only_to_the_networks_coordinators(
    client, rich_place, dora, alice
):
    rich_place.extra = {"référente": "Anne Martin, 06 12 34 56 78"}
    rich_place.save()
    url = reverse("opendata:download", args=["reseau-a", "geojson"])

    def extra_of(response):
        return read_json(response)["features"][0]["properties"]["extra"]

    assert extra_of(client.get(url)) == {}  # the public: open data, not a network's spreadsheet
    client.force_login(alice)  # the place's manager sees them on the page, not in open data
    assert extra_of(client.get(url)) == {}
    client.force_login(dora)
    assert extra_of(client.get(url)) == {"référente": "Anne Martin, 06 12 34 56 78"}
