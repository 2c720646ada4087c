"""The circle's budget figures, computed from envelopes, decisions in force and paid expenses.

These are the numbers every rule checks ("the system refuses to grant more than what remains")
and the transparency page shows; the ledger holds the same money as transfers, and
`tests/test_budget_matches_ledger.py` checks both agree.

A decision is *in force* when no later decision supersedes it; only adopted decisions in force
grant money.
"""

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from maillage.circles.models import Circle, Decision, Envelope, Expense, Proposal


def decisions_in_force() -> QuerySet[Decision]:
    """Decisions not superseded by a later one."""
    return Decision.objects.filter(superseded_by__isnull=True)


def grants_in_force(*, circle: Circle) -> QuerySet[Decision]:
    return decisions_in_force().filter(
        meeting__circle=circle,
        proposal__isnull=False,
        outcome=Decision.Outcome.ADOPTED,
        amount_granted_cents__gt=0,
    )


def active_envelopes(*, circle: Circle) -> QuerySet[Envelope]:
    """The circle's envelopes, cancelled ones left out."""
    return Envelope.objects.filter(circle=circle, cancelled_at__isnull=True)


def _sum(qs: QuerySet, field: str) -> int:
    return int(qs.aggregate(total=Sum(field))["total"] or 0)


def budget_total(*, circle: Circle) -> int:
    """The circle's budget: the sum of its envelopes not cancelled (cents)."""
    return _sum(active_envelopes(circle=circle), "amount_cents")


def granted_total(*, circle: Circle) -> int:
    return _sum(grants_in_force(circle=circle), "amount_granted_cents")


def remaining(*, circle: Circle) -> int:
    """What is left to grant in the whole circle."""
    return budget_total(circle=circle) - granted_total(circle=circle)


def envelope_granted(*, envelope: Envelope) -> int:
    return _sum(
        grants_in_force(circle=envelope.circle).filter(envelope=envelope), "amount_granted_cents"
    )


def envelope_remaining(*, envelope: Envelope) -> int:
    """What is left to grant from one envelope (nothing from a cancelled one)."""
    if envelope.cancelled_at is not None:
        return 0
    return envelope.amount_cents - envelope_granted(envelope=envelope)


def envelopes_for_proposal(*, proposal: Proposal) -> QuerySet[Envelope]:
    """The envelopes that may pay this proposal: unearmarked ones and those earmarked for its action."""
    return Envelope.objects.filter(circle_id=proposal.circle_id, cancelled_at__isnull=True).filter(
        Q(earmark_action__isnull=True) | Q(earmark_action_id=proposal.action_id)
    )


def granted_for_proposal(*, proposal: Proposal) -> int:
    """What the decision in force on this proposal grants (0 if none or rejected)."""
    return _sum(
        decisions_in_force().filter(proposal=proposal, outcome=Decision.Outcome.ADOPTED),
        "amount_granted_cents",
    )


def spent_for_proposal(*, proposal: Proposal) -> int:
    return _sum(
        Expense.objects.filter(proposal=proposal, status=Expense.Status.PAID), "amount_cents"
    )


def committed_for_proposal(*, proposal: Proposal) -> int:
    """Paid plus submitted-and-waiting expenses: what a new expense must fit beside."""
    return _sum(
        Expense.objects.filter(
            proposal=proposal, status__in=[Expense.Status.PAID, Expense.Status.SUBMITTED]
        ),
        "amount_cents",
    )


def spendable_for_proposal(*, proposal: Proposal) -> int:
    """The granted remainder a new expense may use."""
    return granted_for_proposal(proposal=proposal) - committed_for_proposal(proposal=proposal)


def spent_total(*, circle: Circle) -> int:
    return _sum(
        Expense.objects.filter(proposal__circle=circle, status=Expense.Status.PAID), "amount_cents"
    )


# --- figures for the budget pages (grouped: one query per table, whatever the size) ----------


def granted_by_envelope(*, circle: Circle) -> dict[int, int]:
    """Granted in force per envelope id."""
    rows = (
        grants_in_force(circle=circle)
        .filter(envelope__isnull=False)
        .values_list("envelope_id")
        .annotate(total=Sum("amount_granted_cents"))
    )
    return {pk: int(total) for pk, total in rows}


def granted_by_proposal(*, circle: Circle) -> dict[int, int]:
    """Granted in force per proposal id."""
    rows = (
        grants_in_force(circle=circle)
        .values_list("proposal_id")
        .annotate(total=Sum("amount_granted_cents"))
    )
    return {pk: int(total) for pk, total in rows}


def spent_by_proposal(*, circle: Circle) -> dict[int, int]:
    """Paid expenses per proposal id."""
    rows = (
        Expense.objects.filter(proposal__circle=circle, status=Expense.Status.PAID)
        .values_list("proposal_id")
        .annotate(total=Sum("amount_cents"))
    )
    return {pk: int(total) for pk, total in rows}


def get_proposal(*, circle: Circle, pk: int) -> Proposal:
    """A proposal of this circle (404 otherwise); the caller has checked access to the circle."""
    return get_object_or_404(
        Proposal.objects.select_related("action", "author", "payee_user", "payee_place"),
        circle=circle,
        pk=pk,
    )


def get_expense(*, circle: Circle, pk: int) -> Expense:
    """An expense of this circle (404 otherwise); the caller has checked access to the circle."""
    return get_object_or_404(
        Expense.objects.select_related(
            "proposal__circle__network",
            "proposal__action",
            "decision__meeting",
            "payee_user",
            "payee_place",
            "submitted_by",
            "reviewed_by",
        ),
        proposal__circle=circle,
        pk=pk,
    )
