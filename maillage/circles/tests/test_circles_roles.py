"""People join circles, change roles through meetings, leave; the history is kept."""

import datetime

import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.circles import services
from maillage.circles.models import (
    AgendaItem,
    CircleMember,
    CircleRole,
    Decision,
    RoleRequest,
)
from maillage.circles.selectors import current_role
from maillage.circles.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def adopted_decision(*, circle, user, role):
    request = RoleRequest.objects.create(circle=circle, user=user, role=role)
    meeting = MeetingFactory(circle=circle)
    item = AgendaItem.objects.create(meeting=meeting, role_request=request)
    return Decision.objects.create(
        meeting=meeting,
        item=item,
        role_request=request,
        method=Decision.Method.CONSENT,
        outcome=Decision.Outcome.ADOPTED,
    )


def test_a_network_member_joins_as_participant(circle, membership, bob):
    member = services.join_circle(circle=circle, user=bob)

    assert member.role == CircleRole.PARTICIPANT
    assert current_role(user=bob, circle=circle) == CircleRole.PARTICIPANT


def test_joining_twice_is_refused_and_creates_nothing(circle, participant):
    with pytest.raises(services.AlreadyMember, match="déjà partie"):
        services.join_circle(circle=circle, user=participant)

    assert CircleMember.objects.filter(circle=circle, user=participant).count() == 1


def test_someone_outside_the_network_cannot_join(circle, charlie):
    with pytest.raises(services.NotNetworkMember, match="membres du réseau Réseau A"):
        services.join_circle(circle=circle, user=charlie)

    assert not CircleMember.objects.filter(user=charlie).exists()


def test_a_paid_role_needs_a_decision(circle, participant, dora):
    with pytest.raises(services.DecisionRequired, match="réunion de régulation"):
        services.assign_role(
            circle=circle,
            user=participant,
            role=CircleRole.CONTRIBUTOR,
            starts_on=datetime.date(2026, 1, 1),
            by=dora,
        )

    assert current_role(user=participant, circle=circle) == CircleRole.PARTICIPANT


def test_a_decision_of_another_circle_does_not_name_anyone(circle, other_circle, participant):
    decision = adopted_decision(circle=other_circle, user=participant, role=CircleRole.STEWARD)

    with pytest.raises(services.DecisionRequired):
        services.assign_role(
            circle=circle,
            user=participant,
            role=CircleRole.STEWARD,
            starts_on=datetime.date(2026, 1, 1),
            decision=decision,
            by=None,
        )


def test_a_decision_names_a_contributor_and_the_old_role_becomes_history(circle, participant):
    decision = adopted_decision(circle=circle, user=participant, role=CircleRole.CONTRIBUTOR)

    new = services.assign_role(
        circle=circle,
        user=participant,
        role=CircleRole.CONTRIBUTOR,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 12, 31),
        decision=decision,
        by=None,
    )

    old = CircleMember.objects.get(circle=circle, user=participant, role=CircleRole.PARTICIPANT)
    assert old.ended_at is not None
    assert old.ends_on == datetime.date(2026, 2, 28)
    assert "Contributeur·rice" in old.ended_reason
    assert new.decision == decision
    assert new.ends_on == datetime.date(2026, 12, 31)


def test_a_period_that_ends_before_it_starts_is_refused(circle, participant):
    with pytest.raises(services.InvalidPeriod):
        services.assign_role(
            circle=circle,
            user=participant,
            role=CircleRole.PARTICIPANT,
            starts_on=datetime.date(2026, 3, 1),
            ends_on=datetime.date(2026, 2, 1),
            by=None,
        )

    assert CircleMember.objects.filter(circle=circle, user=participant).count() == 1


def test_stepping_down_to_participant_needs_no_decision(circle, contributor):
    services.assign_role(
        circle=circle,
        user=contributor,
        role=CircleRole.PARTICIPANT,
        starts_on=datetime.date(2025, 6, 1),
        by=contributor,
    )

    assert current_role(user=contributor, circle=circle) == CircleRole.PARTICIPANT


def test_a_coordinator_ends_a_role_with_a_reason(circle, contributor, dora, participant):
    member = CircleMember.objects.get(circle=circle, user=contributor, ended_at__isnull=True)

    with pytest.raises(services.ReasonRequired):
        services.end_role(member=member, reason=" ", by=dora)
    with pytest.raises(services.NotAllowed):
        services.end_role(member=member, reason="Fin de mission", by=participant)
    services.end_role(member=member, reason="Fin de mission", by=dora)

    member.refresh_from_db()
    assert member.ended_reason == "Fin de mission"
    assert current_role(user=contributor, circle=circle) is None


def test_a_stranger_cannot_ask_for_a_role(circle):
    stranger = UserFactory()

    with pytest.raises(services.NotCircleMember):
        services.request_role(circle=circle, user=stranger, role=CircleRole.CONTRIBUTOR)
