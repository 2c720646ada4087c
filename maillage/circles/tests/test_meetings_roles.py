# ruff: noqa: F811  (pytest fixtures imported from test_meetings_fixtures are parameters here)
"""Paid roles are named by a meeting's decision on a role request."""

import datetime

import pytest

from maillage.circles import meeting_services as svc
from maillage.circles.models import CircleRole, Decision, RoleRequest
from maillage.circles.selectors import current_role
from maillage.circles.services import request_role
from maillage.circles.tests.test_meetings_fixtures import meeting, open_meeting  # noqa: F401
from maillage.notifications.models import Notification


@pytest.fixture
def bob_asks(circle, participant):
    return request_role(
        circle=circle,
        user=participant,
        role=CircleRole.CONTRIBUTOR,
        motivation="Je porte l'action guide.",
        starts_on=datetime.date(2026, 12, 1),
    )


def test_an_adopted_decision_names_the_person_to_the_paid_role(
    circle, open_meeting, steward, participant, bob_asks
):
    item = svc.add_agenda_item(meeting=open_meeting, by=steward, role_request=bob_asks)
    decision = svc.record_decision(item=item, by=steward, method=Decision.Method.CONSENT)
    assert decision.outcome == Decision.Outcome.ADOPTED
    assert decision.amount_granted_cents == 0
    bob_asks.refresh_from_db()
    assert bob_asks.status == RoleRequest.Status.ACCEPTED
    row = participant.circle_roles.get(ended_at__isnull=True)
    assert (row.role, row.decision, row.starts_on) == (
        CircleRole.CONTRIBUTOR,
        decision,
        datetime.date(2026, 12, 1),
    )
    assert Notification.objects.filter(topic="circles.decision", user=participant).exists()


def test_a_rejected_vote_refuses_the_request_and_keeps_the_role(
    circle, open_meeting, steward, contributor, participant, bob_asks
):
    item = svc.add_agenda_item(meeting=open_meeting, by=steward, role_request=bob_asks)
    decision = svc.record_decision(
        item=item,
        by=steward,
        method=Decision.Method.VOTE,
        votes={steward: "against", contributor: "against", participant: "for"},
    )
    assert decision.outcome == Decision.Outcome.REJECTED
    bob_asks.refresh_from_db()
    assert bob_asks.status == RoleRequest.Status.REFUSED
    assert current_role(user=participant, circle=circle) == CircleRole.PARTICIPANT


def test_a_pending_request_is_offered_for_the_agenda_once(open_meeting, steward, bob_asks):
    assert bob_asks in svc.role_request_candidates(meeting=open_meeting)
    svc.add_agenda_item(meeting=open_meeting, by=steward, role_request=bob_asks)
    assert bob_asks not in svc.role_request_candidates(meeting=open_meeting)
    with pytest.raises(svc.NotOnAgenda):
        svc.add_agenda_item(meeting=open_meeting, by=steward, role_request=bob_asks)
