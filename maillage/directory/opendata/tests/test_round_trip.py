"""Export then re-import gives an identical directory.

The directory is exported (GeoJSON, the lossless format, and the places CSV), wiped, then
imported back through the import services: a dry run first (nothing written, every row
"created"), then apply. The re-exported directory is compared with the first, field by field.
"""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.directory.opendata.exporters import place_record
from maillage.directory.opendata.selectors import export_places
from maillage.directory.opendata.tests.helpers import content
from maillage.directory.transfer import services as transfer
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.models import Place, PlaceStatus, PlaceType
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

# Not the directory's content: where the page lives.
NOT_COMPARED = {"url"}


@pytest.fixture
def directory(rich_place, other_place, network_a, commune):
    """Three published places of different shapes, and one unpublished (never exported)."""
    other_place.types = [PlaceType.COWORKING, PlaceType.CAFE]
    other_place.status = PlaceStatus.PROJECT
    other_place.summary = "Coworking en projet"
    other_place.opening_hours = {"we": "14:00-18:00"}
    other_place.access_public_transport = True
    other_place.external_id = "reseau-a:hangar-7"
    other_place.siret = "43493312300029"
    other_place.tags = {"services": ["Loisirs et créations numériques"], "typologie": ["ASSO"]}
    other_place.last_confirmed_at = datetime.datetime(2025, 3, 2, 10, 30, tzinfo=datetime.UTC)
    other_place.save()
    SpaceFactory(place=other_place, name="Plateau", capacity=8, surface_m2=45)
    third = PlaceFactory(
        name="Café de la Gare",
        slug="cafe-de-la-gare",
        commune=commune,
        types=[PlaceType.CAFE],
        status=PlaceStatus.CLOSED,
        address="Place de la Gare",
        latitude=50.3675,
        longitude=3.0911,
        website="https://cafe-gare.example/",
        phone="03 27 99 99 99",
    )
    EquipmentFactory(place=third, name="Sono", category="event", quantity=2)
    Membership.objects.create(network=network_a, place=third, status=MembershipStatus.ACCEPTED)
    PlaceFactory(name="Brouillon", slug="brouillon", commune=commune, is_published=False)
    return [rich_place, other_place, third]


def snapshot() -> dict[str, dict]:
    records = {}
    for place in export_places():
        record = place_record(place)
        records[record["name"]] = {k: v for k, v in record.items() if k not in NOT_COMPARED}
    return records


def wipe_published() -> None:
    Place.objects.filter(is_published=True).delete()


def reimport(data: bytes, name: str, *, by, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, data)
    run = transfer.start_import(by=by, upload=upload, network=None)
    run = transfer.dry_run(run=run)
    return run


def check_dry_run_then_apply(run, *, expected_rows, by):
    assert run.error == ""
    assert [row["outcome"] for row in run.report] == ["created"] * expected_rows, run.report
    # The dry run writes nothing.
    assert not Place.objects.filter(is_published=True).exists()
    applied = transfer.apply_run(run=run, by=by)
    assert applied.status == "applied"


def assert_same(before: dict, after: dict, *, fields=None) -> None:
    assert sorted(after) == sorted(before)
    differences = [
        f"{name} · {field}: {value!r} → {after[name][field]!r}"
        for name, record in before.items()
        for field, value in record.items()
        if (fields is None or field in fields) and after[name][field] != value
    ]
    assert differences == [], "\n".join(differences)


# Each former gap of the import side (maillage/directory/transfer) has its own test below: ids
# without ":" and the `source` column kept as exported, a second import of the same export
# "unchanged", CSV cells neutralised with a leading "'" given back as they were, spaces and
# equipment imported from the GeoJSON export.


def place_fields(before: dict) -> set[str]:
    return set(next(iter(before.values()))) - {"spaces", "equipment"}


def test_geojson_export_then_import_gives_the_same_directory(
    client, directory, root, settings, tmp_path
):
    before = snapshot()
    data = content(client.get(reverse("opendata:directory-download", args=["geojson"])))
    wipe_published()
    run = reimport(data, "annuaire.geojson", by=root, settings=settings, tmp_path=tmp_path)
    check_dry_run_then_apply(run, expected_rows=3, by=root)
    assert_same(before, snapshot())


def test_csv_export_then_import_gives_the_same_places(client, directory, root, settings, tmp_path):
    before = snapshot()
    data = content(client.get(reverse("opendata:directory-download", args=["csv"]), {"sep": ";"}))
    wipe_published()
    run = reimport(data, "annuaire.csv", by=root, settings=settings, tmp_path=tmp_path)
    check_dry_run_then_apply(run, expected_rows=3, by=root)
    # The places CSV carries no spaces or equipment (they are separate files).
    assert_same(before, snapshot(), fields=place_fields(before))


def test_round_trip_keeps_ids_and_sources(client, directory, root, settings, tmp_path):
    before = snapshot()
    data = content(client.get(reverse("opendata:directory-download", args=["geojson"])))
    wipe_published()
    run = reimport(data, "annuaire.geojson", by=root, settings=settings, tmp_path=tmp_path)
    check_dry_run_then_apply(run, expected_rows=3, by=root)
    assert_same(before, snapshot(), fields={"id", "source"})


def test_reimporting_the_same_export_changes_nothing(client, directory, root, settings, tmp_path):
    before = snapshot()
    data = content(client.get(reverse("opendata:directory-download", args=["geojson"])))
    run = reimport(data, "annuaire.geojson", by=root, settings=settings, tmp_path=tmp_path)
    assert [row["outcome"] for row in run.report] == ["unchanged"] * 3, run.report
    assert snapshot() == before


def test_csv_round_trip_restores_neutralised_cells(client, directory, root, settings, tmp_path):
    before = snapshot()
    data = content(client.get(reverse("opendata:directory-download", args=["csv"])))
    wipe_published()
    run = reimport(data, "annuaire.csv", by=root, settings=settings, tmp_path=tmp_path)
    check_dry_run_then_apply(run, expected_rows=3, by=root)
    assert_same(before, snapshot(), fields={"phone"})


def test_geojson_round_trip_keeps_spaces_and_equipment(client, directory, root, settings, tmp_path):
    before = snapshot()
    data = content(client.get(reverse("opendata:directory-download", args=["geojson"])))
    wipe_published()
    run = reimport(data, "annuaire.geojson", by=root, settings=settings, tmp_path=tmp_path)
    check_dry_run_then_apply(run, expected_rows=3, by=root)
    assert_same(before, snapshot(), fields={"spaces", "equipment"})


def test_json_export_then_import_gives_the_same_directory(
    client, directory, root, settings, tmp_path
):
    before = snapshot()
    data = content(client.get(reverse("opendata:directory-download", args=["json"])))
    wipe_published()
    run = reimport(data, "annuaire.json", by=root, settings=settings, tmp_path=tmp_path)
    check_dry_run_then_apply(run, expected_rows=3, by=root)
    assert_same(before, snapshot())
    again = reimport(data, "annuaire.json", by=root, settings=settings, tmp_path=tmp_path)
    assert [row["outcome"] for row in again.report] == ["unchanged"] * 3, again.report


def test_csv_round_trip_keeps_confirmation_dates_siret_and_tags(
    client, directory, root, settings, tmp_path
):
    before = snapshot()
    data = content(client.get(reverse("opendata:directory-download", args=["csv"])))
    wipe_published()
    run = reimport(data, "annuaire.csv", by=root, settings=settings, tmp_path=tmp_path)
    check_dry_run_then_apply(run, expected_rows=3, by=root)
    after = snapshot()
    assert after["Le Hangar"]["last_confirmed_at"] == "2025-03-02T10:30:00+00:00"
    assert_same(before, after, fields={"last_confirmed_at", "siret", "tags"})
    again = reimport(data, "annuaire.csv", by=root, settings=settings, tmp_path=tmp_path)
    assert [row["outcome"] for row in again.report] == ["unchanged"] * 3, again.report


def test_gogocarto_export_then_import_gives_the_same_places(
    client, directory, root, settings, tmp_path
):
    compared = {
        "id", "name", "types", "summary", "description", "address", "postal_code",
        "code_insee", "commune", "latitude", "longitude", "opening_hours",
        "opening_hours_note", "email", "phone", "website",
    }  # fmt: skip
    before = snapshot()
    response = client.get(reverse("opendata:directory-download-gogocarto"))
    data = content(response)
    assert json.loads(data)["ontology"] == "gogofull"
    wipe_published()
    run = reimport(data, "gogocarto.json", by=root, settings=settings, tmp_path=tmp_path)
    assert run.format == "gogocarto"
    check_dry_run_then_apply(run, expected_rows=3, by=root)
    assert_same(before, snapshot(), fields=compared)
    again = reimport(data, "gogocarto.json", by=root, settings=settings, tmp_path=tmp_path)
    assert [row["outcome"] for row in again.report] == ["unchanged"] * 3, again.report


def test_the_open_data_page_offers_gogocarto(client, db):
    page = client.get(reverse("opendata:index")).content.decode()
    assert reverse("opendata:directory-download-gogocarto") in page


def _csv_table(client, table: str) -> bytes:
    url = reverse("opendata:directory-download", args=["csv"])
    return content(client.get(url, {"table": table, "sep": ";"}))


def _import_applied(data: bytes, name: str, *, by, settings, tmp_path):
    run = reimport(data, name, by=by, settings=settings, tmp_path=tmp_path)
    assert run.error == "", run.error
    applied = transfer.apply_run(run=run, by=by)
    assert applied.status == "applied"
    return applied


def test_csv_export_of_places_spaces_and_equipment_imports_back_field_by_field(
    client, directory, root, settings, tmp_path
):
    rich_place = directory[0]
    SpaceFactory(
        place=rich_place, name="=Salle formule", description="", capacity=None, is_bookable=False
    )
    EquipmentFactory(place=rich_place, name="Découpeuse laser", quantity=1, price_cents=None)
    before = snapshot()
    places, spaces, equipment = (_csv_table(client, t) for t in ("places", "spaces", "equipment"))
    wipe_published()

    _import_applied(places, "annuaire-lieux.csv", by=root, settings=settings, tmp_path=tmp_path)
    dry = reimport(spaces, "annuaire-espaces.csv", by=root, settings=settings, tmp_path=tmp_path)
    assert dry.format == "csv"
    # One row of the report per place; the dry run writes nothing.
    spaced = {name for name, record in before.items() if record["spaces"]}
    assert {row["name"] for row in dry.report} == spaced
    assert {row["outcome"] for row in dry.report} == {"updated"}
    assert not any(record["spaces"] for record in snapshot().values())
    applied = transfer.apply_run(run=dry, by=root)
    assert applied.summary["items"]["spaces"]["created"] == sum(
        len(before[name]["spaces"]) for name in spaced
    )
    _import_applied(
        equipment, "annuaire-equipements.csv", by=root, settings=settings, tmp_path=tmp_path
    )

    # Every field of every place, space and equipment comes back as it was exported.
    assert_same(before, snapshot())


def test_reimporting_the_spaces_and_equipment_csv_changes_nothing(
    client, directory, root, settings, tmp_path
):
    before = snapshot()
    for table in ("spaces", "equipment"):
        data = _csv_table(client, table)
        run = reimport(data, f"{table}.csv", by=root, settings=settings, tmp_path=tmp_path)
        assert run.report and {row["outcome"] for row in run.report} == {"unchanged"}, run.report
        transfer.apply_run(run=run, by=root)
    assert snapshot() == before


def test_a_changed_space_in_the_csv_updates_only_that_space(
    client, directory, root, settings, tmp_path
):
    data = _csv_table(client, "spaces").decode("utf-8-sig")
    lines = data.splitlines()
    header = lines[0].split(";")
    plateau = next(i for i, line in enumerate(lines) if ";Plateau;" in line)
    cells = lines[plateau].split(";")
    cells[header.index("capacity")] = "12"
    lines[plateau] = ";".join(cells)
    run = reimport(
        "\r\n".join(lines).encode(), "espaces.csv", by=root, settings=settings, tmp_path=tmp_path
    )
    changed = [row for row in run.report if row["outcome"] == "updated"]
    assert [row["name"] for row in changed] == ["Le Hangar"]
    assert changed[0]["items"]["spaces"] == {"created": 0, "updated": 1, "unchanged": 0}
    transfer.apply_run(run=run, by=root)
    assert snapshot()["Le Hangar"]["spaces"][0]["capacity"] == 12
