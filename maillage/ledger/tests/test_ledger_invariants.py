"""The ledger: balances sum to zero, transfers are immutable, keys make replays harmless."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from maillage.ledger import selectors as ledger_selectors
from maillage.ledger import services as ledger
from maillage.ledger.models import Account, AccountKind, ImmutableTransfer, Transfer, TransferReason


@pytest.fixture
def accounts(network_a, place, bob):
    return (
        ledger.pool_account(network=network_a),
        ledger.place_account(network=network_a, place=place),
        ledger.member_account(network=network_a, user=bob),
    )


def post(debit, credit, amount, key):
    return ledger.post_transfer(
        debit=debit,
        credit=credit,
        amount_cents=amount,
        reason=TransferReason.ADJUSTMENT,
        idempotency_key=key,
    )


def total():
    return sum(ledger_selectors.balance(a) for a in Account.objects.all())


def test_balances_sum_to_zero_and_caches_agree(accounts):
    pool, place, member = accounts
    post(member, pool, 4000, "a")
    post(pool, place, 1200, "b")
    post(member, place, 350, "c")
    # member: -4000 - 350 = -4350; pool: 4000 - 1200 = 2800; place: 1200 + 350 = 1550.
    assert [ledger_selectors.balance(a) for a in accounts] == [2800, 1550, -4350]
    assert total() == 0
    assert [a.balance_cents for a in Account.objects.order_by("pk")] == [2800, 1550, -4350]
    assert ledger_selectors.check_ledger().ok


def test_replaying_a_key_returns_the_first_transfer_and_changes_nothing(accounts):
    pool, _place, member = accounts
    first = post(member, pool, 4000, "fee-1")
    again = post(member, pool, 4000, "fee-1")
    assert again.pk == first.pk
    assert Transfer.objects.count() == 1
    assert ledger_selectors.balance(pool) == 4000


def test_same_key_with_other_content_is_a_conflict(accounts):
    pool, _place, member = accounts
    post(member, pool, 4000, "fee-1")
    with pytest.raises(ledger.IdempotencyConflict, match="déjà servi"):
        post(member, pool, 5000, "fee-1")
    assert Transfer.objects.count() == 1


def test_a_transfer_cannot_be_changed_or_deleted(accounts):
    pool, _place, member = accounts
    transfer = post(member, pool, 4000, "fee-1")
    transfer.amount_cents = 1
    with pytest.raises(ImmutableTransfer):
        transfer.save()
    with pytest.raises(ImmutableTransfer):
        transfer.delete()
    with pytest.raises(ImmutableTransfer):
        Transfer.objects.filter(pk=transfer.pk).update(amount_cents=1)
    with pytest.raises(ImmutableTransfer):
        Transfer.objects.all().delete()
    assert Transfer.objects.get().amount_cents == 4000


@pytest.mark.parametrize(
    ("amount", "message"),
    [(0, "positif"), (-500, "positif"), (10**12, "hors de proportion"), (12.5, "positif")],
)
def test_bad_amounts_are_refused_in_french(accounts, amount, message):
    pool, _place, member = accounts
    with pytest.raises(ledger.InvalidAmount, match=message):
        post(member, pool, amount, "k")
    assert not Transfer.objects.exists()


def test_a_transfer_needs_two_accounts(accounts):
    pool, _place, _member = accounts
    with pytest.raises(ledger.SameAccount, match="d'un compte à un autre"):
        post(pool, pool, 100, "k")


def test_the_database_refuses_a_non_positive_amount(accounts):
    pool, place, _member = accounts
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.bulk_create(
            [
                Transfer(
                    debit=pool,
                    credit=place,
                    amount_cents=0,
                    reason="adjustment",
                    idempotency_key="x",
                )
            ]
        )


def test_reversal_cancels_a_transfer_once(accounts):
    pool, place, _member = accounts
    transfer = post(pool, place, 1200, "pay")
    reversal = ledger.reverse_transfer(transfer=transfer, idempotency_key="rev")
    assert (reversal.debit, reversal.credit, reversal.reverses) == (place, pool, transfer)
    assert ledger_selectors.balance(pool) == ledger_selectors.balance(place) == 0
    assert ledger.reverse_transfer(transfer=transfer, idempotency_key="rev").pk == reversal.pk
    with pytest.raises(ledger.AlreadyReversed, match="déjà été contrepassé"):
        ledger.reverse_transfer(transfer=transfer, idempotency_key="rev-2")
    with pytest.raises(ledger.AlreadyReversed):
        ledger.reverse_transfer(transfer=reversal, idempotency_key="rev-3")
    assert total() == 0


def test_ledger_check_passes_on_a_sound_ledger_and_fails_on_a_tampered_cache(accounts, capsys):
    pool, place, member = accounts
    post(member, pool, 4000, "a")
    call_command("ledger_check")
    assert "équilibré" in capsys.readouterr().out
    Account.objects.filter(pk=place.pk).update(balance_cents=99)
    with pytest.raises(SystemExit) as exit_info:
        call_command("ledger_check")
    assert exit_info.value.code == 1
    assert "recalculé" in capsys.readouterr().err


def test_one_account_per_owner_per_network(network_a, network_b, place):
    first = ledger.place_account(network=network_a, place=place)
    assert ledger.place_account(network=network_a, place=place) == first
    assert ledger.place_account(network=network_b, place=place) != first
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(network=network_a, kind=AccountKind.PLACE, owner=place)
