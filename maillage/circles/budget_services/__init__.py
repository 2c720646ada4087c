"""Writes of the circle's budget: envelopes, spending proposals, expenses — money through the ledger.

Every euro moves as a ledger transfer: funder → circle account when an envelope is recorded
(`envelopes`), circle account → payee when an expense is approved, citing the decision that
granted it and the expense it pays (`expenses`). `proposals` files what members ask for,
`documents` checks the files they attach, `payees` says who may be paid and from which account,
`errors` names the refusals, and `checks.circle_ledger_issues()` proves budget and ledger agree.
"""

from maillage.circles.budget_services.checks import circle_ledger_issues
from maillage.circles.budget_services.documents import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
)
from maillage.circles.budget_services.envelopes import cancel_envelope, record_envelope
from maillage.circles.budget_services.errors import (
    AlreadyDecided,
    AlreadyReviewed,
    BudgetError,
    DuplicateKey,
    EnvelopeInUse,
    InvalidAmount,
    InvalidDocument,
    InvalidPayee,
    NotAllowed,
    NotGranted,
    NotPaid,
    OverGranted,
    OwnExpense,
    ReceiptRequired,
    WrongCircle,
)
from maillage.circles.budget_services.expenses import (
    approve_expense,
    grant_in_force,
    reject_expense,
    reverse_expense_payment,
    submit_expense,
)
from maillage.circles.budget_services.payees import (
    Payee,
    circle_account,
    paid_people,
    payee_account,
)
from maillage.circles.budget_services.proposals import submit_proposal, withdraw_proposal

__all__ = [
    "MAX_DOCUMENTS",
    "MAX_DOCUMENT_BYTES",
    "AlreadyDecided",
    "AlreadyReviewed",
    "BudgetError",
    "DuplicateKey",
    "EnvelopeInUse",
    "InvalidAmount",
    "InvalidDocument",
    "InvalidPayee",
    "NotAllowed",
    "NotGranted",
    "NotPaid",
    "OverGranted",
    "OwnExpense",
    "Payee",
    "ReceiptRequired",
    "WrongCircle",
    "approve_expense",
    "cancel_envelope",
    "circle_account",
    "circle_ledger_issues",
    "grant_in_force",
    "paid_people",
    "payee_account",
    "record_envelope",
    "reject_expense",
    "reverse_expense_payment",
    "submit_expense",
    "submit_proposal",
    "withdraw_proposal",
]
