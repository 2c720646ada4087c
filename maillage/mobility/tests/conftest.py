"""Mobility fixtures: Le Hangar (Charlie's place) hosts visitors of network A; Bob, member of La
Bobine, holds a pass of network A's "Pass Hauts-de-France" (pass model: 40 € a month, 4 days a
month, the network pays the host 12 € a day, 7 € a half day)."""

import datetime

import pytest
from django.utils import timezone

from maillage.mobility import services
from maillage.mobility.models import SchemeModel
from maillage.mobility.tests.factories import (
    HostOfferFactory,
    SchemeFactory,
    SchemeVersionFactory,
)
from maillage.networks.models import Membership, MembershipStatus


def next_weekday(weekday: int, *, after: datetime.date | None = None) -> datetime.date:
    """The next date (strictly after `after`, today by default) falling on `weekday` (0 = Monday)."""
    start = after or timezone.localdate()
    days = (weekday - start.weekday() - 1) % 7 + 1
    return start + datetime.timedelta(days=days)


@pytest.fixture
def host_membership(network_a, other_place, charlie, dora):
    now = timezone.now()
    return Membership.objects.create(
        network=network_a,
        place=other_place,
        status=MembershipStatus.ACCEPTED,
        applied_by=charlie,
        charter_accepted_at=now,
        charter_accepted_by=charlie,
        decided_at=now,
        decided_by=dora,
    )


@pytest.fixture
def offer(other_place, host_membership):
    """Le Hangar: 3 desks Monday to Friday, half days allowed, auto-confirmed."""
    return HostOfferFactory(place=other_place)


def make_scheme(network, model=SchemeModel.PASS, **terms):
    scheme = SchemeFactory(network=network, model=model, name=f"Formule {model}")
    SchemeVersionFactory(scheme=scheme, **terms)
    return scheme


@pytest.fixture
def scheme(network_a):
    return make_scheme(network_a)


@pytest.fixture
def bob_pass(bob, place, membership, scheme):
    return services.subscribe_pass(user=bob, scheme=scheme, home_place=place)


@pytest.fixture
def tuesday():
    return next_weekday(1)
