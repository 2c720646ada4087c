from django.urls import reverse

from maillage.directory.opendata.exporters import PLACE_COLUMNS
from maillage.directory.opendata.tests.helpers import content, read_csv
from maillage.places.tests.factories import PlaceFactory


def download(client, **query):
    return client.get(reverse("opendata:download", args=["reseau-a", "csv"]), query)


def test_csv_starts_with_a_bom_and_ends_lines_with_crlf(client, rich_place):
    data = content(download(client))
    assert data.startswith(b"\xef\xbb\xbfid,name,types,")
    # Every record ends with CRLF; the newline inside the quoted description stays a bare \n.
    assert data.count(b"\r\n") == 2
    assert b'"Deux lignes :\nun ""atelier"", un caf\xc3\xa9;\n' in data


def test_csv_columns_are_the_import_template_columns(client, rich_place):
    rows = read_csv(content(download(client)))
    assert list(rows[0]) == PLACE_COLUMNS
    row = rows[0]
    assert row["id"] == "cget-2019-0042"
    assert row["types"] == "fablab|fabrique"
    assert row["code_insee"] == "59178"
    assert row["commune"] == "Douai"
    assert row["opening_hours_mo"] == "09:00-12:00,14:00-18:00"
    assert row["opening_hours_su"] == ""
    assert row["access_step_free"] == "1"
    assert row["access_parking"] == "0"
    assert row["latitude"] == "50.3701"
    assert row["url"] == "http://testserver/lieux/la-bobine/"


def test_semicolon_option_for_french_excel_keeps_semicolons_in_cells_quoted(client, rich_place):
    data = content(download(client, sep=";"))
    assert data.startswith(b"\xef\xbb\xbfid;name;types;")
    rows = read_csv(data, delimiter=";")
    assert rows[0]["description"].endswith("=1+1 n'est pas une formule")
    assert "un café;" in rows[0]["description"]


def test_cells_that_look_like_formulas_are_neutralised(client, rich_place):
    rich_place.name = "=1+1"
    rich_place.summary = "@SUM(A1:A2)"
    rich_place.opening_hours_note = "-2+3"
    rich_place.longitude = -1.5536
    rich_place.save()
    row = read_csv(content(download(client)))[0]
    assert row["name"] == "'=1+1"
    assert row["summary"] == "'@SUM(A1:A2)"
    assert row["opening_hours_note"] == "'-2+3"
    # A number stays a number: a negative longitude is not a formula.
    assert row["longitude"] == "-1.5536"


def test_a_phone_with_a_plus_is_neutralised_as_documented(client, rich_place):
    # "+33 3 27…" would be read as a formula by a spreadsheet: it gets the leading apostrophe,
    # which spreadsheets hide; an importer strips it again.
    row = read_csv(content(download(client)))[0]
    assert row["phone"] == "'+33 3 27 00 00 00"
    assert row["email"] == "contact@labobine.example"


def test_spaces_and_equipment_tables_are_keyed_by_the_place_id(client, rich_place):
    spaces = read_csv(content(download(client, table="spaces")))
    assert [(s["place_id"], s["name"], s["price_member_cents"]) for s in spaces] == [
        ("cget-2019-0042", "Grande salle", "3000")
    ]
    equipment = read_csv(content(download(client, table="equipment")))
    assert [(e["place_id"], e["name"], e["quantity"]) for e in equipment] == [
        ("cget-2019-0042", "Découpeuse laser", "1"),
        ("cget-2019-0042", "Perceuse", "3"),
    ]


def test_an_unknown_table_falls_back_to_places(client, rich_place):
    rows = read_csv(content(download(client, table="drop table")))
    assert list(rows[0]) == PLACE_COLUMNS


def test_a_place_without_external_id_gets_a_maillage_id(client, membership, place):
    row = read_csv(content(download(client)))[0]
    assert row["id"] == f"maillage:{place.pk}"


def test_unpublished_places_are_never_exported(client, rich_place, hidden_place):
    for url in [
        reverse("opendata:download", args=["reseau-a", "csv"]),
        reverse("opendata:directory-download", args=["csv"]),
    ]:
        names = [row["name"] for row in read_csv(content(client.get(url)))]
        assert "Le Secret" not in names
        assert "La Bobine" in names


def test_the_network_file_holds_only_its_accepted_members(client, rich_place, other_place):
    PlaceFactory(name="Ailleurs")
    network_names = [row["name"] for row in read_csv(content(download(client)))]
    assert network_names == ["La Bobine"]
    directory = read_csv(content(client.get(reverse("opendata:directory-download", args=["csv"]))))
    assert {"La Bobine", "Le Hangar", "Ailleurs"} <= {row["name"] for row in directory}
