"""What `ledger_check` asks governance: do the fee payments and the ledger agree?"""

from django.db.models import Sum
from django.utils.translation import gettext as _

from maillage.governance.models import FeePayment, FeeReason
from maillage.ledger.models import Transfer


def fee_ledger_issues() -> list[str]:
    """Each payment's fee and donation parts are in the ledger (net of reversals when
    refunded); an empty list when everything agrees."""
    issues: list[str] = []
    transfers = Transfer.objects.caused_by_any(FeePayment.objects.all())
    posted: dict[tuple[int, str], int] = {}
    for cause_id, reason, total in (
        transfers.filter(reverses=None)
        .values_list("cause_id", "reason")
        .annotate(t=Sum("amount_cents"))
    ):
        posted[(cause_id, reason)] = total
    reversed_ids = set(transfers.exclude(reverses=None).values_list("cause_id", flat=True))
    for payment in FeePayment.objects.only("pk", "fee_cents", "donation_cents", "refunded_at"):
        for reason, expected in (
            (FeeReason.FEE, payment.fee_cents),
            (FeeReason.DONATION, payment.donation_cents),
        ):
            found = posted.get((payment.pk, reason.value), 0)
            if found != expected:
                issues.append(
                    _(
                        "Paiement de cotisation n° %(pk)s : %(exp)s centimes (%(r)s) attendus, %(f)s au grand livre."
                    )
                    % {"pk": payment.pk, "exp": expected, "r": reason.label, "f": found}
                )
        if (payment.refunded_at is not None) != (payment.pk in reversed_ids):
            issues.append(
                _(
                    "Paiement de cotisation n° %(pk)s : remboursement et contrepassation ne concordent pas."
                )
                % {"pk": payment.pk}
            )
    return issues
