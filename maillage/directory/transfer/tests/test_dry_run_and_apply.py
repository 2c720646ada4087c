"""A small CSV through the whole flow: dry run, apply, re-import, near-duplicates, rollback."""

from unittest import mock

import pytest

from maillage.directory.transfer import services
from maillage.directory.transfer.rows import AlreadyApplied
from maillage.directory.transfer.tests.conftest import HEADER, messages_of, outcomes
from maillage.networks.models import Membership, MembershipEvent, MembershipStatus
from maillage.places.models import ImportRun, Place
from maillage.places.tests.factories import PlaceFactory

CSV = (
    HEADER + "\n"
    "1,La Bobine,coworking|fablab,1 place d'Armes,59500,Douai,59178,50.3705,3.0799\n"
    "2,Le Relais,cafe,3 rue Basse,59910,Vieux Bourg,59998,50.601,3.201\n"
    "3,Fablab de Digne,fablab,1 bd Victor Hugo,4000,Digne-les-Bains,,44.093,6.236\n"
    "4,Espace numérique,numerique,104 avenue Koenig,98800,Nouméa,98818,-22.2339,166.4681\n"
)


def test_dry_run_reports_every_row_and_writes_nothing(communes, run_file):
    run = run_file(CSV)
    assert run.status == ImportRun.Status.CHECKED
    assert outcomes(run) == ["created"] * 4
    assert run.rows_total == run.rows_done == 4
    assert Place.objects.count() == 0
    # Repairs are reported as such.
    assert "ancienne" in messages_of(run, 3).lower() or "fusionnée" in messages_of(run, 3)
    assert "« 4000 » corrigé en « 04000 »" in messages_of(run, 4)


def test_apply_creates_places_with_stable_external_ids(communes, run_file, dora, network_a):
    run = run_file(CSV, network=network_a, by=dora)
    run = services.apply_run(run=run, by=dora)
    assert run.status == ImportRun.Status.APPLIED
    bobine = Place.objects.get(external_id="csv:1")
    assert bobine.types == ["coworking", "fablab"]
    assert bobine.commune_id == "59178"
    assert Place.objects.get(external_id="csv:2").commune_id == "59999"
    assert Place.objects.get(external_id="csv:3").postal_code == "04000"
    assert Place.objects.get(external_id="csv:4").latitude == pytest.approx(-22.2339)
    # Imported from a network's page: accepted into it, with an "import" event.
    memberships = Membership.objects.filter(network=network_a, status=MembershipStatus.ACCEPTED)
    assert memberships.count() == 4
    assert all("import" in e.note for e in MembershipEvent.objects.all())


def test_applied_places_are_searchable_and_scored(communes, run_file, root):
    from maillage.directory.search.filters import SearchFilters
    from maillage.directory.search.selectors import search

    services.apply_run(run=run_file(CSV), by=root)
    assert not Place.objects.filter(freshness_score=0).exists()
    filters, _notices = SearchFilters.from_query({"q": "bobine"})
    assert [r.place.external_id for r in search(filters).results] == ["csv:1"]


def test_reimporting_the_same_file_changes_nothing(communes, run_file, root):
    services.apply_run(run=run_file(CSV), by=root)
    again = run_file(CSV)
    assert outcomes(again) == ["unchanged"] * 4
    services.apply_run(run=again, by=root)
    assert Place.objects.count() == 4


def test_a_changed_row_is_an_update(communes, run_file, root):
    services.apply_run(run=run_file(CSV), by=root)
    changed = run_file(CSV.replace("La Bobine,coworking|fablab", "La Bobine,coworking"))
    assert outcomes(changed) == ["updated", "unchanged", "unchanged", "unchanged"]
    services.apply_run(run=changed, by=root)
    assert Place.objects.get(external_id="csv:1").types == ["coworking"]


def test_near_duplicate_is_proposed_for_merge_not_created(communes, run_file, root):
    existing = PlaceFactory(
        name="La Bobine !", slug="bobine", commune=communes["douai"], latitude=50.3706,
        longitude=3.0801,
    )  # fmt: skip
    run = run_file(CSV)
    entry = run.report[0]
    assert entry["outcome"] == "duplicate"
    assert entry["place"]["slug"] == existing.slug
    services.apply_run(run=run, by=root)
    assert Place.objects.filter(name__startswith="La Bobine").count() == 1


def test_same_place_twice_in_one_file_is_created_once(communes, run_file):
    run = run_file(CSV + "5,La  Bobine,coworking,1 place d'Armes,59500,Douai,59178,50.3706,3.08\n")
    assert outcomes(run)[-1] == "duplicate"
    assert "ligne 2" in messages_of(run, 6)


def test_an_error_while_applying_rolls_everything_back(communes, run_file, root):
    run = run_file(CSV)
    with (
        mock.patch(
            "maillage.directory.transfer.runs.reindex_places",
            side_effect=RuntimeError("disque"),
        ),
        pytest.raises(RuntimeError),
    ):
        services.apply_run(run=run, by=root)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "rien n'a été modifié" in run.error
    assert Place.objects.count() == 0


def test_applying_twice_is_refused(communes, run_file, root):
    run = services.apply_run(run=run_file(CSV), by=root)
    with pytest.raises(AlreadyApplied):
        services.apply_run(run=run, by=root)
    assert Place.objects.count() == 4


def test_apply_saves_its_progress_on_the_run_as_it_judges_the_rows(run_file, communes, root):
    rows = "".join(
        f"{n},Lieu {n},coworking,{n} rue Haute,59500,Douai,59178,50.37,3.08\n" for n in range(1, 6)
    )
    run = run_file(f"{HEADER}\n{rows}")
    seen = []

    def progress(done, total):
        stored = ImportRun.objects.get(pk=run.pk)
        seen.append((stored.rows_done, stored.rows_total))

    applied = services.apply_run(run=run, by=root, progress=progress)
    assert seen[-1] == (5, 5) and seen[0][1] == 5
    assert (applied.rows_done, applied.rows_total) == (5, 5)
    assert Place.objects.count() == 5


def test_a_place_written_during_the_apply_is_judged_again(run_file, communes, root):
    run = run_file(
        f"{HEADER}\n1,La Bobine,coworking,1 place d'Armes,59500,Douai,59178,50.37,3.08\n"
    )

    def someone_writes(done, total):
        if not Place.objects.exists():
            PlaceFactory(name="La Bobine", external_id="csv:1", commune=communes["douai"])

    applied = services.apply_run(run=run, by=root, progress=someone_writes)
    # Judged again against the directory as it is: updated, never created twice.
    assert [row["outcome"] for row in applied.report] == ["updated"]
    assert Place.objects.count() == 1
