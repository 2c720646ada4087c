"""Role requests: one pending at a time, never for the role held, withdrawn by their author."""

import pytest

from maillage.circles import services
from maillage.circles.models import CircleRole, RoleRequest
from maillage.circles.selectors import current_role

pytestmark = pytest.mark.django_db


def test_a_member_leaves_and_their_pending_request_is_withdrawn(circle, participant):
    request = services.request_role(circle=circle, user=participant, role=CircleRole.CONTRIBUTOR)

    services.leave_circle(circle=circle, user=participant)

    request.refresh_from_db()
    assert request.status == RoleRequest.Status.WITHDRAWN
    assert current_role(user=participant, circle=circle) is None


def test_asking_for_the_role_you_hold_is_refused(circle, participant):
    with pytest.raises(services.SameRole, match="déjà Participant·e"):
        services.request_role(circle=circle, user=participant, role=CircleRole.PARTICIPANT)

    assert not RoleRequest.objects.exists()


def test_one_pending_request_at_a_time(circle, participant, steward):
    services.request_role(circle=circle, user=participant, role=CircleRole.CONTRIBUTOR)

    with pytest.raises(services.PendingRequestExists, match="déjà une demande"):
        services.request_role(circle=circle, user=participant, role=CircleRole.STEWARD)

    assert RoleRequest.objects.filter(user=participant).count() == 1
    assert steward.notifications.filter(topic="circles.role_request").count() == 1


def test_only_the_requester_withdraws_their_request(circle, participant, contributor):
    request = services.request_role(circle=circle, user=participant, role=CircleRole.STEWARD)

    with pytest.raises(services.NotAllowed):
        services.withdraw_role_request(request=request, by=contributor)
    services.withdraw_role_request(request=request, by=participant)

    request.refresh_from_db()
    assert request.status == RoleRequest.Status.WITHDRAWN
    with pytest.raises(services.RequestNotPending):
        services.withdraw_role_request(request=request, by=participant)
