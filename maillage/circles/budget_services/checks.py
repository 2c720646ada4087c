"""The circles' budgets and the ledger agree (`ledger_check` and the invariant tests call it)."""

from django.db.models import Sum

from maillage.circles import budget
from maillage.circles.models import (
    Circle,
    CircleAccountKind,
    CircleReason,
    Envelope,
    Expense,
    Proposal,
)
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger.models import Account, Transfer, TransferReason, content_type_for


def circle_ledger_issues() -> list[str]:
    """Problems between the circles' budgets and the ledger (an empty list when all agree)."""
    issues: list[str] = []
    # 1. Money leaves a circle account only for an expense granted by a decision (or when a
    #    mistaken envelope is reversed back to its funder).
    unexplained = Transfer.objects.filter(
        debit__kind=CircleAccountKind.CIRCLE, authority_id__isnull=True
    ).exclude(reason=TransferReason.REVERSAL, cause_type=content_type_for(Envelope))
    for pk in unexplained.values_list("pk", flat=True):
        issues.append(f"transfer {pk} leaves a circle account without a decision")
    # 2. Each circle account holds its envelopes minus its paid expenses.
    balances = ledger_selectors.derived_balances()
    accounts = dict(
        Account.objects.filter(kind=CircleAccountKind.CIRCLE).values_list("owner_id", "pk")
    )
    circle_ids = set(accounts) | set(
        Envelope.objects.values_list("circle_id", flat=True).distinct()
    )
    for circle in Circle.objects.filter(pk__in=circle_ids):
        expected = budget.budget_total(circle=circle) - budget.spent_total(circle=circle)
        actual = balances.get(accounts.get(circle.pk, -1), 0)
        if actual != expected:
            issues.append(
                f"circle {circle.slug}: account balance {actual} != envelopes - paid {expected}"
            )
    # 3. No proposal spends more than it was granted.
    spent = (
        Expense.objects.filter(status=Expense.Status.PAID)
        .values("proposal")
        .annotate(total=Sum("amount_cents"))
    )
    for row in spent:
        proposal = Proposal(pk=row["proposal"])
        granted = budget.granted_for_proposal(proposal=proposal)
        if row["total"] > granted:
            issues.append(f"proposal {row['proposal']}: spent {row['total']} > granted {granted}")
    # 4. Every paid expense has exactly one payment, citing it.
    expense_payments = Transfer.objects.with_cause_of_type(Expense).filter(
        reason=CircleReason.CIRCLE_EXPENSE
    )
    paid_without = Expense.objects.filter(status=Expense.Status.PAID).exclude(
        pk__in=expense_payments.values("cause_id")
    )
    for pk in paid_without.values_list("pk", flat=True):
        issues.append(f"expense {pk} is paid but no ledger transfer cites it")
    # 5. A reversed expense has its payment and exactly that payment's reversal, both citing it
    #    (and the same decision); no other expense has a reversed payment.
    payments = expense_payments.values_list("pk", "cause_id", "authority_id", "amount_cents")
    reversals = {
        t.reverses_id: t
        for t in Transfer.objects.with_cause_of_type(Expense).filter(
            reason=TransferReason.REVERSAL, reverses__isnull=False
        )
    }
    statuses = dict(Expense.objects.values_list("pk", "status"))
    for pk, expense_id, decision_id, amount in payments:
        reversal = reversals.get(pk)
        is_reversed = statuses.get(expense_id) == Expense.Status.REVERSED
        if is_reversed and reversal is None:
            issues.append(f"expense {expense_id} is reversed but its payment {pk} is not")
        elif reversal is not None and not is_reversed:
            issues.append(f"expense {expense_id}: payment {pk} reversed but expense not marked")
        elif reversal is not None and (
            reversal.cause_id != expense_id
            or reversal.authority_id != decision_id
            or reversal.amount_cents != amount
        ):
            issues.append(f"transfer {reversal.pk} does not mirror payment {pk}")
    return issues
