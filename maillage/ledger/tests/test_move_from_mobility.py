"""Moving the ledger out of mobility loses nothing: same accounts, balances and citations, and
`ledger_check` says the same before and after — on SQLite and on PostgreSQL (CI runs both)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from maillage.circles import budget_services
from maillage.circles.models import Expense
from maillage.circles.tests.transparency_builders import money_story
from maillage.ledger.models import Account, Transfer
from maillage.ledger.selectors import check_ledger
from maillage.mobility import booking as mobility_booking
from maillage.mobility import services as mobility

# Many seconds each: skipped by `make test-fast`, run by `make test` and CI.
pytestmark = pytest.mark.slow

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
BEFORE = [("mobility", "0004_settlement_indexes"), ("ledger", None)]
LATEST = [("mobility", "0005_ledger_moved_out"), ("ledger", "0002_move_from_mobility")]
CITATIONS = {
    "mobility.booking": "booking_id",
    "mobility.pass": "pass_fee_id",
    "circles.envelope": "envelope_id",
    "circles.expense": "expense_id",
}
OWNERS = {"places.place": "place_id", "accounts.user": "user_id", "circles.circle": "circle_id"}


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def old_ledger() -> dict:
    """The mobility tables as the old code read them: rows, cached and derived balances."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, network_id, kind, place_id, user_id, circle_id, label, balance_cents "
            "FROM mobility_account ORDER BY id"
        )
        accounts = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT id, debit_id, credit_id, amount_cents, reason, booking_id, pass_fee_id, "
            "envelope_id, expense_id, decision_id, reverses_id, idempotency_key, created_at "
            "FROM mobility_transfer ORDER BY id"
        )
        transfers = {row[0]: row[1:] for row in cursor.fetchall()}
    derived = dict.fromkeys(accounts, 0)
    for debit, credit, amount, *_rest in transfers.values():
        derived[debit] -= amount
        derived[credit] += amount
    return {"accounts": accounts, "transfers": transfers, "derived": derived}


def as_old_rows() -> dict:
    """The new tables written back in the old shape, to compare row by row."""
    accounts = {}
    for a in Account.objects.select_related("owner_type").order_by("pk"):
        owner = dict.fromkeys(OWNERS.values())
        if a.owner_type is not None:
            owner[OWNERS[f"{a.owner_type.app_label}.{a.owner_type.model}"]] = a.owner_id
        accounts[a.pk] = (
            a.network_id,
            a.kind,
            owner["place_id"],
            owner["user_id"],
            owner["circle_id"],
            a.label,
            a.balance_cents,
        )
    transfers = {}
    for t in Transfer.objects.select_related("cause_type").order_by("pk"):
        cause = dict.fromkeys(CITATIONS.values())
        if t.cause_type is not None:
            cause[CITATIONS[f"{t.cause_type.app_label}.{t.cause_type.model}"]] = t.cause_id
        transfers[t.pk] = (
            t.debit_id,
            t.credit_id,
            t.amount_cents,
            t.reason,
            cause["booking_id"],
            cause["pass_fee_id"],
            cause["envelope_id"],
            cause["expense_id"],
            t.authority_id,
            t.reverses_id,
            t.idempotency_key,
        )
    return {"accounts": accounts, "transfers": transfers}


@pytest.fixture
def history(
    circle, action, participant, contributor, steward, place, bob, membership, scheme, offer,
    other_place, charlie,
):  # fmt: skip
    """Every kind of citation: a circle's envelopes, grants, payments and a reversal; a pass's
    fee, a checked-in visit and its reversal."""
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=PARIS), tick=False):
        money_story(circle, action, participant, contributor, steward, place)
        paid = Expense.objects.filter(status=Expense.Status.PAID).order_by("pk").first()
        budget_services.reverse_expense_payment(expense=paid, by=steward, reason="Doublon")
        pass_ = mobility.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        visit = mobility_booking.book_visit(
            pass_=pass_, place=other_place, day=datetime.date(2026, 3, 3), idempotency_key="v"
        )
        mobility_booking.check_in(booking=visit, by=charlie)
    from maillage.ledger import services as ledger

    ledger.reverse_transfer(transfer=Transfer.objects.caused_by(visit).get(), idempotency_key="r")
    return visit


@pytest.mark.django_db(transaction=True)
def test_moving_the_ledger_keeps_every_row_balance_and_citation(history):
    report = check_ledger()
    assert report.ok and report.transfers >= 8
    new_rows = as_old_rows()
    kinds = {row[1] for row in new_rows["accounts"].values()}
    assert {"pool", "place", "member", "funder", "circle"} <= kinds
    try:
        migrate(BEFORE)  # back to mobility's tables (the reverse copy)
        old = old_ledger()
        # The old shape holds exactly the same rows…
        assert old["accounts"] == new_rows["accounts"]
        assert {pk: row[:-1] for pk, row in old["transfers"].items()} == new_rows["transfers"]
        # … and the old check would have said the same: caches equal the transfers, sum 0.
        assert {pk: row[-1] for pk, row in old["accounts"].items()} == old["derived"]
        assert sum(old["derived"].values()) == 0
    finally:
        migrate(LATEST)  # forward again: mobility's rows copied into the ledger app
    after = check_ledger()
    assert (after.accounts, after.transfers, after.total_cents, after.mismatches) == (
        report.accounts,
        report.transfers,
        report.total_cents,
        report.mismatches,
    )
    assert as_old_rows() == new_rows
    # New rows get fresh ids after the copied ones (sequences reset on PostgreSQL).
    from maillage.ledger import services as ledger

    pool = ledger.pool_account(network=history.member_pass.scheme.network)
    extra = ledger.external_account(network=pool.network, name="Nouveau prestataire")
    assert extra.pk > max(new_rows["accounts"])
    moved = ledger.post_transfer(
        debit=pool, credit=extra, amount_cents=100, reason="adjustment", idempotency_key="new"
    )
    assert moved.pk > max(new_rows["transfers"])
    assert check_ledger().ok
