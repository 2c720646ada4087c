"""Background work of imports: the dry run of a freshly uploaded file."""

from django.tasks import task

from maillage.directory.transfer.services import dry_run
from maillage.places.models import ImportRun


@task()
def dry_run_task(run_id: int) -> None:
    """Analyse an uploaded import file (progress is stored on the run as it goes)."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is not None:
        dry_run(run=run)
