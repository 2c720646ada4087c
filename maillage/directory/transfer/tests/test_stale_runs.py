"""A worker that dies leaves no import "running" forever: detected, marked failed, resumable."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from maillage.directory.transfer import services
from maillage.directory.transfer.tests.conftest import HEADER, upload
from maillage.places.models import ImportRun

GOOD = "1,La Bobine,coworking,1 place d'Armes,59500,Douai,59178,50.3705,3.0799\n"


def _interrupted(network, by, *, minutes_ago: int) -> ImportRun:
    run = services.start_import(by=by, upload=upload(HEADER + "\n" + GOOD), network=network)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return run


def test_a_silent_run_is_marked_failed_and_a_busy_one_is_left_alone(communes, dora, network_a):
    dead = _interrupted(network_a, dora, minutes_ago=30)
    busy = _interrupted(network_a, dora, minutes_ago=1)

    out = io.StringIO()
    call_command("recover_stale_jobs", stdout=out)

    dead.refresh_from_db()
    busy.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED and "relancez-la" in dead.error
    assert busy.status == ImportRun.Status.RUNNING
    assert "imports : 1" in out.getvalue()


def test_the_coordinator_restarts_an_interrupted_run_from_its_page(
    communes, client, dora, network_a, django_capture_on_commit_callbacks
):
    run = _interrupted(network_a, dora, minutes_ago=30)
    services.recover_stale_runs()
    client.force_login(dora)
    page = client.get(f"/import/{run.pk}/").content.decode()
    assert "Relancer l&#x27;analyse" in page or "Relancer l'analyse" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/import/{run.pk}/relancer/")

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED  # the worker (immediate here) analysed it
    assert [row["outcome"] for row in run.report] == ["created"]


def test_an_apply_whose_worker_died_is_failed_after_an_hour(db, dora, network_a):
    now = timezone.now()
    old = ImportRun.objects.create(
        network=network_a, created_by=dora, original_name="a.csv", format="csv",
        status=ImportRun.Status.APPLYING, heartbeat_at=now - datetime.timedelta(hours=2),
    )  # fmt: skip
    recent = ImportRun.objects.create(
        network=network_a, created_by=dora, original_name="b.csv", format="csv",
        status=ImportRun.Status.APPLYING, heartbeat_at=now - datetime.timedelta(minutes=20),
    )  # fmt: skip
    assert services.recover_stale_runs(now=now) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == ImportRun.Status.FAILED and "rien n'a été modifié" in old.error
    assert recent.status == ImportRun.Status.APPLYING
