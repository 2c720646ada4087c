"""The person's data rights (/moi/donnees/): download everything held about them, delete the
account. The rules live in accounts/personal_data.py; these views only call them."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts import personal_data
from maillage.accounts.forms import AccountDeletionForm
from maillage.accounts.models import DataExport
from maillage.lib.forms import show_refusal


def _latest_export(request: HttpRequest) -> DataExport | None:
    return DataExport.objects.filter(user=request.user).order_by("-created_at").first()


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    export = _latest_export(request)
    context = {
        "export": export,
        "is_running": export is not None and export.status in ("pending", "running"),
        "sections": personal_data.sections(),
    }
    return render(request, "accounts/my_data.html", context)


@require_POST
@login_required
def export_request(request: HttpRequest) -> HttpResponse:
    try:
        personal_data.request_export(user=request.user)
    except personal_data.PersonalDataError as error:
        messages.info(request, str(error.message))
    else:
        messages.success(request, _("Votre export est en préparation : suivez sa progression."))
    return redirect("accounts:my-data")


@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(DataExport, pk=pk, user=request.user)
    context = {"export": export, "is_running": export.status in ("pending", "running")}
    return render(request, "accounts/my_data.html#export", context)


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    # Only its owner gets it, and only while it is ready and not expired; others get a 404.
    export = get_object_or_404(DataExport, pk=pk, user=request.user)
    if export.status != DataExport.Status.READY or not export.file:
        raise Http404
    if export.expires_at < timezone.now():
        raise Http404
    stamp = timezone.localtime(export.created_at).strftime("%Y-%m-%d")
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"mes-donnees-maillage-{stamp}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data.erase_account(
                user=request.user, confirmation=form.cleaned_data["confirmation"]
            )
        except personal_data.PersonalDataError as error:
            show_refusal(form, error)
        else:
            logout(request)
            messages.success(
                request,
                _("Votre compte est supprimé : vos données personnelles sont effacées."),
            )
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/account_delete.html", {"form": form}, status=status)
