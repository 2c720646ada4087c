"""Shared fixtures of the meetings tests (imported by the `test_meetings_*` files).

A meeting of `circle` on 1 December 2026, an envelope of 10 000 €, a proposal of 1 000 € by Bob
for Fanny's action, Bob, Fanny and Gaston present (quorum: 2 people).
"""

import datetime

import pytest

from maillage.circles import meeting_services as svc
from maillage.circles.models import Decision, Meeting
from maillage.circles.tests.factories import EnvelopeFactory, MeetingFactory, ProposalFactory

PARIS = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def envelope(circle):
    return EnvelopeFactory(circle=circle, amount_cents=1_000_000)


@pytest.fixture
def proposal(circle, action, participant):
    return ProposalFactory(circle=circle, action=action, amount_cents=100_000, author=participant)


@pytest.fixture
def meeting(circle, steward):
    return MeetingFactory(
        circle=circle,
        created_by=steward,
        starts_at=datetime.datetime(2026, 12, 1, 18, 0, tzinfo=PARIS),
    )


@pytest.fixture
def open_meeting(meeting, steward, participant, contributor):
    """The meeting, open, with Bob, Fanny and Gaston present."""
    svc.set_attendance(meeting=meeting, by=steward, present=[participant, contributor, steward])
    return svc.open_meeting(meeting=meeting, by=steward)


def item_for(meeting: Meeting, by, **subject):
    return svc.add_agenda_item(meeting=meeting, by=by, **subject)


def grant(meeting, by, proposal, envelope, amount, **extra) -> Decision:
    """Record a decision by consent granting `amount` cents on a fresh agenda point."""
    item = item_for(meeting, by, proposal=proposal)
    return svc.record_decision(
        item=item,
        by=by,
        method=Decision.Method.CONSENT,
        amount_granted_cents=amount,
        envelope=envelope,
        **extra,
    )
