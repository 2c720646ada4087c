"""Reads of the ledger: balances recomputed from the transfers, the ledger check, citations."""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Sum

from maillage.ledger import registry
from maillage.ledger.models import Account, Transfer, TransferQuerySet


def balance(account: Account) -> int:
    """The balance derived from the transfers: sum of credits minus sum of debits, in cents."""
    credits = account.credits.aggregate(total=Sum("amount_cents"))["total"] or 0
    debits = account.debits.aggregate(total=Sum("amount_cents"))["total"] or 0
    return credits - debits


def derived_balances() -> dict[int, int]:
    """Every account's balance recomputed from the transfers, in three grouped queries."""
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
    # What the clients' registered checks found between their records and the ledger.
    client_issues: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.total_cents == 0 and not self.mismatches and not self.client_issues


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
        client_issues=[issue for check in registry.client_checks() for issue in check()],
    )


def transfers_caused_by(cause: models.Model) -> TransferQuerySet:
    """The transfers citing `cause` (a booking, an expense…), oldest first."""
    return Transfer.objects.caused_by(cause).order_by("created_at", "pk")


def account_owned_by(*, owner: models.Model, kind: str) -> Account | None:
    """The account of kind `kind` that `owner` holds, if any (None before its first transfer)."""
    return Account.objects.owned_by(owner).of_kind(kind).first()
