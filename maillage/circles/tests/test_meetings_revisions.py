# ruff: noqa: F811  (pytest fixtures imported from test_meetings_fixtures are parameters here)
"""Decisions are never edited: only a later meeting revises one, with a new decision that
supersedes it, and never below what is already spent or committed."""

import datetime

import pytest

from maillage.circles import budget
from maillage.circles import meeting_services as svc
from maillage.circles.models import Decision, Expense, ImmutableRecord, Proposal
from maillage.circles.tests.factories import MeetingFactory
from maillage.circles.tests.test_meetings_fixtures import (  # noqa: F401
    envelope,
    grant,
    meeting,
    open_meeting,
    proposal,
)


def _open_later(circle, steward, participant, *, days: int):
    later = MeetingFactory(
        circle=circle,
        starts_at=datetime.datetime(2026, 12, 1, 18, 0, tzinfo=datetime.UTC)
        + datetime.timedelta(days=days),
    )
    svc.set_attendance(meeting=later, by=steward, present=[steward, participant])
    return svc.open_meeting(meeting=later, by=steward)


def _revise(meeting, steward, decision, envelope, amount):
    item = svc.add_agenda_item(meeting=meeting, by=steward, revises=decision)
    return svc.record_decision(
        item=item,
        by=steward,
        method=Decision.Method.CONSENT,
        amount_granted_cents=amount,
        envelope=envelope,
    )


def test_a_later_meeting_revises_a_decision_and_the_chain_is_kept(
    circle, open_meeting, steward, participant, proposal, envelope
):
    first = grant(open_meeting, steward, proposal, envelope, 100_000)
    svc.close_meeting(meeting=open_meeting, by=steward)
    january = _open_later(circle, steward, participant, days=30)
    second = _revise(january, steward, first, envelope, 60_000)
    february = _open_later(circle, steward, participant, days=60)
    third = _revise(february, steward, second, envelope, 70_000)

    assert second.supersedes == first
    assert third.supersedes == second
    first.refresh_from_db()
    assert first.superseded_by == second
    # Only the decision in force counts: 70 000 granted, not 230 000.
    assert budget.granted_for_proposal(proposal=proposal) == 70_000
    assert budget.remaining(circle=circle) == 1_000_000 - 70_000
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PARTIAL


def test_a_revision_may_use_the_money_the_revised_decision_held(
    circle, open_meeting, steward, participant, action, envelope
):
    # The envelope is 10 000 €, all granted; the revision moves the grant from 10 000 to 9 000.
    from maillage.circles.tests.factories import ProposalFactory

    big = ProposalFactory(circle=circle, action=action, amount_cents=1_000_000)
    first = grant(open_meeting, steward, big, envelope, 1_000_000)
    later = _open_later(circle, steward, participant, days=7)
    revision = _revise(later, steward, first, envelope, 900_000)
    assert revision.amount_granted_cents == 900_000
    assert budget.remaining(circle=circle) == 100_000


def test_the_same_meeting_or_an_earlier_one_cannot_revise(
    circle, open_meeting, steward, participant, proposal, envelope
):
    first = grant(open_meeting, steward, proposal, envelope, 100_000)
    with pytest.raises(svc.NotOnAgenda, match="réunion antérieure"):
        svc.add_agenda_item(meeting=open_meeting, by=steward, revises=first)
    earlier = _open_later(circle, steward, participant, days=-7)
    with pytest.raises(svc.NotOnAgenda):
        svc.add_agenda_item(meeting=earlier, by=steward, revises=first)
    # A revision point slipped onto an earlier meeting's agenda is refused at decision time.
    item = earlier.agenda.create(proposal=proposal, revises=first, position=1)
    with pytest.raises(svc.InvalidRevision, match="réunion qui lui est postérieure"):
        svc.record_decision(
            item=item,
            by=steward,
            method=Decision.Method.CONSENT,
            amount_granted_cents=50_000,
            envelope=envelope,
        )
    assert Decision.objects.count() == 1


def test_a_revision_cannot_grant_less_than_what_is_committed(
    circle, open_meeting, steward, participant, proposal, envelope
):
    first = grant(open_meeting, steward, proposal, envelope, 100_000)
    Expense.objects.create(
        proposal=proposal,
        decision=first,
        amount_cents=70_000,
        description="Impression",
        payee_kind="provider",
        payee_name="Imprimerie",
        idempotency_key="e1",
    )
    later = _open_later(circle, steward, participant, days=7)
    item = svc.add_agenda_item(meeting=later, by=steward, revises=first)

    def revise(amount):
        return svc.record_decision(
            item=item,
            by=steward,
            method=Decision.Method.CONSENT,
            amount_granted_cents=amount,
            envelope=envelope,
        )

    with pytest.raises(svc.InvalidRevision, match="déjà dépensé ou engagé"):
        revise(60_000)
    assert Decision.objects.count() == 1
    assert revise(70_000).amount_granted_cents == 70_000


def test_a_decision_cannot_be_edited_or_deleted(open_meeting, steward, proposal, envelope):
    decision = grant(open_meeting, steward, proposal, envelope, 100_000)
    decision.amount_granted_cents = 1
    with pytest.raises(ImmutableRecord):
        decision.save()
    with pytest.raises(ImmutableRecord):
        decision.delete()
    decision.refresh_from_db()
    assert decision.amount_granted_cents == 100_000


def test_a_decision_already_revised_is_not_offered_for_revision_again(
    circle, open_meeting, steward, participant, proposal, envelope
):
    first = grant(open_meeting, steward, proposal, envelope, 100_000)
    later = _open_later(circle, steward, participant, days=7)
    _revise(later, steward, first, envelope, 50_000)
    even_later = _open_later(circle, steward, participant, days=14)
    assert first not in svc.revision_candidates(meeting=even_later)
    with pytest.raises(svc.NotOnAgenda):
        svc.add_agenda_item(meeting=even_later, by=steward, revises=first)
