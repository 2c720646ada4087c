"""Malformed files get a clear French report and change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.directory.transfer import services
from maillage.directory.transfer.rows import FileTooLarge, UnknownFormat
from maillage.directory.transfer.tests.conftest import HEADER, messages_of, outcomes
from maillage.places.models import ImportRun, Place

GOOD = "1,La Bobine,coworking,1 place d'Armes,59500,Douai,59178,50.3705,3.0799\n"


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+cmd", "-2+3", "@SUM(A1)"])
def test_formula_injection_is_rejected_naming_the_column(communes, run_file, cell):
    run = run_file(HEADER + "\n" + GOOD.replace("La Bobine", f'"{cell}"'))
    assert outcomes(run) == ["rejected"]
    assert "colonne « nom »" in messages_of(run, 2)
    assert "formule" in messages_of(run, 2)


def test_windows_1252_file_is_read_and_said_so(communes, run_file):
    run = run_file(HEADER + "\n" + GOOD.replace("La Bobine", "Le Café"), encoding="cp1252")
    assert outcomes(run) == ["created"]
    assert run.report[0]["name"] == "Le Café"
    assert any("Windows-1252" in notice for notice in run.summary["notices"])


def test_semicolon_separator_is_detected(communes, run_file):
    run = run_file((HEADER + "\n" + GOOD).replace(",", ";"))
    assert outcomes(run) == ["created"]
    assert any("« ; »" in notice for notice in run.summary["notices"])


def test_replacement_characters_reject_the_row_naming_the_column(communes, run_file):
    run = run_file(HEADER + "\n" + GOOD.replace("1 place d'Armes", "1 place d\ufffdArmes"))
    assert outcomes(run) == ["rejected"]
    assert "colonne « adresse »" in messages_of(run, 2)


def test_missing_columns_stop_at_the_mapping_step_with_their_names(communes, run_file):
    run = run_file("identifiant,latitude\n1,50.1\n")
    assert run.status == ImportRun.Status.NEEDS_MAPPING
    assert not run.report
    assert [c["name"] for c in run.summary["inspection"]["columns"]] == ["identifiant", "latitude"]
    assert "Colonnes manquantes" in run.error
    assert "nom" in run.error


def test_extra_columns_are_ignored_with_a_notice(communes, run_file):
    run = run_file(HEADER + ",couleur\n" + GOOD.rstrip("\n") + ",bleu\n")
    assert outcomes(run) == ["created"]
    assert any("couleur" in notice for notice in run.summary["notices"])


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("abc", "3.08", "illisibles"),
        ("95", "3.08", "impossibles"),
        ("3.08", "50.37", "hors de France"),  # swapped
        ("48.85", "2.35", "km du centre de Douai"),
        ("50.37", "", "latitude et la longitude"),
    ],
)
def test_bad_coordinates_are_rejected_with_a_reason(communes, run_file, lat, lon, expected):
    run = run_file(HEADER + "\n" + GOOD.replace("50.3705,3.0799", f"{lat},{lon}"))
    assert outcomes(run) == ["rejected"]
    assert expected in messages_of(run, 2)


def test_unknown_commune_is_rejected(communes, run_file):
    run = run_file(HEADER + "\n" + GOOD.replace("59500,Douai,59178", "12345,Nullepart,"))
    assert outcomes(run) == ["rejected"]
    assert "Commune introuvable" in messages_of(run, 2)


def test_missing_name_is_rejected(communes, run_file):
    run = run_file(HEADER + "\n" + GOOD.replace("La Bobine", ""))
    assert outcomes(run) == ["rejected"]
    assert "nom du lieu est vide" in messages_of(run, 2)


def test_unknown_format_is_refused_clearly(communes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(UnknownFormat, match="Format de fichier non reconnu"):
        services.start_import(
            by=None, upload=SimpleUploadedFile("x.xlsx", b"PK\x03\x04\x00\x00"), network=None
        )
    assert ImportRun.objects.count() == 0


def test_invalid_json_fails_the_run(communes, run_file):
    run = run_file(b'{"type": "FeatureCollection", "features": [', "x.geojson", format="geojson")
    assert run.status == ImportRun.Status.FAILED
    assert "JSON valide" in run.error


def test_a_file_over_50_mb_is_refused_before_reading(communes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("big.csv", b"nom\n")
    big.size = 50 * 1024 * 1024 + 1
    with pytest.raises(FileTooLarge, match="50 Mo"):
        services.start_import(by=None, upload=big, network=None)
    assert ImportRun.objects.count() == 0
    assert Place.objects.count() == 0


def test_the_upload_page_refuses_a_50_mb_body_without_reading_it(client, dora, network_a):
    client.force_login(dora)
    response = client.post(
        "/import/", data=b"x", content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
    )  # fmt: skip
    assert response.status_code == 413
    assert "taille maximale de 50 Mo" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_deeply_nested_json_upload_is_refused_in_french_and_leaves_nothing(
    client, dora, network_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(dora)
    nested = SimpleUploadedFile("lieux.json", b"[" * 100_000 + b"]" * 100_000)

    response = client.post("/import/", {"file": nested, "network": network_a.pk})

    assert response.status_code == 200  # the form again, the message beside the file
    assert "imbriqué sur plus de 32 niveaux" in response.content.decode()
    assert ImportRun.objects.count() == 0
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_a_deeply_nested_json_with_its_format_named_fails_the_run_in_french(communes, run_file):
    run = run_file("[" * 5_000 + "]" * 5_000, name="lieux.geojson", format="geojson")

    assert run.status == ImportRun.Status.FAILED
    assert "imbriqué sur plus de 32 niveaux" in run.error
