"""Pages of the treasury: schedules, calls, payments, refunds, receipts, HelloAsso import and
the accounting export; a place's managers see and answer their calls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.requests import person
from maillage.governance import accounting, fees, helloasso, selectors
from maillage.governance.forms import DeclareForm, ImportForm, PaymentForm, RefundForm, ScheduleForm
from maillage.governance.models import FeeBasis, FeeCall, FeePayment
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.lib.money import format_cents
from maillage.places.selectors import can_edit_place

MAX_IMPORT_BYTES = 2_000_000


@login_required
def treasury(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_treasurer(user=request.user, slug=slug)
    schedules = []
    for schedule in selectors.schedules_of(network=network):
        calls = list(schedule.calls.all())
        paid = FeePayment.objects.filter(call__schedule=schedule, refunded_at=None).aggregate(
            f=Sum("fee_cents"), d=Sum("donation_cents")
        )
        counts = {status: 0 for status in FeeCall.Status.values}
        for call in calls:
            counts[call.status] += 1
        schedules.append(
            {
                "schedule": schedule,
                "called_cents": sum(c.amount_cents for c in calls),
                "fee_cents": paid["f"] or 0,
                "donation_cents": paid["d"] or 0,
                "counts": [(FeeCall.Status(s).label, n) for s, n in counts.items() if n],
            }
        )
    context = {"network": network, "schedules": schedules, "year": timezone.localdate().year}
    return render(request, "governance/treasury.html", context)


@login_required
def schedule_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_treasurer(user=request.user, slug=slug)
    form = ScheduleForm(
        request.POST or None,
        initial={"year": timezone.localdate().year, "due_days": 30, "grace_days": 60},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for key in ("free_minimum_cents", "free_suggested_cents", "individual_cents"):
            data[key] = data.get(key) or 0
        try:
            brackets = fees.parse_brackets(data.pop("brackets") or "")
            schedule = fees.create_schedule(
                by=person(request),
                network=network,
                data=fees.ScheduleData.from_mapping(data),
                brackets=brackets,
            )
        except fees.FeeError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Le barème %(y)s est enregistré.") % {"y": schedule.year})
            return redirect("governance:schedule-detail", pk=schedule.pk)
    return render(request, "governance/schedule_form.html", {"network": network, "form": form})


@login_required
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = selectors.get_schedule_for_treasurer(user=request.user, pk=pk)
    if request.method == "POST":
        if not is_confirmed(request):
            return render_confirmation(
                request,
                Confirmation(
                    title=_("Appeler les cotisations %(y)s") % {"y": schedule.year},
                    confirm_label=_("Envoyer les appels"),
                    cancel_url=request.path,
                    consequences=[
                        _(
                            "Chaque lieu adhérent pas encore appelé reçoit son appel, montant "
                            "calculé, et ses gestionnaires en sont avertis."
                        ),
                    ],
                ),
            )
        count = fees.call_fees(by=person(request), schedule=schedule)
        messages.success(
            request,
            ngettext("%(n)s appel envoyé.", "%(n)s appels envoyés.", count) % {"n": count},
        )
        return redirect(request.path)
    calls = list(selectors.calls_of(schedule=schedule))
    rows = [
        {
            "call": c,
            "paid_cents": sum(p.fee_cents for p in c.payments.all() if p.refunded_at is None),
        }
        for c in calls
    ]
    return render(
        request,
        "governance/schedule_detail.html",
        {"schedule": schedule, "network": schedule.network, "rows": rows},
    )


@login_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.get_call_for_viewer(user=request.user, pk=pk)
    schedule = call.schedule
    treasurer = selectors.is_treasurer(user=request.user, network=schedule.network)
    manager = call.place is not None and can_edit_place(user=request.user, place=call.place)  # type: ignore[arg-type]
    pay_form = PaymentForm(
        request.POST if request.POST.get("action") == "pay" else None,
        initial={"amount_cents": max(call.amount_cents - fees.paid_cents(call), 0)},
    )
    declare_form = DeclareForm(request.POST if request.POST.get("action") == "declare" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if not (
            (action == "pay" and treasurer) or (action == "declare" and (manager or treasurer))
        ):
            raise PermissionDenied
        if action == "pay" and pay_form.is_valid():
            try:
                fees.record_payment(
                    by=person(request),
                    call=call,
                    data=fees.PaymentData.from_mapping(pay_form.cleaned_data),
                )
            except fees.FeeError as refusal:
                show_refusal(pay_form, refusal, near="amount_cents")
            else:
                messages.success(request, _("Paiement enregistré au grand livre."))
                return redirect(request.path)
        elif action == "declare" and declare_form.is_valid():
            try:
                fees.declare_for_call(
                    by=person(request),
                    call=call,
                    declared_value=declare_form.cleaned_data.get("declared_value"),
                    chosen_cents=declare_form.cleaned_data.get("chosen_cents"),
                )
            except fees.FeeError as refusal:
                show_refusal(
                    declare_form,
                    refusal,
                    near="chosen_cents" if schedule.basis == FeeBasis.FREE else "declared_value",
                )
            else:
                messages.success(
                    request,
                    _("Montant recalculé : %(a)s.") % {"a": format_cents(call.amount_cents)},
                )
                return redirect(request.path)
    context = {
        "call": call,
        "schedule": schedule,
        "payments": list(call.payments.all()),
        "paid_cents": fees.paid_cents(call),
        "treasurer": treasurer,
        "may_declare": (manager or treasurer)
        and schedule.basis != FeeBasis.FLAT
        and call.place_id is not None
        and call.status != FeeCall.Status.PAID,
        "pay_form": pay_form,
        "declare_form": declare_form,
    }
    return render(request, "governance/call_detail.html", context)


def _payment_for_viewer(request: HttpRequest, pk: int) -> FeePayment:
    payment = get_object_or_404(FeePayment.objects.select_related("call__schedule__network"), pk=pk)
    if not selectors.can_view_call(user=request.user, call=payment.call):
        raise PermissionDenied
    return payment


@login_required
def payment_refund(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment_for_viewer(request, pk)
    if not selectors.is_treasurer(user=request.user, network=payment.call.schedule.network):
        raise PermissionDenied
    form = RefundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not is_confirmed(request):
            return render_confirmation(
                request,
                Confirmation(
                    title=_("Rembourser le paiement %(n)s") % {"n": payment.receipt_number},
                    confirm_label=_("Rembourser"),
                    cancel_url=reverse("governance:call-detail", args=[payment.call_id]),
                    facts=[
                        (_("Montant"), format_cents(payment.total_cents)),
                        (_("Motif"), form.cleaned_data["reason"]),
                    ],
                    consequences=[
                        _(
                            "Une contre-écriture est passée au grand livre ; le paiement reste, marqué remboursé."
                        )
                    ],
                    hidden={"reason": form.cleaned_data["reason"]},
                    danger=True,
                ),
            )
        try:
            fees.refund_payment(
                by=person(request), payment=payment, reason=form.cleaned_data["reason"]
            )
        except fees.FeeError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Paiement remboursé par contre-écriture."))
            return redirect("governance:call-detail", pk=payment.call_id)
    return render(request, "governance/refund_form.html", {"payment": payment, "form": form})


def _pdf(request: HttpRequest, template: str, context: dict, filename: str) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    from weasyprint import HTML  # imported on demand: it loads Pango

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment_for_viewer(request, pk)
    context = {
        "payment": payment,
        "call": payment.call,
        "schedule": payment.call.schedule,
        "printed_on": timezone.localdate(),
    }
    return _pdf(
        request, "governance/receipt_pdf.html", context, f"recu-{payment.receipt_number}.pdf"
    )


@login_required
def tax_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _payment_for_viewer(request, pk)
    schedule = payment.call.schedule
    if not schedule.tax_receipts or not payment.donation_cents or payment.refunded_at:
        raise PermissionDenied
    context = {
        "payment": payment,
        "call": payment.call,
        "schedule": schedule,
        "printed_on": timezone.localdate(),
    }
    return _pdf(
        request,
        "governance/tax_receipt_pdf.html",
        context,
        f"recu-fiscal-{payment.receipt_number}.pdf",
    )


@login_required
def helloasso_import(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = selectors.get_schedule_for_treasurer(user=request.user, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    text = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                form.add_error("file", _("Fichier trop lourd (2 Mo au plus)."))
            else:
                raw = upload.read()
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    text = raw.decode("cp1252", errors="replace")
        else:
            text = form.cleaned_data.get("text") or ""
        if text and not form.errors:
            try:
                if request.POST.get("apply") == "1":
                    report = helloasso.apply(by=person(request), text=text, schedule=schedule)
                    messages.success(
                        request,
                        ngettext(
                            "%(n)s paiement enregistré.",
                            "%(n)s paiements enregistrés.",
                            report.recorded,
                        )
                        % {"n": report.recorded},
                    )
                    return redirect("governance:schedule-detail", pk=schedule.pk)
                report = helloasso.read(text=text, schedule=schedule)
            except fees.FeeError as refusal:
                show_refusal(form, refusal, near="file")
        elif not form.errors:
            form.add_error("file", _("Choisissez le fichier exporté de HelloAsso."))
    return render(
        request,
        "governance/helloasso.html",
        {
            "schedule": schedule,
            "network": schedule.network,
            "form": form,
            "report": report,
            "text": text,
        },
    )


@login_required
def accounting_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    network = selectors.get_network_for_treasurer(user=request.user, slug=slug)
    year_text = request.GET.get("annee", "")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    return csv_response(
        accounting.export_rows(network=network, year=year),
        filename=f"ecritures-{network.slug}-{year or 'tout'}.csv",
        header=accounting.HEADER,
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )


@login_required
def my_fees(request: HttpRequest) -> HttpResponse:
    calls = [
        {
            "call": c,
            "paid_cents": sum(p.fee_cents for p in c.payments.all() if p.refunded_at is None),
        }
        for c in selectors.calls_for_person(user=request.user)
    ]
    return render(request, "governance/my_fees.html", {"calls": calls})
