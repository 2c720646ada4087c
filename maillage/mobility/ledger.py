"""The double-entry ledger: accounts, immutable transfers with idempotency keys, balances.

Every movement of money is one `Transfer` from a debit account to a credit account. A balance is
sum(credits) - sum(debits); each transfer adds to one account what it takes from another, so the
balances of all accounts always sum to zero. Corrections are reversing transfers, never edits.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles.models import Circle, Decision, Envelope, Expense
from maillage.mobility.models import Account, Booking, Pass, Transfer
from maillage.networks.models import Network
from maillage.places.models import Place

# Far above any real movement of a tiers-lieu network: 1 million euros.
MAX_AMOUNT_CENTS = 100_000_000


class LedgerError(Exception):
    """A rule of the ledger refused the transfer; `message` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidAmount(LedgerError):
    pass


class SameAccount(LedgerError):
    pass


class IdempotencyConflict(LedgerError):
    """The idempotency key was already used for a different transfer."""


class AlreadyReversed(LedgerError):
    pass


# --- accounts ---------------------------------------------------------------------------------


def _account(**lookup: object) -> Account:
    try:
        with transaction.atomic():
            account, _created = Account.objects.get_or_create(**lookup)
    except IntegrityError:
        # Another request created it between our read and our insert.
        account = Account.objects.get(**lookup)
    return account


def pool_account(*, network: Network) -> Account:
    """Return (creating it once) the network's pool account."""
    return _account(network=network, kind=Account.Kind.POOL)


def place_account(*, network: Network, place: Place) -> Account:
    """Return (creating it once) the account of a place in a network."""
    return _account(network=network, kind=Account.Kind.PLACE, place=place)


def member_account(*, network: Network, user: User) -> Account:
    """Return (creating it once) the account of a member in a network."""
    return _account(network=network, kind=Account.Kind.MEMBER, user=user)


def circle_account(*, circle: Circle) -> Account:
    """Return (creating it once) the account of a territorial circle."""
    return _account(network=circle.network, kind=Account.Kind.CIRCLE, circle=circle)


def funder_account(*, network: Network, name: str) -> Account:
    """Return (creating it once) the account of a funder, one per network and funder name."""
    return _account(network=network, kind=Account.Kind.FUNDER, label=name.strip()[:200])


def external_account(*, network: Network, name: str) -> Account:
    """Return (creating it once) the account of an outside party (a provider), by name."""
    return _account(network=network, kind=Account.Kind.EXTERNAL, label=name.strip()[:200])


# --- transfers --------------------------------------------------------------------------------


def _same_content(transfer: Transfer, **content: object) -> bool:
    return all(getattr(transfer, field) == value for field, value in content.items())


def post_transfer(
    *,
    debit: Account,
    credit: Account,
    amount_cents: int,
    reason: str,
    idempotency_key: str,
    memo: str = "",
    booking: Booking | None = None,
    pass_fee: Pass | None = None,
    reverses: Transfer | None = None,
    envelope: Envelope | None = None,
    decision: Decision | None = None,
    expense: Expense | None = None,
    by: User | None = None,
) -> Transfer:
    """Post one transfer, or return the one already posted with this key.

    Raise InvalidAmount, SameAccount, or IdempotencyConflict when the key was used for a
    different transfer.
    """
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        raise InvalidAmount(_("Le montant d'un virement doit être un nombre positif de centimes."))
    if amount_cents > MAX_AMOUNT_CENTS:
        raise InvalidAmount(_("Ce montant est hors de proportion : virement refusé."))
    if debit.pk == credit.pk:
        raise SameAccount(_("Un virement doit aller d'un compte à un autre."))
    if not idempotency_key:
        raise LedgerError(_("Un virement doit porter une clé d'idempotence."))
    content = {
        "debit_id": debit.pk,
        "credit_id": credit.pk,
        "amount_cents": amount_cents,
        "reason": reason,
        "booking_id": booking.pk if booking else None,
        "pass_fee_id": pass_fee.pk if pass_fee else None,
        "reverses_id": reverses.pk if reverses else None,
        "envelope_id": envelope.pk if envelope else None,
        "decision_id": decision.pk if decision else None,
        "expense_id": expense.pk if expense else None,
    }
    with transaction.atomic():
        # Lock both accounts, in a fixed order so two transfers between the same accounts in
        # opposite directions cannot deadlock; the lock also serialises two requests with the
        # same key (the second one finds the first one's transfer).
        locked = {
            a.pk: a
            for a in Account.objects.select_for_update().filter(pk__in=[debit.pk, credit.pk])
        }
        existing = Transfer.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if _same_content(existing, **content):
                return existing
            raise IdempotencyConflict(
                _("Cette clé d'idempotence a déjà servi pour un autre virement.")
            )
        transfer = Transfer.objects.create(
            idempotency_key=idempotency_key, memo=memo[:250], created_by=by, **content
        )
        # Keep the cached balances true in the same transaction as the transfer.
        locked[debit.pk].balance_cents -= amount_cents
        locked[debit.pk].save(update_fields=["balance_cents"])
        locked[credit.pk].balance_cents += amount_cents
        locked[credit.pk].save(update_fields=["balance_cents"])
    return transfer


def reverse_transfer(
    *, transfer: Transfer, idempotency_key: str, memo: str = "", by: User | None = None
) -> Transfer:
    """Post the transfer that cancels `transfer` (credit → debit); raise AlreadyReversed."""
    if transfer.reverses_id is not None:
        raise AlreadyReversed(_("Une contrepassation ne se contrepasse pas : passez un virement."))
    existing = Transfer.objects.filter(reverses=transfer).first()
    if existing is not None and existing.idempotency_key != idempotency_key:
        raise AlreadyReversed(_("Ce virement a déjà été contrepassé."))
    try:
        return post_transfer(
            debit=transfer.credit,
            credit=transfer.debit,
            amount_cents=transfer.amount_cents,
            reason=Transfer.Reason.REVERSAL,
            idempotency_key=idempotency_key,
            memo=memo or _("Contrepassation du virement n° %(pk)s") % {"pk": transfer.pk},
            booking=transfer.booking,
            pass_fee=transfer.pass_fee,
            reverses=transfer,
            envelope=transfer.envelope,
            decision=transfer.decision,
            expense=transfer.expense,
            by=by,
        )
    except IntegrityError as exc:
        # A concurrent reversal with another key won the one-to-one `reverses`.
        raise AlreadyReversed(_("Ce virement a déjà été contrepassé.")) from exc


# --- balances ---------------------------------------------------------------------------------


def balance(account: Account) -> int:
    """The balance derived from the transfers: sum of credits minus sum of debits, in cents."""
    credits = account.credits.aggregate(total=Sum("amount_cents"))["total"] or 0
    debits = account.debits.aggregate(total=Sum("amount_cents"))["total"] or 0
    return credits - debits


def derived_balances() -> dict[int, int]:
    """Every account's balance recomputed from the transfers, in two grouped queries."""
    balances: dict[int, int] = dict.fromkeys(Account.objects.values_list("pk", flat=True), 0)
    for pk, total in Transfer.objects.values_list("credit_id").annotate(t=Sum("amount_cents")):
        balances[pk] = balances.get(pk, 0) + total
    for pk, total in Transfer.objects.values_list("debit_id").annotate(t=Sum("amount_cents")):
        balances[pk] = balances.get(pk, 0) - total
    return balances


@dataclass(frozen=True)
class LedgerReport:
    accounts: int
    transfers: int
    total_cents: int
    mismatches: list[tuple[int, int, int]]  # (account id, cached, derived)

    @property
    def ok(self) -> bool:
        return self.total_cents == 0 and not self.mismatches


def check_ledger() -> LedgerReport:
    """Recompute every balance from the transfers and compare it with the cached one."""
    derived = derived_balances()
    cached = dict(Account.objects.values_list("pk", "balance_cents"))
    mismatches = [
        (pk, cached.get(pk, 0), value)
        for pk, value in sorted(derived.items())
        if cached.get(pk, 0) != value
    ]
    return LedgerReport(
        accounts=len(cached),
        transfers=Transfer.objects.count(),
        total_cents=sum(derived.values()),
        mismatches=mismatches,
    )
