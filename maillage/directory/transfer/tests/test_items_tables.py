"""The spaces and equipment CSV files of an export, imported back on their own."""

from maillage.directory.transfer import services
from maillage.directory.transfer.tests.conftest import outcomes
from maillage.places.models import Equipment, Space
from maillage.places.tests.factories import SpaceFactory

SPACES_HEADER = (
    "place_id,name,kind,description,surface_m2,capacity,uses,price_unit,price_member_cents,"
    "price_network_cents,price_public_cents,is_accessible,accessibility_note,is_bookable"
)
EQUIPMENT_HEADER = (
    "place_id,name,category,description,quantity,sharing_mode,deposit_cents,price_cents,"
    "price_unit,conditions"
)


def test_a_spaces_file_naming_an_unknown_place_is_refused_with_the_reason(run_file, place):
    run = run_file(f"{SPACES_HEADER}\nmaillage:999999,Salle,meeting_room,,,,,,,,,0,,1\n")
    assert outcomes(run) == ["rejected"]
    assert "importez d'abord le fichier des lieux" in run.report[0]["messages"][0]


def test_a_bad_value_names_the_line_of_the_file(run_file, place, root):
    rows = (
        f"maillage:{place.pk},Atelier,workshop,,,,,,,,,0,,1\n"
        f"maillage:{place.pk},Salle,meeting_room,,vingt,,,,,,,0,,1\n"
    )
    run = run_file(f"{SPACES_HEADER}\n{rows}")
    assert outcomes(run) == ["rejected"]
    assert any(message.startswith("Ligne 3 (« Salle »)") for message in run.report[0]["messages"])
    # A refused row writes nothing, not even its good items.
    services.apply_run(run=run, by=root)
    assert not Space.objects.filter(place=place).exists()


def test_equipment_rows_of_one_place_make_one_report_row_and_keep_other_items(
    run_file, place, root
):
    SpaceFactory(place=place, name="Atelier")
    rows = (
        f"maillage:{place.pk},Imprimante 3D,digital_fab,,2,loan,,,,\n"
        f"maillage:{place.pk},Sono,event,,1,on_site,5000,2000,day,\n"
    )
    run = run_file(f"{EQUIPMENT_HEADER}\n{rows}", "equipements.csv")
    assert outcomes(run) == ["updated"]
    assert run.report[0]["name"] == "La Bobine"
    assert run.report[0]["items"]["equipment"]["created"] == 2
    services.apply_run(run=run, by=root)
    stored = {item.name: item for item in Equipment.objects.filter(place=place)}
    assert stored["Imprimante 3D"].quantity == 2
    assert stored["Sono"].price_cents == 2000
    assert Space.objects.filter(place=place, name="Atelier").exists()
