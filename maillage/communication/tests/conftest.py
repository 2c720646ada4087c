import datetime

import pytest
from django.utils import timezone

from maillage.accounts.tests.factories import UserFactory
from maillage.communication.models import Rota
from maillage.networks.models import Membership, MembershipStatus


@pytest.fixture
def hangar_member(other_place, network_a, charlie, dora):
    """`other_place` (Le Hangar, managed by Charlie) is an accepted member of network A too."""
    now = timezone.now()
    return Membership.objects.create(
        network=network_a,
        place=other_place,
        status=MembershipStatus.ACCEPTED,
        applied_by=charlie,
        decided_at=now,
        decided_by=dora,
    )


@pytest.fixture
def fanny(db):
    """The facilitator (animatrice) of network A."""
    return UserFactory(email="fanny@example.org", display_name="Fanny")


@pytest.fixture
def gael(db):
    """A stand-in."""
    return UserFactory(email="gael@example.org", display_name="Gaël")


@pytest.fixture
def rota(membership, hangar_member, network_a, fanny, dora):
    return Rota.objects.create(
        network=network_a,
        title="Tournée du printemps",
        facilitator=fanny,
        pattern=Rota.Pattern.WEEKLY,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 6, 30),
        cost_cents=1_000_00,
        created_by=dora,
    )
