"""Import runs: the upload, the dry run in the worker, the one-transaction apply, restarts."""

import datetime
import uuid
from collections.abc import Callable
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.freshness.services import recompute_all_freshness
from maillage.directory.search.services import reindex_places
from maillage.directory.transfer import items
from maillage.directory.transfer.fields import Outcome, Progress, max_import_bytes
from maillage.directory.transfer.judge import RowResult, analyse, summarize
from maillage.directory.transfer.known import Known
from maillage.directory.transfer.readers import detect_format, read_file
from maillage.directory.transfer.rows import (
    AlreadyApplied,
    FileTooLarge,
    ImportRow,
    NotReady,
    TransferError,
    UnknownFormat,
)
from maillage.lib.storage import local_path
from maillage.lib.uploads import too_large
from maillage.networks.models import (
    Network,
)
from maillage.networks.services import accept_places_in_bulk
from maillage.places.models import ImportRun, Place
from maillage.places.services import (
    RESERVED_SLUGS,
    ImportedPlace,
    create_places_in_bulk,
    update_places_in_bulk,
)


def start_import(
    *, by: User | None, upload: UploadedFile, network: Network | None, format: str = ""
) -> ImportRun:
    """Store the uploaded file as a pending ImportRun; raise FileTooLarge or UnknownFormat."""
    limit = max_import_bytes()
    if too_large(upload, limit):
        raise FileTooLarge(
            _(
                "Ce fichier dépasse la taille maximale de %(max)s Mo : découpez-le en plusieurs fichiers."
            )
            % {"max": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise UnknownFormat(_("Ce fichier est vide."))
    run = ImportRun(
        created_by=by,
        network=network,
        original_name=Path(upload.name or "import").name[:255],
        format=format or ImportRun.Format.CSV,
    )
    with transaction.atomic():
        # A random name: the file is private, and its original name is kept on the run.
        suffix = Path(run.original_name).suffix[:10].lower()
        run.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
        try:
            with local_path(run.file) as path:
                run.format = format or detect_format(path, name=run.original_name)
        except UnknownFormat:
            run.file.delete(save=False)
            raise
        run.save()
    return run


def _read(run: ImportRun) -> tuple[list[ImportRow], list[str]]:
    with local_path(run.file) as path:
        result = read_file(path, format=run.format)
    return result.rows, result.notices


def dry_run(*, run: ImportRun, progress: Progress | None = None) -> ImportRun:
    """Analyse the run's file and store its per-row report; a refused file marks it failed."""
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, rows_done=0, heartbeat_at=timezone.now(), error=""
    )

    def report_progress(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(
            rows_done=done, rows_total=total, heartbeat_at=timezone.now()
        )
        if progress:
            progress(done, total)

    try:
        rows, notices = _read(run)
        ImportRun.objects.filter(pk=run.pk).update(rows_total=len(rows))
        results = analyse(rows, progress=report_progress)
    except TransferError as exc:
        run.status, run.error = ImportRun.Status.FAILED, str(exc.message)
        run.save(update_fields=["status", "error"])
        return run
    except Exception as exc:  # a file we did not foresee: say so rather than hang "running"
        run.status = ImportRun.Status.FAILED
        run.error = _("Le fichier n'a pas pu être analysé : %(error)s") % {"error": exc}
        run.save(update_fields=["status", "error"])
        raise
    run.report = [result.as_report() for result in results]
    run.summary = {**summarize(results), "notices": notices}
    run.rows_total = run.rows_done = len(rows)
    run.status = ImportRun.Status.CHECKED
    run.error = ""
    run.save(update_fields=["report", "summary", "rows_total", "rows_done", "status", "error"])
    return run


def _slugger() -> Callable[[str], str]:
    taken = set(Place.objects.values_list("slug", flat=True)) | RESERVED_SLUGS

    def slug_for(name: str) -> str:
        base = slugify(name)[:200].strip("-") or "lieu"
        slug, n = base, 2
        while slug in taken:
            slug = f"{base}-{n}"
            n += 1
        taken.add(slug)
        return slug

    return slug_for


def apply_run(*, run: ImportRun, by: User | None, progress: Progress | None = None) -> ImportRun:
    """Apply a checked import in one transaction; raise AlreadyApplied or NotReady.

    Any error while writing rolls everything back and marks the run failed with the error.
    """
    try:
        with transaction.atomic():
            # Lock the run: two clicks on "Appliquer" must not import the file twice.
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            if locked.status == ImportRun.Status.APPLIED:
                raise AlreadyApplied(_("Cet import a déjà été appliqué."))
            if locked.status != ImportRun.Status.CHECKED:
                raise NotReady(
                    _(
                        "Cet import ne peut pas être appliqué : son essai à blanc n'est pas terminé ou a échoué."
                    )
                )
            rows, notices = _read(locked)
            results = analyse(rows, progress=progress)
            touched = _write(run=locked, by=by, results=results)
            # Bulk writes bypass the place services: index and score the touched places here.
            reindex_places(place_ids=touched)
            recompute_all_freshness(place_ids=touched)
            locked.report = [result.as_report() for result in results]
            locked.summary = {**summarize(results), "notices": notices}
            locked.status = ImportRun.Status.APPLIED
            locked.applied_at = timezone.now()
            locked.error = ""
            locked.save(update_fields=["report", "summary", "status", "applied_at", "error"])
    except (AlreadyApplied, NotReady):
        raise
    except Exception as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            error=_("L'application a échoué et rien n'a été modifié : %(error)s") % {"error": exc},
        )
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    return run


def _write(*, run: ImportRun, by: User | None, results: list[RowResult]) -> list[int]:
    """Create and update the places of an analysed file; return the ids of places touched."""
    slug_for = _slugger()
    to_create = [r for r in results if r.outcome == Outcome.CREATED]
    created = create_places_in_bulk(
        places=[
            ImportedPlace(
                slug=slug_for(r.data["name"]),
                external_id=r.external_id,
                source=r.source,
                fields=dict(r.data),
            )
            for r in to_create
        ],
        by=by,
    )
    for result, place in zip(to_create, created, strict=True):
        result.place = Known(place.pk, place.slug, place.name, "", None, None, None)
    updated_ids = update_places_in_bulk(
        changes={
            r.place.pk: {name: r.data[name] for name in r.changes if name in r.data}
            for r in results
            if r.outcome == Outcome.UPDATED and r.place and r.place.pk
        }
    )
    items.write_items(
        {
            r.place.pk: r.item_plans
            for r in results
            if r.outcome in (Outcome.CREATED, Outcome.UPDATED)
            and r.place
            and r.place.pk
            and r.item_plans
        }
    )
    touched = [place.pk for place in created] + updated_ids
    if run.network is not None:
        kept = [
            r.place.pk
            for r in results
            if r.outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED) and r.place
        ]
        _accept_into_network(network=run.network, by=by, place_ids=kept, run=run)
    return touched


def _accept_into_network(
    *, network: Network, by: User | None, place_ids: list[int], run: ImportRun
) -> None:
    accept_places_in_bulk(
        network=network,
        place_ids=place_ids,
        by=by,
        note=_("import (%(file)s)") % {"file": run.original_name},
    )


# --- Runs whose worker died ---------------------------------------------------------------------

# A dry run reports progress every few rows; this long without news, its worker is gone.
STALE_AFTER = datetime.timedelta(minutes=10)


def recover_stale_runs(*, now: datetime.datetime | None = None) -> int:
    """Mark failed the runs left "running" by a worker that died; return how many."""
    now = now or timezone.now()
    silent = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=now - STALE_AFTER)
        | Q(heartbeat_at__isnull=True, created_at__lt=now - STALE_AFTER)
    )
    return silent.update(
        status=ImportRun.Status.FAILED,
        error=_(
            "L'analyse s'est interrompue (le serveur a redémarré pendant le travail) : "
            "relancez-la, le fichier est conservé."
        ),
    )


def restart_run(*, run: ImportRun) -> ImportRun:
    """Analyse a failed or interrupted run's file again (in the worker); raise NotReady."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.FAILED or not run.file:
            raise NotReady(_("Seule une analyse interrompue ou refusée peut être relancée."))
        run.status, run.error, run.rows_done = ImportRun.Status.PENDING, "", 0
        run.save(update_fields=["status", "error", "rows_done"])
    return run
