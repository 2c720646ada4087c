"""Import pages: upload, dry-run report with progress, apply, report CSV, template CSV."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.directory.transfer import selectors, services
from maillage.directory.transfer.forms import MappingForm, UploadForm
from maillage.directory.transfer.readers.profiles import TEMPLATE_COLUMNS
from maillage.directory.transfer.rows import TransferError
from maillage.directory.transfer.tasks import apply_task, dry_run_task
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.lib.uploads import upload_limit
from maillage.places.models import ImportRun

TEMPLATE_EXAMPLE = [
    "lieu-42",
    "mon-reseau",
    "La Bobine",
    "coworking|fablab",
    "1 place d'Armes",
    "59500",
    "Douai",
    "59178",
    "50.3705",
    "3.0799",
    "https://labobine.example.org",
    "contact@labobine.example.org",
    "03 27 00 00 00",
    "Un tiers-lieu au cœur de Douai.",
    "Mo-Fr 09:00-18:00; Sa 10:00-12:00",
]


@login_required
@upload_limit(lambda: settings.MAX_IMPORT_BYTES)
def upload(request: HttpRequest) -> HttpResponse:
    selectors.require_importer(user=request.user)
    limit = services.max_import_bytes()
    form_kwargs = {"user": request.user}
    error = ""
    if request.method == "POST":
        # Refuse an oversized body before Django reads it into a temporary file.
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024:
            error = _(
                "Ce fichier dépasse la taille maximale de %(max)s Mo : découpez-le en plusieurs "
                "fichiers."
            ) % {"max": limit // (1024 * 1024)}
            form = UploadForm(user=request.user)
        else:
            form = UploadForm(request.POST, request.FILES, **form_kwargs)
            if form.is_valid():
                try:
                    run = services.start_import(
                        by=request.user,
                        upload=form.cleaned_data["file"],
                        network=form.cleaned_data["network"],
                        format=form.cleaned_data["format"],
                        producer=form.cleaned_data["producer"],
                        licence=form.cleaned_data["licence"],
                        profile=form.cleaned_data["profile"],
                    )
                except TransferError as exc:
                    show_refusal(form, exc, near="file")
                else:
                    dry_run_task.enqueue(run.pk)
                    return redirect("transfer:run-detail", pk=run.pk)
    else:
        initial = {}
        slug = request.GET.get("reseau")
        if slug:
            network = selectors.import_networks(user=request.user).filter(slug=slug).first()
            initial["network"] = network
        form = UploadForm(user=request.user, initial=initial)
    return render(
        request,
        "directory/transfer/upload.html",
        {
            "form": form,
            "error": error,
            "runs": selectors.recent_runs(user=request.user),
            "template_columns": TEMPLATE_COLUMNS,
        },
        status=413 if error else 200,
    )


RUNNING = {ImportRun.Status.PENDING, ImportRun.Status.RUNNING, ImportRun.Status.APPLYING}
REPORT_PAGE_SIZE = 50


def _report_context(
    request: HttpRequest, run: ImportRun, *, mapping_form: MappingForm | None = None
) -> dict:
    outcome = request.GET.get("resultat", "")
    if outcome not in services.Outcome.ALL:
        outcome = ""
    summary = run.summary or {}
    counts = [
        (key, services.Outcome.label(key), summary.get(key, 0)) for key in services.Outcome.ALL
    ]
    page = Paginator(selectors.report_rows(run=run, outcome=outcome), REPORT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    show_mapping = run.status == ImportRun.Status.NEEDS_MAPPING or (
        run.status in services.MAPPABLE_STATUSES
        and request.GET.get("colonnes") == "1"
        and (summary.get("inspection") or {}).get("columns")
    )
    if show_mapping and mapping_form is None:
        mapping_form = MappingForm(run=run)
    return {
        "run": run,
        "is_running": run.status in RUNNING,
        "outcome": outcome,
        "counts": counts,
        "repaired": summary.get("repaired", 0),
        "notices": summary.get("notices", []),
        "page": page,
        "rows": page.object_list,
        "labels": {key: services.Outcome.label(key) for key in services.Outcome.ALL},
        "percent": round(100 * run.rows_done / run.rows_total) if run.rows_total else 0,
        "mapping_form": mapping_form if show_mapping else None,
        "can_map": run.status in services.MAPPABLE_STATUSES
        and bool((summary.get("inspection") or {}).get("columns")),
    }


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.get_run_for_importer(user=request.user, pk=pk)
    return render(request, "directory/transfer/run_detail.html", _report_context(request, run))


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's status and report region, polled by the page while the worker works: once
    finished, it answers the report itself (the region stops polling; no page reload)."""
    run = selectors.get_run_for_importer(user=request.user, pk=pk)
    response = render(
        request, "directory/transfer/run_detail.html#status", _report_context(request, run)
    )
    response["Cache-Control"] = "no-store"
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def run_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the person's mapping of the file's columns, then analyse the file again."""
    run = selectors.get_run_for_importer(user=request.user, pk=pk)
    form = MappingForm(request.POST, run=run)
    if form.is_valid():
        try:
            run = services.apply_mapping(
                run=run,
                fields=form.mapping_fields,
                types=form.mapping_types,
                by=request.user,
                profile_name=form.cleaned_data["profile_name"],
            )
        except TransferError as exc:
            show_refusal(form, exc)
        else:
            if form.cleaned_data["profile_name"]:
                messages.success(
                    request,
                    _("Profil « %(name)s » enregistré pour le réseau.")
                    % {"name": run.profile.name if run.profile else ""},
                )
            dry_run_task.enqueue(run.pk)
            return redirect("transfer:run-detail", pk=run.pk)
    context = _report_context(request, run, mapping_form=form)
    context["mapping_form"] = form
    return render(request, "directory/transfer/run_detail.html", context, status=422)


@login_required
@require_POST
def run_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand a checked run to the worker: a long file must not hit the request's time limit."""
    run = selectors.get_run_for_importer(user=request.user, pk=pk)
    try:
        run = services.queue_apply(run=run)
    except TransferError as exc:
        messages.error(request, str(exc.message))
    else:
        # The run is committed "applying": the worker finds it so.
        apply_task.enqueue(run.pk, request.user.pk)
        messages.info(
            request,
            _("L'application a commencé : cette page indique quand elle est terminée."),
        )
    return redirect("transfer:run-detail", pk=run.pk)


@login_required
def run_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.get_run_for_importer(user=request.user, pk=pk)
    labels = {key: services.Outcome.label(key) for key in services.Outcome.ALL}
    rows = (
        [
            row.get("row"),
            row.get("external_id", ""),
            row.get("name", ""),
            labels.get(row.get("outcome"), row.get("outcome")),
            " | ".join(row.get("messages", [])),
            " | ".join(row.get("repairs", [])),
            (row.get("place") or {}).get("name", ""),
        ]
        for row in run.report or []
    )
    header = [
        _("ligne"),
        _("identifiant"),
        _("nom"),
        _("résultat"),
        _("motifs"),
        _("corrections"),
        _("lieu existant"),
    ]
    return csv_response(
        rows,
        header=header,
        filename=f"import-{run.pk}-rapport.csv",
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )


@login_required
def run_file(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded file itself (it holds contacts): only to whom may see the run."""
    run = selectors.get_run_for_importer(user=request.user, pk=pk)
    response = FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def template_csv(request: HttpRequest) -> HttpResponse:
    return csv_response(
        [TEMPLATE_EXAMPLE],
        header=TEMPLATE_COLUMNS,
        filename="modele-import-lieux.csv",
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )


@login_required
@require_POST
def run_restart(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.get_run_for_importer(user=request.user, pk=pk)
    try:
        run = services.restart_run(run=run)
    except TransferError as exc:
        messages.error(request, str(exc.message))
    else:
        transaction.on_commit(lambda: dry_run_task.enqueue(run.pk))
    return redirect("transfer:run-detail", pk=run.pk)
