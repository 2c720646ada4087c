"""Background work of imports: the dry run of a freshly uploaded file, and the apply.

Both record a failure on the run itself (status "failed" and a French reason), so the page
says what went wrong instead of waiting forever.
"""

import logging

from django.tasks import task
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.transfer.rows import TransferError
from maillage.directory.transfer.services import apply_run, dry_run
from maillage.places.models import ImportRun

logger = logging.getLogger(__name__)


@task()
def dry_run_task(run_id: int) -> None:
    """Analyse an uploaded import file (progress is stored on the run as it goes)."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    try:
        dry_run(run=run)
    except Exception:
        # Recorded on the run by dry_run; the worker's log keeps the details.
        logger.exception("import %s: dry run failed", run_id)


@task()
def apply_task(run_id: int, user_id: int | None = None) -> None:
    """Apply a run marked "applying" by `queue_apply`, in one transaction."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    by = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        apply_run(run=run, by=by)
    except TransferError as exc:
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.APPLYING).update(
            status=ImportRun.Status.FAILED, error=str(exc.message)
        )
    except Exception:
        # apply_run has rolled back and recorded the reason on the run.
        logger.exception("import %s: apply failed", run_id)
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.APPLYING).update(
            status=ImportRun.Status.FAILED,
            error=_("L'application a échoué et rien n'a été modifié."),
        )
