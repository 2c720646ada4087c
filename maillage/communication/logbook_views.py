"""Pages of a tour's logbook: the page, its PDF, a note added at a stop, a note removed, a photo."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from maillage.accounts.requests import person
from maillage.communication import logbook
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.lib.uploads import upload_limit


class EntryForm(forms.Form):
    text = forms.CharField(
        label=_l("Note de l'étape"),
        max_length=logbook.MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_l("Ce qui s'est passé, qui était là, ce qui a marché, ce qu'on retient."),
    )
    photo = forms.FileField(label=_l("Photo (facultative)"), required=False)
    alt_text = forms.CharField(
        label=_l("Ce que montre la photo"),
        max_length=250,
        required=False,
        help_text=_l("Pour les personnes qui ne la voient pas."),
    )


def _context(request: HttpRequest, tour, *, forms_by_stop=None) -> dict:
    pages, organiser = logbook.logbook(user=request.user, tour=tour)
    forms_by_stop = forms_by_stop or {}
    for page in pages:
        if page.writable:
            page.form = forms_by_stop.get(page.stop.pk) or EntryForm(  # type: ignore[attr-defined]
                prefix=f"stop{page.stop.pk}"
            )
    return {
        "tour": tour,
        "pages": pages,
        "organiser": organiser,
        "user_pk": request.user.pk,
        "entry_total": sum(len(page.entries) for page in pages),
    }


def logbook_page(request: HttpRequest, slug: str) -> HttpResponse:
    tour = logbook.get_tour_for_viewer(user=request.user, slug=slug)
    return render(request, "communication/logbook.html", _context(request, tour))


@login_required
@upload_limit(logbook.max_photo_bytes)
def entry_add(request: HttpRequest, slug: str, stop: int) -> HttpResponse:
    user = person(request)
    tour = logbook.get_tour_for_viewer(user=user, slug=slug)
    target = logbook.get_stop(tour=tour, pk=stop)
    if not logbook.can_write_at(user=user, stop=target):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(reverse("communication:logbook", args=[tour.slug]) + f"#etape-{stop}")
    form = EntryForm(request.POST, request.FILES, prefix=f"stop{target.pk}")
    if form.is_valid():
        try:
            logbook.add_entry(
                by=user,
                stop=target,
                text=form.cleaned_data["text"],
                photo=form.cleaned_data["photo"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except logbook.LogbookError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("La note est ajoutée au carnet de route."))
            return redirect(reverse("communication:logbook", args=[tour.slug]) + f"#etape-{stop}")
    context = _context(request, tour, forms_by_stop={target.pk: form})
    return render(request, "communication/logbook.html", context, status=422)


@login_required
def entry_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = person(request)
    tour = logbook.get_tour_for_viewer(user=user, slug=slug)
    entry = logbook.get_entry(tour=tour, pk=pk)
    back = reverse("communication:logbook", args=[tour.slug]) + f"#etape-{entry.stop_id}"
    if not logbook.can_remove(user=user, entry=entry, organiser=logbook.can_organise(user, tour)):
        raise PermissionDenied
    if not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                title=_("Retirer cette note du carnet de route ?"),
                confirm_label=_("Retirer la note"),
                cancel_url=back,
                facts=[
                    (_("Étape"), entry.stop.place.name),
                    (_("Note de l'étape"), entry.text[:200]),
                ],
                consequences=[
                    _("La note et sa photo disparaissent du carnet : cela ne se défait pas.")
                ],
                danger=True,
            ),
        )
    try:
        logbook.remove_entry(by=user, entry=entry)
    except logbook.LogbookError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("La note est retirée du carnet de route."))
    return redirect(back)


def entry_photo(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    tour = logbook.get_tour_for_viewer(user=request.user, slug=slug)
    entry = logbook.get_entry(tour=tour, pk=pk)
    if not entry.photo:
        raise Http404
    response = FileResponse(entry.photo.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def logbook_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    tour = logbook.get_tour_for_viewer(user=request.user, slug=slug)
    pages, _organiser = logbook.logbook(user=request.user, tour=tour)
    for page in pages:
        for entry in page.entries:
            entry.photo_uri = logbook.photo_data_uri(entry)  # type: ignore[attr-defined]
    html = render_to_string(
        "communication/logbook_pdf.html",
        {"tour": tour, "pages": pages, "printed_on": timezone.localdate()},
        request=request,
    )
    from weasyprint import HTML  # imported on demand: it loads Pango

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="carnet-de-route-{tour.slug}.pdf"'
    return response
