"""The real files of ../shared/data (skipped when the folder is absent), on the full gazetteer."""

from pathlib import Path

import pytest

from maillage.directory.transfer import services
from maillage.directory.transfer.tests.conftest import SHARED_DATA
from maillage.places.models import ImportRun, Place

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not SHARED_DATA.is_dir(), reason=f"real data folder {SHARED_DATA} is absent"
    ),
]


@pytest.fixture
def dry(gazetteer, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def run(relative: str, format: str = "") -> ImportRun:
        path: Path = SHARED_DATA / relative
        with path.open("rb") as handle:
            from django.core.files import File

            run = services.start_import(
                by=None, upload=File(handle, name=path.name), network=None, format=format
            )
        return services.dry_run(run=run)

    return run


def _rows(run, *, name: str = "", external_id: str = ""):
    return [
        r
        for r in run.report
        if (not name or r["name"] == name) and (not external_id or r["external_id"] == external_id)
    ]


@pytest.mark.parametrize(
    "relative", ["places/cget_tiers_lieux_2019.csv", "places/cget_tiers_lieux_2019.geojson"]
)
def test_cget_2019_resolves_or_reports_every_row(dry, relative):
    run = dry(relative)
    assert run.status == ImportRun.Status.CHECKED
    assert run.rows_total == 1512
    summary = run.summary
    assert sum(summary[k] for k in services.Outcome.ALL) == 1512
    assert summary["created"] > 1400
    # Each of the 157 rows without an INSEE code is either resolved (and says how) or refused.
    no_insee = [r for r in run.report if any("Code INSEE absent" in m for m in r["messages"])]
    assert len(no_insee) > 100
    for row in run.report:
        if row["outcome"] == "rejected":
            assert row["messages"], row
    (belgian,) = _rows(run, name="SPRING BOX COWORKING")
    assert belgian["outcome"] == "rejected"
    assert "Tournai" in " ".join(belgian["messages"])
    (far,) = _rows(run, name="SICTIAM")
    assert far["outcome"] == "rejected"
    assert "km du centre" in " ".join(far["messages"])
    assert Place.objects.count() == 0


def test_cget_2019_reimport_is_all_unchanged(dry):
    first = dry("places/cget_tiers_lieux_2019.csv")
    services.apply_run(run=first, by=None)
    created = Place.objects.count()
    assert created == first.summary["created"]
    again = dry("places/cget_tiers_lieux_2019.csv")
    assert again.summary["created"] == 0
    assert again.summary["updated"] == 0
    assert again.summary["unchanged"] == created


def test_paca_mediation_numerique_json(dry):
    run = dry("mediation_numerique/lmn_hub-du-sud_paca_2023-05-17.json")
    assert run.format == "mediation"
    assert run.rows_total == 646
    assert run.summary["created"] > 600


def test_nouvelle_caledonie_overseas_coordinates_work(dry):
    run = dry("mediation_numerique/lmn_nouvelle-caledonie_2024-03-20.json")
    assert run.rows_total == 90
    assert run.summary["rejected"] == 0
    # The file gives Auvergne's Mont-Dore INSEE code for the Caledonian one: repaired.
    assert any("désigne" in m for r in run.report for m in r["repairs"])


def test_gogocarto_sample(dry):
    run = dry("formats/gogocarto_gogofull_elements_sample.json")
    assert run.format == "gogocarto"
    assert run.rows_total == 12
    assert run.summary["created"] >= 10


def test_region_sud_damaged_file_is_reported_row_by_row_and_nothing_applied(dry):
    run = dry("mediation_numerique/regionsud_lieux_inclusion_numerique_2022_raw.csv")
    assert run.status == ImportRun.Status.CHECKED
    assert run.rows_total == 1245
    source = SHARED_DATA / "mediation_numerique/regionsud_lieux_inclusion_numerique_2022_raw.csv"
    lines = source.read_text(encoding="utf-8").splitlines()[1:]
    damaged_rows = {n for n, line in enumerate(lines, start=2) if "\ufffd" in line.split(";")[0]}
    by_row = {r["row"]: r for r in run.report}
    for number in damaged_rows:
        assert by_row[number]["outcome"] == "rejected"
        assert "colonne « nom »" in " ".join(by_row[number]["messages"])
    repaired = [r for r in run.report if any("corrigé en « 0" in m for m in r["repairs"])]
    assert len(repaired) > 500
    assert Place.objects.count() == 0
