"""Find the work a dead worker left "running" and say so (run every few minutes from cron).

An import's dry run and a person's data archive are built by the task worker; if it dies (a
restart, a kill, a machine lost), they would show "en cours" forever. This marks them failed
with a French message — the import page then offers "Relancer l'analyse", the data page a new
archive — and closes the task results the worker never finished.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from maillage.accounts.personal_data import recover_stale_exports
from maillage.directory.transfer.services import STALE_AFTER, recover_stale_runs


class Command(BaseCommand):
    help = "Marque en échec les imports et archives restés « en cours » après l'arrêt d'un worker."

    def handle(self, *args: object, **options: object) -> None:
        now = timezone.now()
        runs = recover_stale_runs(now=now)
        exports = recover_stale_exports(now=now)
        tasks = _close_stale_task_results(now=now - STALE_AFTER)
        self.stdout.write(f"imports : {runs}, archives : {exports}, tâches : {tasks}")


def _close_stale_task_results(*, now: datetime.datetime) -> int:
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return 0
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now()
    )
