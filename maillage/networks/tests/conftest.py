import pytest

from maillage.networks import services
from maillage.networks.models import Membership, MembershipStatus


@pytest.fixture
def application(other_place, charlie, network_a) -> Membership:
    """Charlie's place `other_place` has just applied to network A."""
    return services.apply_for_membership(
        place=other_place,
        network=network_a,
        by=charlie,
        accept_charter=True,
        motivation="Nous voulons partager notre atelier.",
    )


def make_membership(*, place, network, status: str, by) -> Membership:
    """A membership in the given status, built with the real services."""
    membership = services.apply_for_membership(
        place=place, network=network, by=by, accept_charter=True, motivation=""
    )
    coordinator = network.roles.filter(role="coordinator").first().user
    if status == MembershipStatus.IN_REVIEW:
        services.start_review(membership=membership, by=coordinator)
    elif status == MembershipStatus.ACCEPTED:
        services.accept_membership(membership=membership, by=coordinator)
    elif status == MembershipStatus.REFUSED:
        services.refuse_membership(membership=membership, by=coordinator, reason="Hors territoire.")
    elif status == MembershipStatus.SUSPENDED:
        services.accept_membership(membership=membership, by=coordinator)
        services.suspend_membership(membership=membership, by=coordinator, reason="Impayé.")
    elif status == MembershipStatus.LEFT:
        services.accept_membership(membership=membership, by=coordinator)
        services.leave_network(membership=membership, by=coordinator)
    membership.refresh_from_db()
    return membership
