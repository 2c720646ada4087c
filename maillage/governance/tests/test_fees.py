"""Fee schedules, calls, payments through the ledger, refunds by counter-entry, lapse."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from maillage.governance import fees
from maillage.governance.models import FeeBasis, FeeCall, FeePayment, FeeReason
from maillage.governance.selectors import is_up_to_date, voting_places
from maillage.governance.tests.factories import accept, pay, schedule
from maillage.ledger.models import Transfer
from maillage.ledger.selectors import check_ledger
from maillage.networks.models import MembershipStatus
from maillage.notifications.models import Notification
from maillage.places.models import PlaceType


def test_a_flat_fee_follows_the_type_of_place(dora, network_a):
    s = schedule(by=dora, network=network_a, brackets="fablab: 120\ncoworking: 80\n*: 50")
    assert fees.compute_fee(schedule=s, place_types=["fablab"]).amount_cents == 12000
    assert fees.compute_fee(schedule=s, place_types=["cafe", "coworking"]).amount_cents == 8000
    assert fees.compute_fee(schedule=s, place_types=["cafe"]).amount_cents == 5000


@pytest.mark.parametrize(
    ("declared", "cents"),
    [(0, 3000), (49_999, 3000), (50_000, 9000), (199_999, 9000), (200_000, 25000), (10**9, 25000)],
)
def test_a_budget_fee_takes_the_bracket_holding_the_declared_budget(
    dora, network_a, declared, cents
):
    s = schedule(
        by=dora,
        network=network_a,
        basis=FeeBasis.BUDGET,
        brackets="0-50000: 30\n50000-200000: 90\n200000+: 250",
    )
    assert (
        fees.compute_fee(schedule=s, place_types=[], declared_value=declared).amount_cents == cents
    )


def test_a_size_fee_takes_the_bracket_of_the_staff(dora, network_a):
    s = schedule(by=dora, network=network_a, basis=FeeBasis.SIZE, brackets="0-3: 40\n3+: 100")
    assert fees.compute_fee(schedule=s, place_types=[], declared_value=2).amount_cents == 4000
    assert fees.compute_fee(schedule=s, place_types=[], declared_value=3).amount_cents == 10000


def test_brackets_with_a_gap_are_refused_and_nothing_is_created(dora, network_a):
    with pytest.raises(fees.InvalidSchedule, match="sans trou"):
        schedule(by=dora, network=network_a, basis=FeeBasis.SIZE, brackets="0-3: 40\n5+: 100")
    assert not network_a.fee_schedules.exists()


def test_prix_libre_takes_the_choice_above_the_minimum_and_refuses_below(dora, network_a):
    s = schedule(
        by=dora,
        network=network_a,
        basis=FeeBasis.FREE,
        brackets="",
        free_minimum_cents=2000,
        free_suggested_cents=6000,
    )
    assert fees.compute_fee(schedule=s, place_types=[]).amount_cents == 6000
    assert fees.compute_fee(schedule=s, place_types=[], chosen_cents=2000).amount_cents == 2000
    assert fees.compute_fee(schedule=s, place_types=[], chosen_cents=15000).amount_cents == 15000
    with pytest.raises(fees.InvalidAmount, match="20"):
        fees.compute_fee(schedule=s, place_types=[], chosen_cents=1999)


def test_calls_go_to_every_member_place_and_notify_its_managers(dora, network_a, membership, alice):
    s = schedule(by=dora, network=network_a, brackets="coworking: 80\n*: 50")
    assert fees.call_fees(by=dora, schedule=s) == 1
    call = FeeCall.objects.get()
    assert (call.place, call.amount_cents) == (membership.place, 8000)
    assert Notification.objects.filter(user=alice, topic="governance.fee").exists()
    # Calling again calls nobody twice.
    assert fees.call_fees(by=dora, schedule=s) == 0


def test_only_the_treasury_calls_fees(alice, network_a, dora, membership, tess):
    s = schedule(by=dora, network=network_a)
    with pytest.raises(fees.NotAllowed):
        fees.call_fees(by=alice, schedule=s)
    assert fees.call_fees(by=tess, schedule=s) == 1


def test_a_payment_posts_fee_and_donation_to_the_ledger(dora, network_a, membership, tess):
    s = schedule(by=dora, network=network_a, brackets="*: 50")
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    payment = pay(by=tess, call=call, cents=8000, method="cheque", reference="CHQ 1234")
    assert (payment.fee_cents, payment.donation_cents) == (5000, 3000)
    call.refresh_from_db()
    assert call.status == FeeCall.Status.PAID
    moves = Transfer.objects.caused_by(payment)
    assert sorted((t.reason, t.amount_cents) for t in moves) == [("donation", 3000), ("fee", 5000)]
    assert check_ledger().ok


def test_a_payment_in_another_networks_name_is_refused(
    dora, network_a, network_b, membership, tess
):
    s = schedule(by=dora, network=network_a)
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    with pytest.raises(fees.WrongNetwork, match="Réseau A"):
        fees.record_payment(
            by=tess,
            call=call,
            network=network_b,
            data=fees.PaymentData(amount_cents=5000, method="cash"),
        )
    assert not FeePayment.objects.exists() and not Transfer.objects.exists()


def test_the_same_reference_twice_is_refused(dora, network_a, membership, tess):
    s = schedule(by=dora, network=network_a)
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    pay(by=tess, call=call, cents=2000, reference="VIR-1")
    with pytest.raises(fees.DuplicateReference):
        pay(by=tess, call=call, cents=3000, reference="VIR-1")
    assert FeePayment.objects.count() == 1


def test_a_refund_is_a_counter_entry_and_the_payment_keeps_its_amounts(
    dora, network_a, membership, tess
):
    s = schedule(by=dora, network=network_a)
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    payment = pay(by=tess, call=call, cents=5000)
    fees.refund_payment(by=tess, payment=payment, reason="Payé deux fois")
    payment.refresh_from_db()
    assert payment.fee_cents == 5000 and payment.refunded_at is not None
    reversal = Transfer.objects.get(reverses__isnull=False)
    assert reversal.amount_cents == 5000 and reversal.reason == "reversal"
    call.refresh_from_db()
    assert call.status != FeeCall.Status.PAID
    with pytest.raises(fees.AlreadyRefunded):
        fees.refund_payment(by=tess, payment=payment, reason="encore")
    assert check_ledger().ok


def test_a_paid_fee_cannot_be_declared_again(dora, network_a, membership, alice, tess):
    s = schedule(
        by=dora, network=network_a, basis=FeeBasis.BUDGET, brackets="0-1000: 30\n1000+: 90"
    )
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get()
    fees.declare_for_call(by=alice, call=call, declared_value=5000)
    assert call.amount_cents == 9000
    pay(by=tess, call=call, cents=9000)
    with pytest.raises(fees.AlreadyPaid):
        fees.declare_for_call(by=alice, call=call, declared_value=10)
    call.refresh_from_db()
    assert call.amount_cents == 9000


def test_unpaid_after_grace_lapses_and_paying_reinstates(dora, network_a, membership, alice, tess):
    year = timezone.localdate().year
    with time_machine.travel(datetime.datetime(year, 1, 5, 9, tzinfo=datetime.UTC), tick=False):
        s = schedule(by=dora, network=network_a, year=year, due_days=30, grace_days=60)
        fees.call_fees(by=dora, schedule=s)
        call = FeeCall.objects.get()
        assert call.due_on == datetime.date(year, 2, 4)
        assert is_up_to_date(network=network_a, place=membership.place)
    # 15 days after the due date: one reminder, the call is late.
    with time_machine.travel(datetime.datetime(year, 2, 19, 9, tzinfo=datetime.UTC), tick=False):
        report = fees.fees_tick()
        assert report.reminded_after == 1
        assert fees.fees_tick().reminded_after == 0
        call.refresh_from_db()
        assert call.status == FeeCall.Status.LATE
        assert not is_up_to_date(network=network_a, place=membership.place)
        assert voting_places(network=network_a) == []
    # Grace period over: the membership is suspended through the networks' workflow.
    with time_machine.travel(datetime.datetime(year, 4, 6, 9, tzinfo=datetime.UTC), tick=False):
        assert fees.fees_tick().lapsed == 1
        membership.refresh_from_db()
        assert membership.status == MembershipStatus.SUSPENDED
        assert "impayée" in membership.events.last().note
        assert fees.fees_tick().lapsed == 0
    # Paying reinstates.
    with time_machine.travel(datetime.datetime(year, 4, 10, 9, tzinfo=datetime.UTC), tick=False):
        pay(by=tess, call=call, cents=5000)
        membership.refresh_from_db()
        assert membership.status == MembershipStatus.ACCEPTED
        call.refresh_from_db()
        assert call.status == FeeCall.Status.PAID
        assert is_up_to_date(network=network_a, place=membership.place)


def test_renewal_reminder_thirty_days_before_the_end(dora, network_a, membership, tess, alice):
    year = timezone.localdate().year
    with time_machine.travel(datetime.datetime(year, 1, 5, 9, tzinfo=datetime.UTC), tick=False):
        s = schedule(by=dora, network=network_a, year=year)
        fees.call_fees(by=dora, schedule=s)
        pay(by=tess, call=FeeCall.objects.get(), cents=5000)
    with time_machine.travel(datetime.datetime(year, 11, 30, 9, tzinfo=datetime.UTC), tick=False):
        assert fees.fees_tick().reminded_before == 0
    with time_machine.travel(datetime.datetime(year, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert fees.fees_tick().reminded_before == 1
        assert Notification.objects.filter(user=alice, title__contains="se renouvelle").exists()


def test_an_individual_member_pays_their_own_fee(dora, network_a, tess, bob):
    s = schedule(by=dora, network=network_a, individual_cents=1500)
    call = fees.call_individual_fee(by=tess, schedule=s, person=bob)
    payment = pay(by=tess, call=call, cents=1500, method="cash")
    assert Transfer.objects.caused_by(payment).get().reason == FeeReason.FEE


def test_accept_helper_counts_member_places(dora, network_a, other_place, charlie, membership):
    accept(network=network_a, place=other_place, by=dora)
    s = schedule(by=dora, network=network_a)
    assert fees.call_fees(by=dora, schedule=s) == 2
    assert PlaceType.COWORKING in other_place.types
