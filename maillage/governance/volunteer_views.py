"""Pages of volunteer time: log one's hours, validate others', the network's totals and rate,
the certificate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.requests import person
from maillage.governance import selectors, volunteering
from maillage.governance.forms import EntryForm, RateForm
from maillage.governance.models import VolunteerEntry
from maillage.lib.forms import show_refusal
from maillage.networks.models import Network
from maillage.networks.selectors import networks_of


@login_required
def my_volunteering(request: HttpRequest) -> HttpResponse:
    networks = list(networks_of(user=request.user))
    form = EntryForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        network = next(n for n in networks if n.slug == data["network"])
        try:
            volunteering.log_hours(
                by=person(request),
                data=volunteering.EntryData(
                    network=network,
                    activity=data["activity"],
                    label=data["label"],
                    day=data["day"],
                    minutes=round(data["hours"] * 60),
                    note=data["note"],
                ),
            )
        except volunteering.VolunteeringError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Heures enregistrées : elles attendent leur validation."))
            return redirect("governance:my-volunteering")
    entries = VolunteerEntry.objects.filter(person=person(request)).select_related("network")[:100]
    years = sorted(
        {e.day.year for e in entries if e.status == VolunteerEntry.Status.VALIDATED}, reverse=True
    )
    context = {
        "form": form,
        "entries": entries,
        "certificates": [(n, y) for n in networks for y in years],
        "may_review": selectors.entries_to_validate(user=request.user).exists(),
    }
    return render(request, "governance/my_volunteering.html", context)


@login_required
def volunteering_review(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        entry = get_object_or_404(
            VolunteerEntry.objects.select_related("network"), pk=request.POST.get("entry", 0)
        )
        try:
            volunteering.review_entry(
                by=person(request),
                entry=entry,
                validate=request.POST.get("decision") == "validate",
                note=request.POST.get("note", ""),
            )
        except volunteering.VolunteeringError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("C'est noté."))
        return redirect("governance:volunteering-review")
    entries = selectors.entries_to_validate(user=request.user)
    return render(request, "governance/volunteering_review.html", {"entries": entries})


@login_required
def volunteering_network(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_treasurer(user=request.user, slug=slug)
    form = RateForm(
        request.POST or None,
        initial={
            "year": timezone.localdate().year,
            "hourly_cents": volunteering.rate_for(network=network, year=timezone.localdate().year),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            volunteering.set_rate(by=person(request), network=network, **form.cleaned_data)
        except volunteering.VolunteeringError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Valorisation enregistrée."))
            return redirect(request.path)
    context = {
        "network": network,
        "form": form,
        "totals": volunteering.totals_by_year(network=network),
        "default_cents": volunteering.DEFAULT_HOURLY_CENTS,
    }
    return render(request, "governance/volunteering_network.html", context)


@login_required
def certificate_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    if not selectors.is_member(user=request.user, network=network):
        raise PermissionDenied
    cert = volunteering.certificate(person=person(request), network=network, year=year)
    if not cert.entries:
        raise PermissionDenied
    html = render_to_string(
        "governance/certificate_pdf.html",
        {"cert": cert, "hours": f"{cert.minutes / 60:g}", "printed_on": timezone.localdate()},
        request=request,
    )
    from weasyprint import HTML  # imported on demand: it loads Pango

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-benevolat-{year}.pdf"'
    return response
