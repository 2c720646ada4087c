"""The transparency totals equal the ledger: the circle account holds envelopes minus paid
expenses, and what each proposal was paid is what the ledger's transfers citing it carried."""

import pytest
from django.db.models import Sum

from maillage.circles import transparency
from maillage.circles.budget_services import circle_account
from maillage.circles.models import CircleAccountKind, Expense
from maillage.circles.tests.transparency_builders import money_story
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger.models import Transfer


@pytest.fixture
def story(circle, action, participant, contributor, steward, place):
    return money_story(circle, action, participant, contributor, steward, place)


def ledger_paid_for(proposal) -> int:
    """Net of what left the circle account for this proposal (payments minus their reversals)."""
    out = (
        Transfer.objects.caused_by_any(Expense.objects.filter(proposal=proposal))
        .filter(debit__kind=CircleAccountKind.CIRCLE)
        .aggregate(t=Sum("amount_cents"))["t"]
        or 0
    )
    back = (
        Transfer.objects.caused_by_any(Expense.objects.filter(proposal=proposal))
        .filter(credit__kind=CircleAccountKind.CIRCLE)
        .aggregate(t=Sum("amount_cents"))["t"]
        or 0
    )
    return out - back


def assert_transparency_equals_ledger(circle) -> None:
    report = transparency.circle_report(circle=circle)
    account = circle_account(circle=circle)
    # The account's balance recomputed from its transfers, not the cached one.
    assert ledger_selectors.balance(account) == report.budget_cents - report.spent_cents
    assert report.account_balance_cents == ledger_selectors.balance(account)
    for line in report.lines:
        assert line.spent_cents == ledger_paid_for(line.proposal)
        # Every payment out cites the decision behind the line's proposal.
        cited = Transfer.objects.caused_by_any(
            Expense.objects.filter(proposal=line.proposal)
        ).filter(debit=account, reverses__isnull=True)
        assert all(t.authority_id and t.authority.proposal_id == line.proposal.pk for t in cited)
    assert ledger_selectors.check_ledger().ok


def test_transparency_totals_equal_the_ledger(circle, story):
    # 17 000 € received − 2 200 € paid = 14 800 € in the circle account.
    assert transparency.circle_report(circle=circle).account_balance_cents == 1_480_000
    assert_transparency_equals_ledger(circle)


def test_an_empty_circle_shows_zero_everywhere_and_agrees_with_the_ledger(circle):
    report = transparency.circle_report(circle=circle)
    assert (report.budget_cents, report.granted_cents, report.spent_cents) == (0, 0, 0)
    assert report.account_balance_cents == 0
