"""Approvals racing each other: the proposal row lock lets exactly one of them pay.

Each approval runs in its own thread with its own database connection (SQLite on a file in WAL
mode with immediate transactions, or PostgreSQL with DATABASE_URL).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from maillage.accounts.tests.factories import UserFactory
from maillage.circles import budget
from maillage.circles import budget_services as svc
from maillage.circles.budget_services import circle_account
from maillage.circles.models import AgendaItem, CircleRole, Decision
from maillage.circles.tests.factories import CircleMemberFactory, MeetingFactory
from maillage.circles.tests.test_budget_services import (
    expense,
    grant,
    media,  # noqa: F401 (autouse: uploads go to a temporary folder)
    propose,
    record,
)
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger.models import Transfer

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls):
    """Run every (user, expense) approval at the same moment; return the outcomes in order."""
    barrier = threading.Barrier(len(calls))

    def approve(args):
        user, filed = args
        try:
            barrier.wait()
            svc.approve_expense(expense=filed, by=user)
            return "paid"
        except svc.BudgetError as error:
            return type(error).__name__
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(approve, calls))


@pytest.fixture
def second_steward(circle, membership):
    user = UserFactory(email="ines@example.org", display_name="Inès")
    CircleMemberFactory(circle=circle, user=user, role=CircleRole.STEWARD)
    return user


def test_two_soucieux_approving_the_same_expense_at_once_pay_it_once(
    circle, action, participant, contributor, steward, second_steward
):
    record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    grant(proposal, 150_000)
    filed = expense(proposal, contributor, amount_cents=100_000)

    outcomes = race([(steward, filed), (second_steward, filed)])

    assert sorted(outcomes) == ["AlreadyReviewed", "paid"]
    assert Transfer.objects.caused_by(filed).count() == 1
    assert circle_account(circle=circle).balance_cents == 900_000
    assert ledger_selectors.check_ledger().ok
    assert svc.circle_ledger_issues() == []


def test_two_approvals_cannot_together_spend_more_than_the_grant(
    circle, action, participant, contributor, steward, second_steward
):
    record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    first = grant(proposal, 200_000)
    a = expense(proposal, contributor, amount_cents=100_000, key="a")
    b = expense(proposal, contributor, amount_cents=100_000, key="b")
    # A later meeting lowers the grant to 1 500 €: only one of the two 1 000 € expenses fits.
    later = MeetingFactory(circle=circle)
    Decision.objects.create(
        meeting=later,
        item=AgendaItem.objects.create(meeting=later, proposal=proposal, revises=first),
        proposal=proposal,
        method=Decision.Method.CONSENT,
        outcome=Decision.Outcome.ADOPTED,
        amount_granted_cents=150_000,
        supersedes=first,
    )

    outcomes = race([(steward, a), (second_steward, b)])

    assert sorted(outcomes) == ["OverGranted", "paid"]
    assert budget.spent_for_proposal(proposal=proposal) == 100_000
    assert ledger_selectors.check_ledger().ok
    assert svc.circle_ledger_issues() == []
