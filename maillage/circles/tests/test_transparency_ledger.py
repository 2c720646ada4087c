"""The transparency totals equal the ledger: the circle account holds envelopes minus paid
expenses, and what each proposal was paid is what the ledger's transfers citing it carried."""

import pytest
from django.db.models import Sum

from maillage.circles import transparency
from maillage.circles.tests.transparency_builders import money_story
from maillage.mobility import ledger
from maillage.mobility.models import Account, Transfer


@pytest.fixture
def story(circle, action, participant, contributor, steward, place):
    return money_story(circle, action, participant, contributor, steward, place)


def ledger_paid_for(proposal) -> int:
    """Net of what left the circle account for this proposal (payments minus their reversals)."""
    out = (
        Transfer.objects.filter(
            debit__kind=Account.Kind.CIRCLE, expense__proposal=proposal
        ).aggregate(t=Sum("amount_cents"))["t"]
        or 0
    )
    back = (
        Transfer.objects.filter(
            credit__kind=Account.Kind.CIRCLE, expense__proposal=proposal
        ).aggregate(t=Sum("amount_cents"))["t"]
        or 0
    )
    return out - back


def assert_transparency_equals_ledger(circle) -> None:
    report = transparency.circle_report(circle=circle)
    account = ledger.circle_account(circle=circle)
    # The account's balance recomputed from its transfers, not the cached one.
    assert ledger.balance(account) == report.budget_cents - report.spent_cents
    assert report.account_balance_cents == ledger.balance(account)
    for line in report.lines:
        assert line.spent_cents == ledger_paid_for(line.proposal)
        # Every payment out cites the decision behind the line's proposal.
        cited = Transfer.objects.filter(
            debit=account, expense__proposal=line.proposal, reverses__isnull=True
        )
        assert all(t.decision_id and t.decision.proposal_id == line.proposal.pk for t in cited)
    assert ledger.check_ledger().ok


def test_transparency_totals_equal_the_ledger(circle, story):
    # 17 000 € received − 2 200 € paid = 14 800 € in the circle account.
    assert transparency.circle_report(circle=circle).account_balance_cents == 1_480_000
    assert_transparency_equals_ledger(circle)


def test_an_empty_circle_shows_zero_everywhere_and_agrees_with_the_ledger(circle):
    report = transparency.circle_report(circle=circle)
    assert (report.budget_cents, report.granted_cents, report.spent_cents) == (0, 0, 0)
    assert report.account_balance_cents == 0
