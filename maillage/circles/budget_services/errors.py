"""The refusals of the circle budget: one `Refusal` family (see lib/refusals.py).

The status says what the API answers: 422 for a request to correct, 409 when the state of the
budget forbids it now, 403 for a person without the right.
"""

from maillage.lib.refusals import Refusal


class BudgetError(Refusal):
    """A budget rule refused the request; nothing changed."""

    # The API names the payee person `payee_user_id`.
    api_fields = {"payee_user": "payee_user_id"}


class InvalidAmount(BudgetError):
    field = "amount"


class InvalidPayee(BudgetError):
    field = "payee_kind"


class InvalidDocument(BudgetError):
    field = "documents"


class NotAllowed(BudgetError):
    status = 403


class WrongCircle(BudgetError):
    field = "action"


class EnvelopeInUse(BudgetError):
    status = 409


class NotGranted(BudgetError):
    status = 409


class OverGranted(BudgetError):
    field = "amount"


class ReceiptRequired(BudgetError):
    field = "receipt"


class AlreadyReviewed(BudgetError):
    status = 409


class OwnExpense(BudgetError):
    status = 403


class AlreadyDecided(BudgetError):
    status = 409


class NotPaid(BudgetError):
    """Only a paid expense can have its payment reversed."""

    status = 409


class DuplicateKey(BudgetError):
    """An idempotency key missing (form expired) or already used for another request."""
