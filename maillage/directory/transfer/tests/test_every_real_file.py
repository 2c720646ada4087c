"""Every importable file of ../shared/data: at least 97 % of its rows placed, no column dropped.

"Placed" means the row finds its commune and passes the checks: it would be created, updated,
left unchanged, or proposed for merging with a place already there. Unknown columns are never
dropped: the report says which columns it keeps as extra attributes, and no column is ignored.
"""

import pytest
from django.core.files import File

from maillage.directory.transfer import services
from maillage.directory.transfer.tests.conftest import SHARED_DATA
from maillage.places.models import ImportRun

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not SHARED_DATA.is_dir(), reason=f"real data folder {SHARED_DATA} is absent"
    ),
]

IMPORTABLE = [
    "places/cget_tiers_lieux_2019.csv",
    "places/cget_tiers_lieux_2019.geojson",
    "mediation_numerique/france_services_2022-12-01.csv",
    "mediation_numerique/lmn_hub-du-sud_paca_2023-05-17.json",
    "mediation_numerique/lmn_nouvelle-caledonie_2024-03-20.json",
    "formats/gogocarto_gogofull_elements_sample.json",
]
# Kept broken on purpose (PROVENANCE.md): the Région Sud census reached us with its accents
# already replaced by "\ufffd", which no import can guess back; the schema's example has a
# made-up point 645 km from its commune. Every row they refuse must say why.
BROKEN = [
    "mediation_numerique/regionsud_lieux_inclusion_numerique_2022_raw.csv",
    "schemas/lieux-mediation-numerique_exemple-valide.csv",
]
PLACED = ("created", "updated", "unchanged", "duplicate")


@pytest.mark.parametrize("relative", IMPORTABLE)
def test_at_least_97_percent_of_rows_placed_and_no_column_dropped(
    relative,
    gazetteer,
    db,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    path = SHARED_DATA / relative
    with path.open("rb") as handle:
        run = services.start_import(by=None, upload=File(handle, name=path.name), network=None)
    run = services.dry_run(run=run)
    assert run.status == ImportRun.Status.CHECKED, run.error
    placed = sum(run.summary[outcome] for outcome in PLACED)
    print(f"\n{relative}: {placed}/{run.rows_total} placed ({placed / run.rows_total:.1%})")
    assert placed >= 0.97 * run.rows_total
    notices = " ".join(run.summary["notices"])
    assert "ignorées" not in notices, notices


@pytest.mark.parametrize("relative", BROKEN)
def test_a_broken_file_says_why_for_every_row_it_refuses(
    relative, gazetteer, db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    path = SHARED_DATA / relative
    with path.open("rb") as handle:
        run = services.start_import(by=None, upload=File(handle, name=path.name), network=None)
    run = services.dry_run(run=run)
    assert run.status == ImportRun.Status.CHECKED, run.error
    for row in run.report:
        if row["outcome"] == "rejected":
            assert row["messages"], row
    notices = " ".join(run.summary["notices"])
    assert "ignorées" not in notices, notices
    if relative.startswith("schemas/"):
        # Reims in the columns, Aix-en-Provence in the numbers: the report says both.
        assert "Le point tombe à Aix-en-Provence" in " ".join(run.report[0]["messages"])
