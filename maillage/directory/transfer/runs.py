"""Import runs: the upload, the dry run in the worker, the one-transaction apply, restarts."""

import datetime
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Max, Q
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
from maillage.directory.transfer.mapping import (
    MappingError,
    check_mapping,
    check_types,
    inspect_file,
    profile_mapping,
    save_profile,
)
from maillage.directory.transfer.readers import detect_format, read_file
from maillage.directory.transfer.readers.jsonfile import load_json
from maillage.directory.transfer.rows import (
    AlreadyApplied,
    FileTooLarge,
    ImportRow,
    NeedsMapping,
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
from maillage.places.models import Equipment, ImportProfile, ImportRun, Place, Space
from maillage.places.services import (
    RESERVED_SLUGS,
    ImportedPlace,
    create_places_in_bulk,
    update_places_in_bulk,
)


def start_import(
    *,
    by: User | None,
    upload: UploadedFile,
    network: Network | None,
    format: str = "",
    producer: str = "",
    licence: str = "",
    profile: ImportProfile | None = None,
) -> ImportRun:
    """Store the uploaded file as a pending ImportRun; raise FileTooLarge or UnknownFormat.

    `producer` and `licence` are the source recorded on the places (from the file when it
    says and they are left empty); `profile` maps the file's columns.
    """
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
        producer=" ".join(producer.split())[:200],
        licence=" ".join(licence.split())[:100],
        profile=profile,
        mapping=profile_mapping(profile) if profile else {},
    )
    with transaction.atomic():
        # A random name: the file is private, and its original name is kept on the run.
        suffix = Path(run.original_name).suffix[:10].lower()
        run.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
        try:
            with local_path(run.file) as path:
                run.format = format or detect_format(path, name=run.original_name)
                found = file_origin(path, format=run.format)
        except UnknownFormat:
            run.file.delete(save=False)
            raise
        run.producer = run.producer or found.get("producer", "")
        run.licence = run.licence or found.get("licence", "")
        run.save()
    return run


def _short(value: Any, limit: int) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("title") or value.get("url") or ""
    return " ".join(str(value or "").split())[:limit] if isinstance(value, str | int) else ""


def file_origin(path: Path, *, format: str) -> dict[str, str]:
    """The producer and licence a file states about itself (GeoJSON, GoGoCarto): {} if none."""
    if format not in (ImportRun.Format.GEOJSON, ImportRun.Format.GOGOCARTO):
        return {}
    try:
        data = load_json(path)
    except TransferError:
        return {}
    if not isinstance(data, dict):
        return {}
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    found: dict[str, str] = {}
    for key in ("licence", "license", "licenses", "rights"):
        value = data.get(key) or meta.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if _short(value, 100):
            found["licence"] = _short(value, 100)
            break
    for key in ("producer", "producteur", "publisher", "attribution", "author", "source"):
        value = data.get(key) or meta.get(key)
        if _short(value, 200):
            found["producer"] = _short(value, 200)
            break
    return found


def origin_of(run: ImportRun) -> dict[str, str]:
    """The source fields every place this run creates gets (a place it updates keeps its
    own: re-importing an export must change nothing)."""
    return {
        "source_format": run.format,
        "source_producer": run.producer,
        "source_licence": run.licence,
    }


def _read(run: ImportRun) -> tuple[list[ImportRow], list[str]]:
    with local_path(run.file) as path:
        result = read_file(path, format=run.format, mapping=run.mapping or None)
    return result.rows, result.notices


def _inspect(run: ImportRun) -> dict[str, Any]:
    try:
        with local_path(run.file) as path:
            return inspect_file(path, format=run.format)
    except TransferError:
        return {}


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
    except NeedsMapping as exc:
        # Stop at the mapping step: the person gives each column its field.
        run.status, run.error = ImportRun.Status.NEEDS_MAPPING, str(exc.message)
        run.summary = {"inspection": _inspect(run)}
        run.save(update_fields=["status", "error", "summary"])
        return run
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
    run.summary = {**summarize(results), "notices": notices, "inspection": _inspect(run)}
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


def directory_state() -> tuple[Any, ...]:
    """What an analysis depends on, in a few figures: a write to any place, space or piece of
    equipment since changes them (count, latest change, highest id)."""
    return tuple(
        tuple(model.objects.aggregate(Count("pk"), Max("updated_at"), Max("pk")).values())
        for model in (Place, Space, Equipment)
    )


def _analyse_with_progress(
    run: ImportRun, progress: Progress | None
) -> tuple[list[ImportRow], list[str], list[RowResult]]:
    """Read and judge the run's file, saving "n / N rows" on the run as it goes (outside any
    transaction, so the polled status fragment sees it)."""

    def report_progress(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(
            rows_done=done, rows_total=total, heartbeat_at=timezone.now()
        )
        if progress:
            progress(done, total)

    rows, notices = _read(run)
    ImportRun.objects.filter(pk=run.pk).update(rows_done=0, rows_total=len(rows))
    return rows, notices, analyse(rows, progress=report_progress)


def apply_run(*, run: ImportRun, by: User | None, progress: Progress | None = None) -> ImportRun:
    """Apply a checked import in one transaction; raise AlreadyApplied or NotReady.

    The rows are judged first, outside the transaction, with their progress saved on the run;
    the writing transaction then checks that the directory has not changed meanwhile (and
    judges again if it has). Any error while writing rolls everything back and marks the run
    failed with the error.
    """
    try:
        _check_appliable(ImportRun.objects.get(pk=run.pk))
        state = directory_state()
        rows, notices, results = _analyse_with_progress(run, progress)
        with transaction.atomic():
            # Lock the run: two clicks on "Appliquer" must not import the file twice.
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            _check_appliable(locked)
            if directory_state() != state:
                # Someone wrote to the directory during the analysis: judge against what is.
                results = analyse(rows)
            touched = _write(run=locked, by=by, results=results)
            # Bulk writes bypass the place services: index and score the touched places here.
            reindex_places(place_ids=touched)
            recompute_all_freshness(place_ids=touched)
            locked.report = [result.as_report() for result in results]
            locked.summary = {
                **summarize(results),
                "notices": notices,
                "inspection": (locked.summary or {}).get("inspection", {}),
            }
            locked.status = ImportRun.Status.APPLIED
            locked.applied_at = timezone.now()
            locked.error = ""
            locked.rows_done = locked.rows_total = len(rows)
            locked.save(
                update_fields=[
                    "report", "summary", "status", "applied_at", "error", "rows_done",
                    "rows_total",
                ]
            )  # fmt: skip
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


def _check_appliable(run: ImportRun) -> None:
    if run.status == ImportRun.Status.APPLIED:
        raise AlreadyApplied(_("Cet import a déjà été appliqué."))
    if run.status not in (ImportRun.Status.CHECKED, ImportRun.Status.APPLYING):
        raise NotReady(
            _(
                "Cet import ne peut pas être appliqué : son essai à blanc n'est pas terminé ou a échoué."
            )
        )


def queue_apply(*, run: ImportRun) -> ImportRun:
    """Mark a checked run as being applied (by the worker); raise AlreadyApplied or NotReady.

    The caller enqueues `apply_task` once this is committed: a second click finds the run
    "applying" and is refused.
    """
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == ImportRun.Status.APPLIED:
            raise AlreadyApplied(_("Cet import a déjà été appliqué."))
        if locked.status == ImportRun.Status.APPLYING:
            raise AlreadyApplied(_("Cet import est déjà en cours d'application."))
        if locked.status != ImportRun.Status.CHECKED:
            raise NotReady(
                _(
                    "Cet import ne peut pas être appliqué : son essai à blanc n'est pas terminé ou a échoué."
                )
            )
        locked.status = ImportRun.Status.APPLYING
        locked.heartbeat_at = timezone.now()
        locked.error = ""
        # The progress bar starts again: the worker judges the rows, then writes them.
        locked.rows_done = 0
        locked.save(update_fields=["status", "heartbeat_at", "error", "rows_done"])
    return locked


def apply_mapping(
    *,
    run: ImportRun,
    fields: dict[str, str],
    types: dict[str, str],
    by: User | None,
    profile_name: str = "",
) -> ImportRun:
    """Record a person's mapping of the run's columns (and save it as the network's profile
    when named), then make the run wait for a new dry run; raise MappingError or NotReady."""
    if run.status not in MAPPABLE_STATUSES:
        raise NotReady(_("Les colonnes de cet import ne peuvent plus être changées."))
    inspection = (run.summary or {}).get("inspection") or {}
    columns = [column["name"] for column in inspection.get("columns", [])]
    mapping = {
        "fields": check_mapping(
            fields, columns=columns, has_geometry=run.format == ImportRun.Format.GEOJSON
        ),
        "types": check_types(types),
    }
    with transaction.atomic():
        profile = None
        if profile_name.strip():
            if run.network is None:
                raise MappingError(
                    _("Choisissez un réseau pour l'import : un profil appartient à un réseau."),
                    field="profile_name",
                )
            profile = save_profile(network=run.network, name=profile_name, mapping=mapping, by=by)
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in MAPPABLE_STATUSES:
            raise NotReady(_("Les colonnes de cet import ne peuvent plus être changées."))
        locked.mapping = mapping
        locked.profile = profile or locked.profile
        locked.status, locked.error, locked.rows_done = ImportRun.Status.PENDING, "", 0
        locked.save(update_fields=["mapping", "profile", "status", "error", "rows_done"])
    return locked


MAPPABLE_STATUSES = {
    ImportRun.Status.NEEDS_MAPPING,
    ImportRun.Status.CHECKED,
    ImportRun.Status.FAILED,
}


def _write(*, run: ImportRun, by: User | None, results: list[RowResult]) -> list[int]:
    """Create and update the places of an analysed file; return the ids of places touched."""
    slug_for = _slugger()
    origin = {key: value for key, value in origin_of(run).items() if value}
    to_create = [r for r in results if r.outcome == Outcome.CREATED]
    created = create_places_in_bulk(
        places=[
            ImportedPlace(
                slug=slug_for(r.data["name"]),
                external_id=r.external_id,
                source=r.source,
                fields=dict(r.data) if r.own_origin else {**origin, **r.data},
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
    items_changed = items.write_items(
        {
            r.place.pk: r.item_plans
            for r in results
            if r.outcome in (Outcome.CREATED, Outcome.UPDATED)
            and r.place
            and r.place.pk
            and r.item_plans
        }
    )
    touched = list(dict.fromkeys([place.pk for place in created] + updated_ids + [*items_changed]))
    if run.network is not None:
        # A spaces or equipment file names places already there: it never joins them.
        kept = [
            r.place.pk
            for r in results
            if r.outcome in (Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED)
            and r.place
            and not r.items_only
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
# An apply writes in one transaction and cannot report as it goes: given longer.
STALE_APPLY_AFTER = datetime.timedelta(hours=1)


def recover_stale_runs(*, now: datetime.datetime | None = None) -> int:
    """Mark failed the runs left "running" by a worker that died; return how many."""
    now = now or timezone.now()
    silent = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=now - STALE_AFTER)
        | Q(heartbeat_at__isnull=True, created_at__lt=now - STALE_AFTER)
    )
    count = silent.update(
        status=ImportRun.Status.FAILED,
        error=_(
            "L'analyse s'est interrompue (le serveur a redémarré pendant le travail) : "
            "relancez-la, le fichier est conservé."
        ),
    )
    return count + ImportRun.objects.filter(
        status=ImportRun.Status.APPLYING, heartbeat_at__lt=now - STALE_APPLY_AFTER
    ).update(
        status=ImportRun.Status.FAILED,
        error=_(
            "L'application s'est interrompue (le serveur a redémarré pendant le travail) : rien "
            "n'a été modifié ; relancez l'analyse, le fichier est conservé."
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
