"""The ANCT list of France Services: its own column names, hours per day, odd codes."""

from maillage.directory.transfer import services
from maillage.directory.transfer.rows import repair_double_encoding
from maillage.directory.transfer.tests.conftest import outcomes
from maillage.places.models import Place

HEADER = (
    '"id_fs","insee_dep","lib_fs","adresse","complement_adresse","insee_com","code_postal",'
    '"lib_com","latitude","longitude","mail","telephone","h_lundi","h_mardi","h_mercredi",'
    '"h_jeudi","h_vendredi","h_samedi","commentaire","itinerance","format_fs","groupe",'
    '"labellisation"\n'
)


def test_a_france_services_list_is_recognised_and_its_hours_read(communes, run_file):
    content = HEADER + (
        '"1","59","France services de Douai","5 Rue des Papetiers",,"59178","59500","Douai",'
        '50.3705,3.0799,"fs@example.org","03 27 00 00 00","09:00 - 12:00 / 13:30 - 17:00",'
        '"09:00 - 12:00","-",,,"09:00 - 12:00",,"Non","Site principal",,"Espace labellisé"\n'
        # An address on two lines, an INSEE code written "0null", a name read twice as UTF-8.
        '"2","04","Antenne de Digne","1 place\nBâtiment B",,"0null","04000","Digne-les-Bains",'
        '44.0925,6.2356,,,"9h - midi",,,,,,"Sur rendez-vous","Non","Antenne",,\n'
    )
    run = run_file(content, "liste-fs.csv", by=None)
    assert run.format == "csv"
    assert "France Services" in " ".join(run.summary["notices"])
    assert outcomes(run) == ["created", "created"]
    assert run.report[1]["repairs"] == []
    services.apply_run(run=run, by=None)
    douai = Place.objects.get(external_id="france-services:1")
    assert douai.name == "France services de Douai"
    assert douai.opening_hours == {
        "mo": "09:00-12:00,13:30-17:00",
        "tu": "09:00-12:00",
        "sa": "09:00-12:00",
    }
    assert douai.email == "fs@example.org"
    assert douai.types == ["numerique"]
    digne = Place.objects.get(external_id="france-services:2")
    assert digne.address == "1 place, Bâtiment B"
    assert digne.commune_id == "04070"
    # Hours that cannot be read are kept as a note, not lost and not refused.
    assert digne.opening_hours == {}
    assert digne.opening_hours_note == "Lundi 9h - midi"


def test_text_read_twice_as_utf8_is_repaired():
    assert repair_double_encoding("Trie-ChÃ¢teau") == "Trie-Château"
    assert repair_double_encoding("Fresnes-LÃ©guillon") == "Fresnes-Léguillon"
    assert repair_double_encoding("Château") == "Château"
