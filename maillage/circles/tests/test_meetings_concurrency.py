"""Two grants recorded at the same time cannot both take the last euros of an envelope.

Each grant runs in its own thread with its own database connection; `record_decision` locks
the circle row first (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE transaction takes
the write lock), so the second grant sees the first one and is refused.
"""

import datetime
import threading

import pytest
from django.db import connection

from maillage.circles import budget
from maillage.circles import meeting_services as svc
from maillage.circles.models import Decision, Proposal
from maillage.circles.tests.factories import EnvelopeFactory, MeetingFactory, ProposalFactory


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_grants_cannot_both_take_the_last_euros(
    circle, steward, participant, contributor, action
):
    # Envelope of 1 000 €; two meetings' points each want 700 €: only one may be granted.
    envelope = EnvelopeFactory(circle=circle, amount_cents=100_000)
    items = []
    for day in (1, 2):
        meeting = MeetingFactory(
            circle=circle, starts_at=datetime.datetime(2026, 12, day, 18, tzinfo=datetime.UTC)
        )
        svc.set_attendance(meeting=meeting, by=steward, present=[steward, participant])
        svc.open_meeting(meeting=meeting, by=steward)
        proposal = ProposalFactory(circle=circle, action=action, amount_cents=70_000)
        items.append(svc.add_agenda_item(meeting=meeting, by=steward, proposal=proposal))
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def decide(item):
        try:
            barrier.wait()
            outcomes.append(
                svc.record_decision(
                    item=item,
                    by=steward,
                    method=Decision.Method.CONSENT,
                    amount_granted_cents=70_000,
                    envelope=envelope,
                )
            )
        except Exception as exc:  # the refusal is what the test looks at
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    granted = [o for o in outcomes if isinstance(o, Decision)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(granted) == 1, outcomes
    assert len(refused) == 1 and isinstance(refused[0], svc.OverBudget), outcomes
    assert budget.envelope_remaining(envelope=envelope) == 30_000
    assert Proposal.objects.filter(status=Proposal.Status.SUBMITTED).count() == 1


def test_a_grant_locks_the_circle_row_before_reading_the_budget(
    open_meeting_for_lock, steward, envelope_for_lock, proposal_for_lock, monkeypatch
):
    """The lock path, visible on any database: the circle row is selected FOR UPDATE first."""
    from django.db.models.query import QuerySet

    calls: list[str] = []
    original = QuerySet.select_for_update
    real_remaining = budget.remaining

    def spy(self, *args, **kwargs):
        calls.append(self.model.__name__)
        return original(self, *args, **kwargs)

    def remaining(*, circle):
        calls.append("remaining")
        return real_remaining(circle=circle)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    monkeypatch.setattr(budget, "remaining", remaining)
    item = svc.add_agenda_item(
        meeting=open_meeting_for_lock, by=steward, proposal=proposal_for_lock
    )
    calls.clear()
    svc.record_decision(
        item=item,
        by=steward,
        method=Decision.Method.CONSENT,
        amount_granted_cents=10_000,
        envelope=envelope_for_lock,
    )
    assert calls[0] == "Circle"
    assert calls.index("Circle") < calls.index("remaining")


@pytest.fixture
def open_meeting_for_lock(circle, steward, participant):
    meeting = MeetingFactory(circle=circle)
    svc.set_attendance(meeting=meeting, by=steward, present=[steward, participant])
    return svc.open_meeting(meeting=meeting, by=steward)


@pytest.fixture
def envelope_for_lock(circle):
    return EnvelopeFactory(circle=circle)


@pytest.fixture
def proposal_for_lock(circle, action):
    return ProposalFactory(circle=circle, action=action)
