"""Scenarios: who pays the host for a checked-in visit, under each model (arithmetic in comments).

Terms (factories): 40 € a month, 4 days a month, host day rate 12 €, half day 7 €, rétrocession
25 %, preferential discount 30 %.
"""

import datetime
import zoneinfo

import pytest
import time_machine

from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.ledger.selectors import check_ledger
from maillage.mobility import booking as svc
from maillage.mobility import services
from maillage.mobility.models import MobilityReason, SchemeModel
from maillage.mobility.tests.conftest import make_scheme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TUESDAY = datetime.date(2026, 3, 3)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS), tick=False):
        yield


@pytest.mark.parametrize(
    ("model", "half", "payer", "amount", "reason"),
    [
        # pass: the network pool pays the day rate, 12 €.
        (SchemeModel.PASS, "full", "pool", 1200, MobilityReason.HOST_PAYMENT),
        (SchemeModel.PASS, "am", "pool", 700, MobilityReason.HOST_PAYMENT),
        # rétrocession: 40 € / 4 days = 10 € a day, 25 % of it = 2,50 €; half a day: 1,25 €.
        (SchemeModel.RETROCESSION, "full", "home", 250, MobilityReason.RETROCESSION),
        (SchemeModel.RETROCESSION, "pm", "home", 125, MobilityReason.RETROCESSION),
        # préférentiel: 12 € less 30 % = 8,40 € paid by the member; half a day: 7 € × 70 % = 4,90 €.
        (SchemeModel.PREFERENTIAL, "full", "member", 840, MobilityReason.PREFERENTIAL),
        (SchemeModel.PREFERENTIAL, "am", "member", 490, MobilityReason.PREFERENTIAL),
    ],
)
def test_a_checked_in_visit_pays_the_host(
    bob,
    place,
    membership,
    network_a,
    offer,
    other_place,
    charlie,
    model,
    half,
    payer,
    amount,
    reason,
):
    scheme = make_scheme(network_a, model)
    pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
    visit = svc.book_visit(
        pass_=pass_, place=other_place, day=TUESDAY, half=half, idempotency_key="k"
    )
    svc.check_in(booking=visit, by=charlie)
    svc.check_in(booking=visit, by=charlie)  # a second scan changes nothing
    payment = Transfer.objects.caused_by(visit).get()
    expected_payer = {
        "pool": ledger.pool_account(network=network_a),
        "home": ledger.place_account(network=network_a, place=place),
        "member": ledger.member_account(network=network_a, user=bob),
    }[payer]
    assert (payment.debit, payment.credit) == (
        expected_payer,
        ledger.place_account(network=network_a, place=other_place),
    )
    assert (payment.amount_cents, payment.reason) == (amount, reason)
    assert check_ledger().ok


def test_an_uncharged_no_show_pays_nothing(bob, place, membership, network_a, offer, other_place):
    scheme = make_scheme(network_a, no_show_charged=False)
    pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
    visit = svc.book_visit(pass_=pass_, place=other_place, day=TUESDAY, idempotency_key="k")
    svc.record_no_shows(day=TUESDAY)
    assert not Transfer.objects.caused_by(visit).exists()


def test_the_payment_memo_elides_de_before_the_visitors_name(
    bob, place, membership, network_a, offer, other_place, charlie
):
    bob.display_name = "Aurélien"
    bob.save(update_fields=["display_name"])
    pass_ = services.subscribe_pass(user=bob, scheme=make_scheme(network_a), home_place=place)
    visit = svc.book_visit(pass_=pass_, place=other_place, day=TUESDAY, idempotency_key="k")
    svc.check_in(booking=visit, by=charlie)
    assert Transfer.objects.caused_by(visit).get().memo.startswith("Visite d'Aurélien à ")
