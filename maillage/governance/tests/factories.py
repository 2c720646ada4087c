import datetime

from django.utils import timezone

from maillage.governance import fees
from maillage.governance.models import FeeBasis
from maillage.networks.models import Membership, MembershipStatus


def schedule(*, by, network, basis=FeeBasis.FLAT, brackets="*: 50", year=None, **extra):
    data = fees.ScheduleData(year=year or timezone.localdate().year, basis=basis, **extra)
    return fees.create_schedule(
        by=by, network=network, data=data, brackets=fees.parse_brackets(brackets)
    )


def accept(*, network, place, by):
    now = timezone.now()
    return Membership.objects.create(
        network=network,
        place=place,
        status=MembershipStatus.ACCEPTED,
        applied_by=by,
        charter_accepted_at=now,
        charter_accepted_by=by,
        charter_text=network.charter,
        decided_at=now,
        decided_by=by,
    )


def pay(*, by, call, cents, method="transfer", reference="", paid_on=None):
    return fees.record_payment(
        by=by,
        call=call,
        data=fees.PaymentData(
            amount_cents=cents,
            method=method,
            reference=reference,
            paid_on=paid_on or datetime.date.today(),
        ),
    )


def member_places_with_managers(*, network, count, by):
    """`count` places accepted in `network`, each with its own manager; returns (place, manager)."""
    from maillage.accounts.tests.factories import UserFactory
    from maillage.places.models import PlaceRole
    from maillage.places.tests.factories import PlaceFactory

    found = []
    for _n in range(count):
        place = PlaceFactory()
        manager = UserFactory()
        PlaceRole.objects.create(place=place, user=manager, role=PlaceRole.Role.MANAGER)
        accept(network=network, place=place, by=by)
        found.append((place, manager))
    return found
