"""Pages of the circle's budget: envelopes, spending proposals, expenses and their review."""

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.circles import budget
from maillage.circles import budget_services as services
from maillage.circles.budget_forms import (
    EnvelopeForm,
    ExpenseForm,
    ProposalForm,
    RejectForm,
    ReverseForm,
)
from maillage.circles.models import Envelope, Expense, Proposal
from maillage.circles.selectors import (
    can_manage_circle,
    can_reverse_expense,
    can_review_expense,
    can_run_meetings,
    get_circle_for_manager,
    get_circle_for_member,
    get_circle_for_steward,
    is_circle_member,
    is_steward,
)
from maillage.ledger.selectors import transfers_caused_by
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.lib.money import format_cents
from maillage.lib.uploads import content_type_of, upload_limit


@login_required
def budget_page(request: HttpRequest, slug: str) -> HttpResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    envelopes = list(
        circle.envelopes.select_related("earmark_action").order_by("-year", "funder", "pk")
    )
    granted_env = budget.granted_by_envelope(circle=circle)
    years: OrderedDict[int, list] = OrderedDict()
    for envelope in envelopes:
        granted = granted_env.get(envelope.pk, 0)
        left = 0 if envelope.cancelled_at else envelope.amount_cents - granted
        years.setdefault(envelope.year, []).append((envelope, granted, left))
    granted_prop = budget.granted_by_proposal(circle=circle)
    spent_prop = budget.spent_by_proposal(circle=circle)
    proposals = [
        (p, granted_prop.get(p.pk, 0), spent_prop.get(p.pk, 0))
        for p in circle.proposals.select_related("action").order_by("-created_at", "-pk")
    ]
    total = budget.budget_total(circle=circle)
    granted = budget.granted_total(circle=circle)
    spent = budget.spent_total(circle=circle)
    context = {
        "circle": circle,
        "years": years,
        "proposals": proposals,
        "total": total,
        "granted": granted,
        "spent": spent,
        "remaining": total - granted,
        "can_manage": can_manage_circle(user=request.user, circle=circle),
        "is_member": is_circle_member(user=request.user, circle=circle),
        "can_review_queue": can_run_meetings(user=request.user, circle=circle),
    }
    return render(request, "circles/budget_page.html", context)


@login_required
def envelope_create(request: HttpRequest, slug: str) -> HttpResponse:
    circle = get_circle_for_manager(user=request.user, slug=slug)
    form = EnvelopeForm(request.POST or None, circle=circle)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_envelope(
                circle=circle,
                year=data["year"],
                funder_kind=data["funder_kind"],
                funder=data["funder"],
                amount_cents=data["amount"],
                earmark_action=data["earmark_action"],
                note=data["note"],
                by=request.user,
            )
        except services.BudgetError as error:
            show_refusal(form, error)
            status = 400
        else:
            messages.success(request, _("Enveloppe enregistrée et versée au compte du cercle."))
            return redirect("circles:budget", slug=circle.slug)
    elif request.method == "POST":
        status = 400
    return render(
        request, "circles/envelope_form.html", {"circle": circle, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def envelope_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = get_circle_for_manager(user=request.user, slug=slug)
    envelope = get_object_or_404(Envelope, circle=circle, pk=pk)
    if envelope.cancelled_at is None and not is_confirmed(request):
        page = reverse("circles:budget", args=[circle.slug])
        amount = format_cents(envelope.amount_cents)
        return render_confirmation(
            request,
            Confirmation(
                title=_("Annuler l'enveloppe de %(amount)s (%(funder)s) ?")
                % {"amount": amount, "funder": envelope.funder},
                facts=[
                    (_("Financeur"), str(envelope.funder)),
                    (_("Montant"), amount),
                    (_("Année"), str(envelope.year)),
                ],
                consequences=[
                    _("%(amount)s sortent du budget du cercle par un virement inverse.")
                    % {"amount": amount},
                    _(
                        "Une enveloppe annulée ne se rétablit pas : il faudrait l'enregistrer à nouveau."
                    ),
                ],
                confirm_label=_("Confirmer : annuler l'enveloppe"),
                cancel_url=page,
                danger=True,
                back_url=page,
                back_label=_("Budget du cercle"),
            ),
        )
    if request.method != "POST":
        return redirect("circles:budget", slug=circle.slug)
    try:
        services.cancel_envelope(envelope=envelope, by=request.user)
    except services.BudgetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Enveloppe annulée : le virement a été contrepassé."))
    return redirect("circles:budget", slug=circle.slug)


@login_required
@upload_limit(lambda: services.MAX_DOCUMENT_BYTES)
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    if not is_circle_member(user=request.user, circle=circle):
        raise PermissionDenied
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        circle=circle,
        paid_people=services.paid_people(circle=circle),
        initial={"action": request.GET.get("action")},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.submit_proposal(
                circle=circle,
                action=data["action"],
                title=data["title"],
                amount_cents=data["amount"],
                payee=form.payee(),
                justification=data["justification"],
                documents=data["documents"],
                idempotency_key=data["idempotency_key"],
                by=request.user,
            )
        except services.BudgetError as error:
            show_refusal(form, error)
            status = 400
        else:
            messages.success(request, _("Proposition déposée : le cercle en est informé."))
            return redirect("circles:proposal-detail", slug=circle.slug, pk=proposal.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request, "circles/proposal_form.html", {"circle": circle, "form": form}, status=status
    )


@login_required
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    proposal = budget.get_proposal(circle=circle, pk=pk)
    granted = budget.granted_for_proposal(proposal=proposal)
    spent = budget.spent_for_proposal(proposal=proposal)
    decisions = list(proposal.decisions.select_related("meeting", "envelope").order_by("pk"))
    in_force = services.grant_in_force(proposal=proposal)
    context = {
        "circle": circle,
        "proposal": proposal,
        "documents": proposal.documents.all(),
        "decisions": decisions,
        "in_force": in_force,
        "expenses": proposal.expenses.select_related("payee_user", "payee_place").order_by(
            "-submitted_at", "-pk"
        ),
        "granted": granted,
        "spent": spent,
        "left": granted - spent,
        "spendable": budget.spendable_for_proposal(proposal=proposal),
        "can_withdraw": proposal.author_id == request.user.pk
        and proposal.status in (Proposal.Status.SUBMITTED, Proposal.Status.SCHEDULED)
        and not decisions,
        "can_spend": in_force is not None and is_circle_member(user=request.user, circle=circle),
    }
    return render(request, "circles/proposal_detail.html", context)


WITHDRAWABLE = (Proposal.Status.SUBMITTED, Proposal.Status.SCHEDULED)


@require_http_methods(["GET", "POST"])
@login_required
def proposal_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    proposal = budget.get_proposal(circle=circle, pk=pk)
    if proposal.author_id != request.user.pk:
        raise PermissionDenied
    detail = reverse("circles:proposal-detail", args=[circle.slug, proposal.pk])
    if proposal.status in WITHDRAWABLE and not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                title=_("Retirer « %(title)s » ?") % {"title": proposal.title},
                facts=[
                    (_("Proposition"), proposal.title),
                    (_("Montant demandé"), format_cents(proposal.amount_cents)),
                ],
                consequences=[
                    _("La proposition quitte la file des décisions du cercle."),
                    _(
                        "Un retrait est définitif : pour la présenter de nouveau, il faudra la déposer à nouveau."
                    ),
                ],
                confirm_label=_("Confirmer : retirer ma proposition"),
                cancel_url=detail,
                danger=True,
                back_url=detail,
                back_label=proposal.title,
            ),
        )
    if request.method != "POST":
        return redirect(detail)
    try:
        services.withdraw_proposal(proposal=proposal, by=request.user)
    except services.BudgetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Proposition retirée."))
    return redirect("circles:proposal-detail", slug=circle.slug, pk=proposal.pk)


@login_required
def proposal_document(request: HttpRequest, slug: str, pk: int, doc: int) -> FileResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    proposal = budget.get_proposal(circle=circle, pk=pk)
    document = get_object_or_404(proposal.documents, pk=doc)
    return _file_response(document.file, document.name)


@login_required
@upload_limit(lambda: services.MAX_DOCUMENT_BYTES)
def expense_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    if not is_circle_member(user=request.user, circle=circle):
        raise PermissionDenied
    proposal = budget.get_proposal(circle=circle, pk=pk)
    if services.grant_in_force(proposal=proposal) is None:
        raise Http404
    form = ExpenseForm(
        request.POST or None,
        request.FILES or None,
        proposal=proposal,
        paid_people=services.paid_people(circle=circle),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expense = services.submit_expense(
                proposal=proposal,
                amount_cents=data["amount"],
                description=data["description"],
                payee=form.payee(),
                receipt=data["receipt"] or None,
                idempotency_key=data["idempotency_key"],
                by=request.user,
            )
        except services.BudgetError as error:
            show_refusal(form, error)
            status = 400
        else:
            messages.success(request, _("Dépense déclarée : un·e soucieux·se va l'examiner."))
            return redirect("circles:expense-detail", slug=circle.slug, pk=expense.pk)
    elif request.method == "POST":
        status = 400
    context = {
        "circle": circle,
        "proposal": proposal,
        "form": form,
        "spendable": budget.spendable_for_proposal(proposal=proposal),
    }
    return render(request, "circles/expense_form.html", context, status=status)


@login_required
def expense_list(request: HttpRequest, slug: str) -> HttpResponse:
    circle = get_circle_for_steward(user=request.user, slug=slug)
    expenses = Expense.objects.filter(proposal__circle=circle).select_related(
        "proposal", "submitted_by", "payee_user", "payee_place"
    )
    context = {
        "circle": circle,
        "waiting": [e for e in expenses if e.status == Expense.Status.SUBMITTED],
        "reviewed": [e for e in expenses if e.status != Expense.Status.SUBMITTED][:100],
    }
    return render(request, "circles/expense_list.html", context)


def _expense_page(
    request: HttpRequest, circle, expense: Expense, *, reverse_form=None, status: int = 200
) -> HttpResponse:
    can_reverse = expense.status == Expense.Status.PAID and can_reverse_expense(
        user=request.user, expense=expense
    )
    transfers = list(transfers_caused_by(expense))
    context = {
        "circle": circle,
        "expense": expense,
        "can_review": expense.status == Expense.Status.SUBMITTED
        and can_review_expense(user=request.user, expense=expense),
        "reject_form": RejectForm(),
        "can_reverse": can_reverse,
        "reverse_form": reverse_form or (ReverseForm() if can_reverse else None),
        "transfer": transfers[0] if transfers else None,
        "reversal": next((t for t in transfers if t.reverses_id), None),
    }
    return render(request, "circles/expense_detail.html", context, status=status)


@login_required
def expense_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    expense = budget.get_expense(circle=circle, pk=pk)
    return _expense_page(request, circle, expense)


@require_POST
@login_required
def expense_reverse(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Correct a paid expense: its payment goes back to the circle by a reversing transfer."""
    circle = get_circle_for_steward(user=request.user, slug=slug)
    expense = budget.get_expense(circle=circle, pk=pk)
    if not can_reverse_expense(user=request.user, expense=expense):
        raise PermissionDenied
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            services.reverse_expense_payment(
                expense=expense, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.BudgetError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Paiement contrepassé : le montant revient au budget du cercle.")
            )
            return redirect("circles:expense-detail", slug=circle.slug, pk=expense.pk)
    return _expense_page(request, circle, expense, reverse_form=form, status=400)


def _payee_name(expense: Expense) -> str:
    if expense.payee_kind == "person" and expense.payee_user:
        return expense.payee_user.display_name or _("(personne)")
    if expense.payee_kind == "place" and expense.payee_place:
        return expense.payee_place.name
    return expense.payee_name


def _pay_confirmation(request: HttpRequest, circle, expense: Expense) -> HttpResponse:
    detail = reverse("circles:expense-detail", args=[circle.slug, expense.pk])
    amount = format_cents(expense.amount_cents)
    left = budget.granted_for_proposal(proposal=expense.proposal) - budget.spent_for_proposal(
        proposal=expense.proposal
    )
    payee = _payee_name(expense)
    return render_confirmation(
        request,
        Confirmation(
            title=_("Payer %(amount)s à %(payee)s ?") % {"amount": amount, "payee": payee},
            facts=[
                (_("Montant payé"), amount),
                (_("Bénéficiaire"), f"{payee} ({expense.get_payee_kind_display()})"),
                (_("Dépense"), expense.description),
                (_("Proposition"), expense.proposal.title),
                (
                    _("Reste accordé après paiement"),
                    format_cents(max(left - expense.amount_cents, 0)),
                ),
            ],
            consequences=[
                _("%(amount)s quittent tout de suite le compte du cercle pour %(payee)s.")
                % {"amount": amount, "payee": payee},
                _("La dépense est validée : elle ne peut plus être refusée."),
                _("Pour revenir en arrière, il faudra contrepasser le paiement (avec un motif)."),
            ],
            confirm_label=_("Confirmer : payer %(amount)s") % {"amount": amount},
            cancel_url=detail,
            back_url=detail,
            back_label=expense.description,
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def expense_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = get_circle_for_steward(user=request.user, slug=slug)
    if not is_steward(user=request.user, circle=circle):
        # Coordinators see the queue; only the circle's soucieux·ses review expenses.
        raise PermissionDenied
    expense = budget.get_expense(circle=circle, pk=pk)
    if expense.status != Expense.Status.SUBMITTED:
        messages.error(request, _("Cette dépense a déjà été examinée."))
        return redirect("circles:expense-detail", slug=circle.slug, pk=expense.pk)
    if not is_confirmed(request):
        return _pay_confirmation(request, circle, expense)
    try:
        services.approve_expense(expense=expense, by=request.user)
    except services.BudgetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dépense validée et payée."))
    return redirect("circles:expense-detail", slug=circle.slug, pk=expense.pk)


@require_POST
@login_required
def expense_reject(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = get_circle_for_steward(user=request.user, slug=slug)
    if not is_steward(user=request.user, circle=circle):
        # Coordinators see the queue; only the circle's soucieux·ses review expenses.
        raise PermissionDenied
    expense = budget.get_expense(circle=circle, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dites pourquoi la dépense est refusée."))
        return redirect("circles:expense-detail", slug=circle.slug, pk=expense.pk)
    try:
        services.reject_expense(
            expense=expense, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.BudgetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dépense refusée : la personne est prévenue."))
    return redirect("circles:expense-detail", slug=circle.slug, pk=expense.pk)


@login_required
def expense_receipt(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    expense = budget.get_expense(circle=circle, pk=pk)
    if not expense.receipt:
        raise Http404
    return _file_response(expense.receipt, _("justificatif-%(pk)s") % {"pk": expense.pk})


def _file_response(field, name: str) -> FileResponse:
    stored = field.name
    ext = stored.rsplit(".", 1)[-1]
    download = name if name.lower().endswith(f".{ext}") else f"{name}.{ext}"
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=download,
        content_type=content_type_of(stored),
    )
    # Never let the browser guess: an uploaded file is served as what we sniffed it to be.
    response["X-Content-Type-Options"] = "nosniff"
    return response
