"""The accounting export: the journal of the fees and donations in the French associative
chart of accounts (règlement ANC 2018-06), read from the ledger.

Each transfer of a fee payment gives two balanced entries, through the member's third-party
account: the fee (or gift) recognised — 411 debit, 756 (cotisations) or 7541 (dons manuels)
credit — and its settlement — 512 (banque) or 53 (caisse) debit, 411 credit. A reversal
(refund) gives the same entries the other way round. Volunteer time, valued, is given once a
year as 864 (personnel bénévole) debit / 875 (bénévolat) credit: contributions volontaires en
nature, outside the result.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from maillage.governance.models import FeePayment, FeeReason, PaymentMethod
from maillage.governance.volunteering import totals_by_year
from maillage.ledger.models import Transfer
from maillage.networks.models import Network

FEES = "756"
DONATIONS = "7541"
THIRD_PARTY = "411"
BANK = "512"
CASH = "530"
VOLUNTEER_USE = "864"
VOLUNTEER_SOURCE = "875"

HEADER = [
    "journal",
    "date",
    "piece",
    "compte",
    "compte_tiers",
    "libelle",
    "debit",
    "credit",
    "moyen",
    "reference",
]


@dataclass(frozen=True)
class Line:
    journal: str
    day: datetime.date
    piece: str
    account: str
    third_party: str
    label: str
    debit_cents: int
    credit_cents: int
    method: str
    reference: str

    def row(self) -> list[object]:
        return [
            self.journal,
            self.day.isoformat(),
            self.piece,
            self.account,
            self.third_party,
            self.label,
            f"{self.debit_cents / 100:.2f}",
            f"{self.credit_cents / 100:.2f}",
            self.method,
            self.reference,
        ]


def fee_transfers(*, network: Network, year: int | None = None) -> QuerySet[Transfer]:
    """The ledger's transfers of the network's fee payments (and their reversals)."""
    payments = FeePayment.objects.filter(call__schedule__network=network)
    rows = Transfer.objects.caused_by_any(payments).order_by("created_at", "pk")
    if year is not None:
        rows = rows.filter(created_at__year=year)
    return rows


def journal(*, network: Network, year: int | None = None) -> Iterator[Line]:
    """The balanced entries of the fees, read from the ledger, in the order they were posted."""
    transfers = list(fee_transfers(network=network, year=year))
    payments = {
        p.pk: p
        for p in FeePayment.objects.filter(pk__in={t.cause_id for t in transfers}).select_related(
            "call__place", "call__person"
        )
    }
    originals = {
        t.pk: t
        for t in Transfer.objects.filter(pk__in={t.reverses_id for t in transfers if t.reverses_id})
    }
    for transfer in transfers:
        payment = payments[transfer.cause_id]  # type: ignore[index]
        refund = transfer.reverses_id is not None
        reason = originals[transfer.reverses_id].reason if refund else transfer.reason  # type: ignore[index]
        product = DONATIONS if reason == FeeReason.DONATION else FEES
        treasury = CASH if payment.method == PaymentMethod.CASH else BANK
        third = f"{THIRD_PARTY}-{payment.call.place_id or 'P' + str(payment.call.person_id)}"
        label = (_("Remboursement %(m)s") % {"m": transfer.memo} if refund else transfer.memo)[:200]
        journal_code = "BQ" if treasury == BANK else "CA"

        def line(
            account: str,
            third_party: str,
            debit: int,
            credit: int,
            transfer: Transfer = transfer,
            payment: FeePayment = payment,
            label: str = label,
            journal_code: str = journal_code,
        ) -> Line:
            return Line(
                journal=journal_code,
                day=transfer.created_at.date(),
                piece=payment.receipt_number,
                account=account,
                third_party=third_party,
                label=label,
                debit_cents=debit,
                credit_cents=credit,
                method=payment.get_method_display(),
                reference=payment.reference,
            )

        amount = transfer.amount_cents
        if not refund:
            yield line(THIRD_PARTY, third, amount, 0)
            yield line(product, "", 0, amount)
            yield line(treasury, "", amount, 0)
            yield line(THIRD_PARTY, third, 0, amount)
        else:
            yield line(product, "", amount, 0)
            yield line(THIRD_PARTY, third, 0, amount)
            yield line(THIRD_PARTY, third, amount, 0)
            yield line(treasury, "", 0, amount)


def volunteer_lines(*, network: Network, year: int | None = None) -> Iterator[Line]:
    for total in totals_by_year(network=network):
        if (year is not None and total.year != year) or not total.value_cents:
            continue
        label = _("Bénévolat valorisé %(y)s : %(h)s h à %(r)s €/h") % {
            "y": total.year,
            "h": f"{total.hours:g}",
            "r": f"{total.hourly_cents / 100:.2f}",
        }
        for account, debit, credit in (
            (VOLUNTEER_USE, total.value_cents, 0),
            (VOLUNTEER_SOURCE, 0, total.value_cents),
        ):
            yield Line(
                journal="OD",
                day=datetime.date(total.year, 12, 31),
                piece=f"CVN-{total.year}",
                account=account,
                third_party="",
                label=label,
                debit_cents=debit,
                credit_cents=credit,
                method="",
                reference="",
            )


def export_rows(*, network: Network, year: int | None = None) -> Iterator[list[object]]:
    for line in journal(network=network, year=year):
        yield line.row()
    for line in volunteer_lines(network=network, year=year):
        yield line.row()


def account_totals(lines: list[Line]) -> dict[str, int]:
    """Net of each account (credit - debit), in cents."""
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.account] = totals.get(line.account, 0) + line.credit_cents - line.debit_cents
    return totals
