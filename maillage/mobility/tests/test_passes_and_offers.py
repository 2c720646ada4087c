"""Passes (subscribed by members, granted by coordinators) and host offers."""

import datetime

import pytest

from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.mobility import services
from maillage.mobility.models import HostOffer, MobilityReason, Pass, SchemeModel
from maillage.mobility.tests.conftest import make_scheme


def test_subscribing_posts_the_month_fee_to_the_network_pool(bob_pass, network_a, bob):
    fee = Transfer.objects.get()
    assert fee.reason == MobilityReason.PASS_FEE
    assert fee.cause == bob_pass
    assert fee.debit == ledger.member_account(network=network_a, user=bob)
    assert fee.credit == ledger.pool_account(network=network_a)
    assert fee.amount_cents == 4000


def test_under_retrocession_the_fee_goes_to_the_home_place(bob, place, membership, network_a):
    scheme = make_scheme(network_a, SchemeModel.RETROCESSION)
    services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
    assert Transfer.objects.get().credit == ledger.place_account(network=network_a, place=place)


def test_only_members_of_a_place_subscribe(alice, place, membership, scheme):
    with pytest.raises(services.NotAMember, match="membres d'un lieu"):
        services.subscribe_pass(user=alice, scheme=scheme, home_place=place)
    assert not Pass.objects.exists()


def test_the_home_place_must_belong_to_the_schemes_network(bob, place, network_b):
    scheme = make_scheme(network_b)
    with pytest.raises(services.PlaceOutsideNetwork, match="n'est pas adhérent"):
        services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
    assert not Transfer.objects.exists()


def test_one_active_pass_per_scheme(bob_pass, bob, place, scheme):
    with pytest.raises(services.PassAlreadyHeld, match="déjà un pass actif"):
        services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
    assert Pass.objects.count() == 1 and Transfer.objects.count() == 1


def test_a_granted_pass_costs_nothing(dora, alice, place, membership, scheme):
    granted = services.grant_pass(by=dora, scheme=scheme, holder=alice, home_place=place)
    assert granted.granted_by == dora
    assert not Transfer.objects.exists()


def test_a_host_offer_is_saved_with_its_closed_dates(other_place, charlie, tuesday):
    offer = services.save_host_offer(
        place=other_place,
        by=charlie,
        desks=[2, 2, 2, 2, 2, 0, 0],
        closed_dates=[tuesday],
        half_days_allowed=False,
        instructions="Sonnez deux fois.",
        approval_required=True,
        approval_hours=24,
        is_active=True,
    )
    assert offer.desks_on(tuesday) == 0
    assert offer.desks_on(tuesday + datetime.timedelta(days=1)) == 2


@pytest.mark.parametrize(
    ("desks", "hours", "message"),
    [
        ([2] * 6, 24, "chaque jour"),
        ([-1] + [2] * 6, 24, "chaque jour"),
        ([2] * 7, 0, "délai de validation"),
    ],
)
def test_bad_offers_are_refused_in_french(other_place, charlie, desks, hours, message):
    with pytest.raises(services.InvalidOffer, match=message):
        services.save_host_offer(
            place=other_place,
            by=charlie,
            desks=desks,
            closed_dates=[],
            half_days_allowed=True,
            instructions="",
            approval_required=True,
            approval_hours=hours,
            is_active=True,
        )
    assert not HostOffer.objects.exists()


def test_granting_to_a_stranger_of_the_place_names_the_place_in_good_french(
    dora, alice, other_place, host_membership, scheme
):
    with pytest.raises(services.NotAMember) as error:
        services.grant_pass(by=dora, scheme=scheme, holder=alice, home_place=other_place)
    assert error.value.message == "Cette personne n'est ni membre ni gestionnaire du Hangar."
