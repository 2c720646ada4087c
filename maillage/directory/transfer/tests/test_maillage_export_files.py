"""Our own exports read back: ids and sources as exported, neutralised CSV cells restored,
spaces and equipment imported item by item."""

import json

import pytest

from maillage.directory.transfer import services
from maillage.directory.transfer.tests.conftest import messages_of, outcomes
from maillage.lib.csvio import neutralize, unneutralize
from maillage.places.models import Equipment, Place, Space
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

EXPORT_HEADER = "id,name,types,postal_code,code_insee,commune,latitude,longitude,phone,source"

GRANDE_SALLE = {
    "name": "Grande salle",
    "kind": "meeting_room",
    "description": "",
    "surface_m2": 60,
    "capacity": 25,
    "uses": "réunion",
    "price_unit": "half_day",
    "price_member_cents": 3000,
    "price_network_cents": None,
    "price_public_cents": 8000,
    "is_accessible": True,
    "accessibility_note": "",
    "is_bookable": True,
}
LASER = {
    "name": "Découpeuse laser",
    "category": "digital_fab",
    "description": "60 W",
    "quantity": 1,
    "sharing_mode": "with_operator",
    "deposit_cents": None,
    "price_cents": 1500,
    "price_unit": "hour",
    "conditions": "",
}


def record(**overrides):
    """A place as our GeoJSON and JSON exports give it (the fields the import reads)."""
    return {
        "id": "cget-2019-0042",
        "name": "La Bobine",
        "types": ["fablab"],
        "status": "open",
        "postal_code": "59500",
        "code_insee": "59178",
        "commune": "Douai",
        "latitude": 50.3701,
        "longitude": 3.0799,
        "source": "Recensement 2019",
        "spaces": [GRANDE_SALLE],
        "equipment": [LASER],
        **overrides,
    }


def geojson(*records) -> str:
    features = [
        {
            "type": "Feature",
            "id": r["id"],
            "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
            "properties": r,
        }
        for r in records
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


@pytest.fixture
def bobine(communes):
    """La Bobine as a previous import left it: its external id has no ":"."""
    place = PlaceFactory(
        name="La Bobine",
        slug="la-bobine",
        commune=communes["douai"],
        types=["fablab"],
        postal_code="59500",
        latitude=50.3701,
        longitude=3.0799,
        external_id="cget-2019-0042",
        source="Recensement 2019",
    )
    SpaceFactory(place=place, **GRANDE_SALLE)
    EquipmentFactory(place=place, **LASER)
    return place


# --- csvio --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+33 3 27 00 00 00", "-2", "@SUM(A1)", "\tx"])
def test_unneutralize_gives_back_what_neutralize_protected(text):
    assert unneutralize(neutralize(text)) == (text, True)


@pytest.mark.parametrize("cell", ["'", "'abc", "''=1", "l'atelier", "=1+1", ""])
def test_unneutralize_leaves_other_cells_as_they_are(cell):
    assert unneutralize(cell) == (cell, False)


# --- CSV ----------------------------------------------------------------------------------------


def test_a_neutralised_csv_cell_is_restored_but_a_raw_formula_still_refused(communes, run_file):
    lines = [
        EXPORT_HEADER,
        "maillage:1,'=1+1 n'est pas une formule,fablab,59500,59178,Douai,50.37,3.08,'+33 3 27 00 00 00,",
        "maillage:2,=1+1,fablab,59500,59178,Douai,50.30,3.20,,",
    ]
    run = run_file("\r\n".join(lines))
    assert outcomes(run) == ["created", "rejected"]
    assert run.report[0]["name"] == "=1+1 n'est pas une formule"
    assert "formule" in messages_of(run, 3)
    services.apply_run(run=run, by=None)
    assert Place.objects.get().phone == "+33 3 27 00 00 00"


def test_an_export_csv_keeps_its_ids_and_its_empty_source(communes, run_file):
    run = run_file(EXPORT_HEADER + "\r\ncget-2019-0042,La Bobine,fablab,59500,59178,Douai,,,,")
    assert run.report[0]["external_id"] == "cget-2019-0042"
    services.apply_run(run=run, by=None)
    place = Place.objects.get()
    assert (place.external_id, place.source) == ("cget-2019-0042", "")


def test_a_template_csv_source_column_becomes_the_places_source(communes, run_file):
    header = "identifiant,source,nom,code_insee"
    run = run_file(f"{header}\n12,Recensement régional,La Bobine,59178")
    assert run.report[0]["external_id"] == "recensement-regional:12"
    services.apply_run(run=run, by=None)
    assert Place.objects.get().source == "Recensement régional"


# --- GeoJSON and JSON: ids, sources, spaces and equipment ---------------------------------------


def test_geojson_export_creates_the_place_with_its_spaces_and_equipment(communes, run_file):
    run = run_file(geojson(record()), "annuaire.geojson")
    assert outcomes(run) == ["created"]
    assert "1 espace créé, 1 équipement créé" in messages_of(run, 1)
    assert not Space.objects.exists()  # the dry run writes nothing
    services.apply_run(run=run, by=None)
    place = Place.objects.get()
    assert (place.external_id, place.source) == ("cget-2019-0042", "Recensement 2019")
    space = place.spaces.get()
    assert (space.kind, space.capacity, space.price_member_cents) == ("meeting_room", 25, 3000)
    assert space.last_confirmed_at is not None
    laser = place.equipment.get()
    assert (laser.sharing_mode, laser.price_cents, laser.deposit_cents) == (
        "with_operator",
        1500,
        None,
    )


def test_the_same_export_again_is_unchanged_items_included(bobine, run_file):
    run = run_file(geojson(record()), "annuaire.geojson")
    assert outcomes(run) == ["unchanged"]
    assert "1 espace inchangé, 1 équipement inchangé" in messages_of(run, 1)
    assert run.summary["items"]["spaces"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_items_are_matched_by_name_updated_and_added(bobine, run_file):
    salle = {**GRANDE_SALLE, "name": "grande SALLE", "capacity": 30}
    perceuse = {**LASER, "name": "Perceuse", "category": "repair", "sharing_mode": "loan"}
    run = run_file(geojson(record(spaces=[salle], equipment=[LASER, perceuse])), "a.geojson")
    assert outcomes(run) == ["updated"]
    assert run.report[0]["changes"] == ["spaces", "equipment"]
    assert "1 espace mis à jour, 1 équipement créé, 1 équipement inchangé" in messages_of(run, 1)
    services.apply_run(run=run, by=None)
    assert list(bobine.spaces.values_list("name", "capacity")) == [("grande SALLE", 30)]
    assert sorted(bobine.equipment.values_list("name", flat=True)) == [
        "Découpeuse laser",
        "Perceuse",
    ]


def test_items_the_file_leaves_out_or_empties_are_kept(bobine, run_file):
    salle = {**GRANDE_SALLE, "price_member_cents": None, "uses": ""}
    run = run_file(geojson(record(spaces=[salle], equipment=[])), "a.geojson")
    assert outcomes(run) == ["unchanged"]
    services.apply_run(run=run, by=None)
    assert bobine.equipment.count() == 1
    assert bobine.spaces.get().price_member_cents == 3000


@pytest.mark.parametrize(
    ("spaces", "equipment", "expected"),
    [
        ([{**GRANDE_SALLE, "kind": "piscine"}], [], "Espace n° 1 (« Grande salle ») (« kind »)"),
        ([{**GRANDE_SALLE, "price_public_cents": -5}], [], "Un prix ne peut pas être négatif."),
        ([{**GRANDE_SALLE, "capacity": "beaucoup"}], [], "valeur illisible pour « capacity »"),
        ([{**GRANDE_SALLE, "name": " "}], [], "Espace n° 1 : le nom est vide."),
        ([], [{**LASER, "quantity": 0}], "La quantité doit être d'au moins 1."),
        ([], [{**LASER, "sharing_mode": "vol"}], "(« sharing_mode »)"),
        ([], [{**LASER, "category": "x" * 30}], "Équipement n° 1"),
        ("Grande salle", [], "« spaces » doit être une liste d'objets."),
        ([], ["Perceuse"], "« equipment » n° 1 n'est pas un objet."),
    ],
)
def test_bad_items_reject_the_row_and_change_nothing(bobine, run_file, spaces, equipment, expected):
    run = run_file(geojson(record(name="La Bobine", spaces=spaces, equipment=equipment)), "a.json")
    assert outcomes(run) == ["rejected"]
    assert expected in messages_of(run, 1)
    services.apply_run(run=run, by=None)
    assert Space.objects.get().kind == "meeting_room"
    assert Equipment.objects.get().quantity == 1


def test_json_export_is_read_as_our_own_format(communes, run_file):
    run = run_file(json.dumps([record()]), "annuaire.json")
    assert outcomes(run) == ["created"]
    assert run.report[0]["external_id"] == "cget-2019-0042"
    assert "Export Maillage" in " ".join(run.summary["notices"])
    services.apply_run(run=run, by=None)
    assert Place.objects.get().spaces.count() == 1


def test_a_rejected_item_rolls_back_nothing_else_of_the_file(communes, run_file):
    good = record()
    bad = record(
        id="reseau-a:hangar-7",
        name="Le Hangar",
        latitude=50.30,
        longitude=3.20,
        spaces=[{**GRANDE_SALLE, "kind": "piscine"}],
    )
    run = run_file(geojson(good, bad), "annuaire.geojson")
    assert outcomes(run) == ["created", "rejected"]
    services.apply_run(run=run, by=None)
    assert list(Place.objects.values_list("name", flat=True)) == ["La Bobine"]
    assert Space.objects.count() == 1
