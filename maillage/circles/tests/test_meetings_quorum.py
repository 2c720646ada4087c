# ruff: noqa: F811  (pytest fixtures imported from test_meetings_fixtures are parameters here)
import pytest

from maillage.circles import meeting_services as svc
from maillage.circles.models import Attendance, Decision
from maillage.circles.tests.test_meetings_fixtures import (  # noqa: F401
    envelope,
    meeting,
    open_meeting,
    proposal,
)


def test_quorum_needs_the_minimum_and_the_share_of_members(
    circle, meeting, steward, participant, contributor
):
    # 3 members; the rule: at least 2 people and 60 % of 3 members = 1.8 → 2.
    circle.quorum_minimum = 1
    circle.quorum_percent = 60
    circle.save()
    quorum = svc.set_attendance(meeting=meeting, by=steward, present=[steward])
    assert (quorum.present, quorum.members, quorum.needed, quorum.reached) == (1, 3, 2, False)
    quorum = svc.set_attendance(meeting=meeting, by=steward, present=[steward, participant])
    assert (quorum.present, quorum.needed, quorum.reached) == (2, 2, True)


def test_quorum_minimum_alone_can_be_missing(circle, meeting, steward, participant, contributor):
    circle.quorum_minimum = 3
    circle.save()
    quorum = svc.set_attendance(meeting=meeting, by=steward, present=[steward, participant])
    assert not quorum.reached
    assert svc.quorum_of(meeting=meeting).needed == 3


def test_a_person_outside_the_circle_cannot_be_ticked_present(
    meeting, steward, other_circle_member
):
    with pytest.raises(svc.NotCircleMember, match="ne fait pas partie des membres du cercle"):
        svc.set_attendance(meeting=meeting, by=steward, present=[steward, other_circle_member])
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_meeting_without_quorum_cannot_decide(
    circle, meeting, steward, proposal, envelope, participant
):
    circle.quorum_minimum = 3
    circle.save()
    svc.set_attendance(meeting=meeting, by=steward, present=[steward, participant])
    svc.open_meeting(meeting=meeting, by=steward)
    item = svc.add_agenda_item(meeting=meeting, by=steward, proposal=proposal)
    with pytest.raises(svc.NoQuorum, match="Le quorum n'est pas atteint"):
        svc.record_decision(
            item=item,
            by=steward,
            method=Decision.Method.CONSENT,
            amount_granted_cents=50_000,
            envelope=envelope,
        )
    assert not Decision.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_only_runners_record_attendance(meeting, participant):
    with pytest.raises(svc.NotAllowed):
        svc.set_attendance(meeting=meeting, by=participant, present=[participant])


def test_a_person_whose_role_ended_does_not_count(meeting, steward, participant, contributor):
    svc.set_attendance(meeting=meeting, by=steward, present=[steward, participant])
    participant.circle_roles.update(ends_on="2026-11-30")
    assert svc.quorum_of(meeting=meeting).present == 1
