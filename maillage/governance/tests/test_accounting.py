"""The accounting export agrees with the ledger, whatever the payments and refunds."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.governance import accounting, fees
from maillage.governance.models import FeeCall, FeePayment, FeeReason
from maillage.governance.tests.factories import schedule
from maillage.ledger.models import Transfer
from maillage.ledger.selectors import check_ledger
from maillage.ledger.services import pool_account

payments = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=20_000),
        st.sampled_from(["transfer", "cheque", "cash", "online"]),
        st.booleans(),  # refunded afterwards
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=payments)
def test_the_export_agrees_with_the_ledger(
    django_db_blocker, network_a, dora, membership, tess, rows
):
    FeePayment.objects.all()  # the fixtures' database
    s = network_a.fee_schedules.first() or schedule(by=dora, network=network_a, brackets="*: 50")
    fees.call_fees(by=dora, schedule=s)
    call = FeeCall.objects.get(schedule=s)
    before = {t.pk for t in Transfer.objects.all()}
    for amount, method, refund in rows:
        payment = fees.record_payment(
            by=tess,
            call=call,
            data=fees.PaymentData(
                amount_cents=amount, method=method, paid_on=datetime.date(2026, 1, 2)
            ),
        )
        if refund:
            fees.refund_payment(by=tess, payment=payment, reason="test")
    lines = list(accounting.journal(network=network_a))
    # Every entry balances.
    assert sum(line.debit_cents for line in lines) == sum(line.credit_cents for line in lines)
    totals = accounting.account_totals(lines)
    transfers = list(accounting.fee_transfers(network=network_a))
    reasons = {t.pk: t.reason for t in transfers}

    def net(reason: str) -> int:
        total = 0
        for t in transfers:
            original = reasons.get(t.reverses_id) if t.reverses_id else t.reason
            if original == reason:
                total += -t.amount_cents if t.reverses_id else t.amount_cents
        return total

    assert totals.get(accounting.FEES, 0) == net(FeeReason.FEE)
    assert totals.get(accounting.DONATIONS, 0) == net(FeeReason.DONATION)
    # Treasury (512 + 530) moves by what the pool received from the fees.
    pool = pool_account(network=network_a)
    pool_net = sum(t.amount_cents for t in transfers if t.credit_id == pool.pk) - sum(
        t.amount_cents for t in transfers if t.debit_id == pool.pk
    )
    assert -(totals.get(accounting.BANK, 0) + totals.get(accounting.CASH, 0)) == pool_net
    assert totals.get(accounting.THIRD_PARTY, 0) == 0
    assert check_ledger().ok
    assert before <= {t.pk for t in Transfer.objects.all()}
