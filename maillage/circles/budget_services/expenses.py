"""Expenses against a granted proposal: filed, reviewed by a steward, paid or reversed in the ledger."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles import budget
from maillage.circles.budget_services.documents import read_document
from maillage.circles.budget_services.errors import (
    AlreadyReviewed,
    BudgetError,
    DuplicateKey,
    NotAllowed,
    NotGranted,
    NotPaid,
    OverGranted,
    OwnExpense,
    ReceiptRequired,
)
from maillage.circles.budget_services.payees import (
    Payee,
    check_amount,
    circle_account,
    clean_payee,
    payee_account,
)
from maillage.circles.models import (
    CircleReason,
    Decision,
    Expense,
    Proposal,
)
from maillage.circles.selectors import (
    can_reverse_expense,
    current_members,
    is_circle_member,
    is_steward,
)
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.lib.money import format_cents
from maillage.notifications.services import mark_handled, notify


def review_key(expense: Expense) -> str:
    """The key of the stewards' "Dépense à valider" notifications of this expense."""
    return f"circles.expense-review:{expense.pk}"


def grant_in_force(*, proposal: Proposal) -> Decision | None:
    """The adopted decision in force that grants money to this proposal, if any."""
    return (
        budget.decisions_in_force()
        .filter(proposal=proposal, outcome=Decision.Outcome.ADOPTED, amount_granted_cents__gt=0)
        .order_by("-recorded_at", "-pk")
        .first()
    )


def submit_expense(
    *,
    proposal: Proposal,
    amount_cents: int,
    description: str,
    payee: Payee | None = None,
    receipt: UploadedFile | None = None,
    idempotency_key: str,
    by: User,
) -> Expense:
    """File an expense against a granted proposal; raise NotGranted, OverGranted, ReceiptRequired."""
    if not idempotency_key:
        raise DuplicateKey(_("Le formulaire a expiré : rechargez la page."))
    existing = Expense.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.proposal_id != proposal.pk or existing.submitted_by_id != by.pk:
            raise DuplicateKey(_("Le formulaire a déjà servi : rechargez la page."))
        return existing
    circle = proposal.circle
    if not is_circle_member(user=by, circle=circle):
        raise NotAllowed(_("Seuls les membres du cercle peuvent déclarer une dépense."))
    check_amount(amount_cents)
    description = (description or "").strip()
    if not description:
        raise BudgetError(_("Décrivez la dépense."), field="description")
    payee = clean_payee(
        circle=circle,
        payee=payee
        or Payee(
            kind=proposal.payee_kind,
            user=proposal.payee_user,
            place=proposal.payee_place,
            name=proposal.payee_name,
        ),
    )
    if receipt is None and circle.receipts_required:
        raise ReceiptRequired(_("Ce cercle demande un justificatif pour chaque dépense."))
    read = read_document(receipt, field="receipt") if receipt is not None else None
    with transaction.atomic():
        # Lock the proposal: two expenses filed at once must not both fit in the remainder.
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        decision = grant_in_force(proposal=proposal)
        if decision is None:
            raise NotGranted(
                _("Aucune décision en vigueur n'accorde d'argent à cette proposition.")
            )
        spendable = budget.spendable_for_proposal(proposal=proposal)
        if amount_cents > spendable:
            raise OverGranted(
                _("Il ne reste que %(left)s à dépenser sur cette proposition.")
                % {"left": format_cents(max(spendable, 0))}
            )
        expense = Expense(
            proposal=proposal,
            decision=decision,
            amount_cents=amount_cents,
            description=description[:250],
            payee_kind=payee.kind,
            payee_user=payee.user,
            payee_place=payee.place,
            payee_name=payee.name,
            submitted_by=by,
            idempotency_key=idempotency_key,
        )
        if read is not None:
            content, ext, _mime = read
            expense.receipt.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
        expense.save()
        notify(
            users=[m.user for m in current_members(circle=circle).filter(role="steward")],
            topic="circles.expense",
            title=_("Dépense à valider : %(what)s") % {"what": expense.description},
            body=_("%(amount)s sur la proposition « %(title)s ».")
            % {"amount": format_cents(amount_cents), "title": proposal.title},
            url=reverse("circles:expense-detail", args=[circle.slug, expense.pk]),
            exclude=by,
            key=review_key(expense),
        )
    return expense


def _check_reviewer(*, expense: Expense, by: User) -> None:
    if expense.payee_user_id == by.pk or expense.submitted_by_id == by.pk:
        raise OwnExpense(
            _("Vous ne pouvez pas valider une dépense que vous avez déclarée ou qui vous paie.")
        )
    if not is_steward(user=by, circle=expense.proposal.circle):
        raise NotAllowed(_("Seul·e un·e soucieux·se du cercle valide les dépenses."))
    if expense.status != Expense.Status.SUBMITTED:
        raise AlreadyReviewed(_("Cette dépense a déjà été examinée."))


def approve_expense(*, expense: Expense, by: User) -> Expense:
    """Approve and pay an expense through the ledger; raise OwnExpense, AlreadyReviewed, OverGranted."""
    with transaction.atomic():
        # Lock the proposal, then the expense: two approvals at once cannot overspend the grant
        # nor pay the same expense twice.
        proposal = Proposal.objects.select_for_update().get(pk=expense.proposal_id)
        expense = (
            Expense.objects.select_for_update()
            .select_related("proposal__circle")
            .get(pk=expense.pk)
        )
        _check_reviewer(expense=expense, by=by)
        decision = grant_in_force(proposal=proposal)
        if decision is None:
            raise NotGranted(
                _("Aucune décision en vigueur n'accorde d'argent à cette proposition.")
            )
        left = budget.granted_for_proposal(proposal=proposal) - budget.spent_for_proposal(
            proposal=proposal
        )
        if expense.amount_cents > left:
            raise OverGranted(
                _("Il ne reste que %(left)s accordés sur cette proposition : dépense refusée.")
                % {"left": format_cents(max(left, 0))}
            )
        circle = proposal.circle
        expense.decision = decision
        expense.status = Expense.Status.PAID
        expense.reviewed_by = by
        expense.reviewed_at = timezone.now()
        expense.save(update_fields=["decision", "status", "reviewed_by", "reviewed_at"])
        ledger.post_transfer(
            debit=circle_account(circle=circle),
            credit=payee_account(
                circle=circle,
                kind=expense.payee_kind,
                user=expense.payee_user,
                place=expense.payee_place,
                name=expense.payee_name,
            ),
            amount_cents=expense.amount_cents,
            reason=CircleReason.CIRCLE_EXPENSE,
            idempotency_key=f"circle-expense-{expense.pk}",
            memo=expense.description,
            cause=expense,
            authority=decision,
            by=by,
        )
        _notify_review(expense=expense, by=by, approved=True)
    return expense


def reject_expense(*, expense: Expense, by: User, reason: str) -> Expense:
    """Refuse an expense with a reason; raise OwnExpense, AlreadyReviewed, BudgetError."""
    reason = (reason or "").strip()
    if not reason:
        raise BudgetError(_("Dites pourquoi la dépense est refusée."), field="reason")
    with transaction.atomic():
        expense = (
            Expense.objects.select_for_update()
            .select_related("proposal__circle")
            .get(pk=expense.pk)
        )
        _check_reviewer(expense=expense, by=by)
        expense.status = Expense.Status.REJECTED
        expense.reviewed_by = by
        expense.reviewed_at = timezone.now()
        expense.rejection_reason = reason
        expense.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
        _notify_review(expense=expense, by=by, approved=False)
    return expense


def reverse_expense_payment(*, expense: Expense, by: User, reason: str) -> Expense:
    """Correct a paid expense: a reversing transfer gives the money back to the circle account.

    The reversal cites the same decision and expense as the payment; the expense becomes
    "payment reversed" and no longer counts as spent, so its amount can be spent again from the
    grant. Raise NotAllowed (not a coordinator, or the payee), NotPaid, BudgetError (no reason).
    """
    reason = (reason or "").strip()
    if not reason:
        raise BudgetError(_("Dites pourquoi le paiement est contrepassé."), field="reason")
    with transaction.atomic():
        Proposal.objects.select_for_update().get(pk=expense.proposal_id)
        expense = (
            Expense.objects.select_for_update()
            .select_related("proposal__circle__network")
            .get(pk=expense.pk)
        )
        if not can_reverse_expense(user=by, expense=expense):
            raise NotAllowed(
                _(
                    "Seule la coordination du réseau, ou un·e soucieux·se qui n'en est pas "
                    "bénéficiaire, peut contrepasser le paiement d'une dépense."
                )
            )
        if expense.status != Expense.Status.PAID:
            raise NotPaid(
                _("Seul le paiement d'une dépense validée et payée peut être contrepassé.")
            )
        payment = Transfer.objects.caused_by(expense).get(
            reason=CircleReason.CIRCLE_EXPENSE, reverses__isnull=True
        )
        ledger.reverse_transfer(
            transfer=payment,
            idempotency_key=f"circle-expense-reversal-{expense.pk}",
            memo=_("Contrepassation de la dépense « %(what)s » : %(reason)s")
            % {"what": expense.description, "reason": reason},
            by=by,
        )
        expense.status = Expense.Status.REVERSED
        expense.reversed_by = by
        expense.reversed_at = timezone.now()
        expense.reversal_reason = reason
        expense.save(update_fields=["status", "reversed_by", "reversed_at", "reversal_reason"])
        circle = expense.proposal.circle
        notify(
            users=[u for u in (expense.submitted_by, expense.payee_user) if u is not None],
            topic="circles.expense",
            title=_("Paiement contrepassé : %(what)s") % {"what": expense.description},
            body=_("%(amount)s reviennent au cercle. Motif : %(reason)s")
            % {"amount": format_cents(expense.amount_cents), "reason": reason},
            url=reverse("circles:expense-detail", args=[circle.slug, expense.pk]),
            exclude=by,
        )
    return expense


def _notify_review(*, expense: Expense, by: User, approved: bool) -> None:
    # Reviewed: no steward has it to do any more.
    mark_handled(key=review_key(expense))
    circle = expense.proposal.circle
    people = [u for u in (expense.submitted_by, expense.payee_user) if u is not None]
    if approved:
        title = _("Dépense validée et payée : %(what)s") % {"what": expense.description}
        body = _("%(amount)s ont été versés.") % {"amount": format_cents(expense.amount_cents)}
    else:
        title = _("Dépense refusée : %(what)s") % {"what": expense.description}
        body = _("Motif : %(reason)s") % {"reason": expense.rejection_reason}
    notify(
        users=people,
        topic="circles.expense",
        title=title,
        body=body,
        url=reverse("circles:expense-detail", args=[circle.slug, expense.pk]),
        exclude=by,
    )
