"""The money of a person's own accounts, for their download.

Nothing is erased: the transfers stay whole so the ledger still balances; the account keeps
pointing at the person's row, which shows "compte supprimé" once the account is deleted.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.ledger.models import Account, Transfer
from maillage.ledger.registry import reason_label


def _transfers(user: User) -> Rows:
    mine = list(Account.objects.owned_by(user).values_list("pk", flat=True))
    transfers = Transfer.objects.filter(Q(debit_id__in=mine) | Q(credit_id__in=mine))
    return [
        {
            "date": transfer.created_at,
            "direction": str(_("reçu") if transfer.credit_id in mine else _("versé")),
            "amount_cents": transfer.amount_cents,
            "reason": str(reason_label(transfer.reason)),
            "memo": transfer.memo,
        }
        for transfer in transfers.order_by("created_at", "pk")
    ]


def register_sections() -> None:
    register(Section("grand_livre", _("Mouvements de vos comptes"), export=_transfers))
