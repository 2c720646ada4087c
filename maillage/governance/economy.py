"""The network's economy, read from the ledger and the validated volunteer hours: income by
source, spending, volunteer time valued, and the share of each over the years."""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from maillage.governance.models import FeeReason
from maillage.governance.volunteering import totals_by_year
from maillage.ledger.models import AccountKind, Transfer, TransferReason
from maillage.ledger.registry import reason_label
from maillage.networks.models import Network

# Where income comes from, by the reason of the transfer into the network's pool.
SOURCE_OF_REASON = {
    FeeReason.FEE.value: "fees",
    FeeReason.DONATION.value: "donations",
    "envelope": "grants",
}
SOURCE_LABELS = {
    "fees": _("Cotisations"),
    "donations": _("Dons"),
    "grants": _("Subventions et enveloppes"),
    "services": _("Services et mobilité"),
    "events": _("Événements"),
    "other": _("Autres"),
}


@dataclass
class Year:
    year: int
    income: dict[str, int] = field(default_factory=dict)
    spending_cents: int = 0
    volunteer_cents: int = 0
    volunteer_hours: float = 0.0

    @property
    def income_cents(self) -> int:
        return sum(self.income.values())

    @property
    def whole_cents(self) -> int:
        """Money received plus volunteer time valued: what the network's activity is worth."""
        return self.income_cents + self.volunteer_cents

    def shares(self) -> list[tuple[str, int, float]]:
        whole = self.whole_cents or 1
        rows = [(str(SOURCE_LABELS[k]), v, v / whole) for k, v in sorted(self.income.items())]
        rows.append((_("Bénévolat valorisé"), self.volunteer_cents, self.volunteer_cents / whole))
        return rows


def _source(reason: str) -> str:
    if reason in SOURCE_OF_REASON:
        return SOURCE_OF_REASON[reason]
    if reason.startswith(("pass", "booking", "host", "retro", "no_show", "preferential")):
        return "services"
    if "event" in reason:
        return "events"
    return "other"


def years(*, network: Network) -> list[Year]:
    """Each year's income into the network (transfers from outside into its accounts, net of
    reversals), spending (transfers from its accounts to outside), and volunteer time."""
    inside = {AccountKind.POOL.value, "circle"}
    found: dict[int, Year] = {}
    moves = (
        Transfer.objects.filter(debit__network=network)
        .annotate(y=ExtractYear("created_at"))
        .values_list("y", "reason", "debit__kind", "credit__kind", "reverses__reason")
        .annotate(total=Sum("amount_cents"))
    )
    for year, reason, debit_kind, credit_kind, reversed_reason, total in moves:
        row = found.setdefault(year, Year(year))
        into = credit_kind in inside and debit_kind not in inside
        out = debit_kind in inside and credit_kind not in inside
        if reason == TransferReason.REVERSAL:
            # A reversal of income lowers that income; of spending, lowers spending.
            if out:
                key = _source(reversed_reason or "")
                row.income[key] = row.income.get(key, 0) - total
            elif into:
                row.spending_cents -= total
            continue
        if into:
            key = _source(reason)
            row.income[key] = row.income.get(key, 0) + total
        elif out:
            row.spending_cents += total
    for total in totals_by_year(network=network):
        row = found.setdefault(total.year, Year(total.year))
        row.volunteer_cents = total.value_cents
        row.volunteer_hours = total.hours
    return [found[y] for y in sorted(found)]


def reason_labels() -> dict[str, str]:
    return {key: reason_label(key) for key in SOURCE_OF_REASON}
