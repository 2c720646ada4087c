"""Envelopes: a funder's money recorded and posted funder → circle account in the ledger."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles import budget
from maillage.circles.budget_services.errors import BudgetError, EnvelopeInUse, WrongCircle
from maillage.circles.budget_services.payees import check_amount, circle_account
from maillage.circles.models import (
    Action,
    Circle,
    CircleReason,
    Envelope,
    Expense,
)
from maillage.circles.services import lock_circle
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer


def record_envelope(
    *,
    circle: Circle,
    year: int,
    funder_kind: str,
    funder: str,
    amount_cents: int,
    earmark_action: Action | None = None,
    note: str = "",
    by: User | None,
) -> Envelope:
    """Record a funder's envelope and post funder → circle in the ledger; raise BudgetError."""
    check_amount(amount_cents)
    funder = (funder or "").strip()
    if not funder:
        raise BudgetError(_("Indiquez le nom du financeur."), field="funder")
    if not 2000 <= year <= 2100:
        raise BudgetError(_("Indiquez une année entre 2000 et 2100."), field="year")
    if earmark_action is not None and earmark_action.circle_id != circle.pk:
        raise WrongCircle(
            _("Une enveloppe ne peut être réservée qu'à une action de ce cercle."),
            field="earmark_action",
        )
    with transaction.atomic():
        envelope = Envelope.objects.create(
            circle=circle,
            year=year,
            funder_kind=funder_kind,
            funder=funder[:200],
            amount_cents=amount_cents,
            earmark_action=earmark_action,
            note=note,
            created_by=by,
        )
        ledger.post_transfer(
            debit=ledger.funder_account(network=circle.network, name=funder),
            credit=circle_account(circle=circle),
            amount_cents=amount_cents,
            reason=CircleReason.ENVELOPE,
            idempotency_key=f"circle-envelope-{envelope.pk}",
            memo=_("Enveloppe %(funder)s %(year)s") % {"funder": funder, "year": year},
            cause=envelope,
            by=by,
        )
    return envelope


def cancel_envelope(*, envelope: Envelope, by: User | None) -> Envelope:
    """Cancel a mistaken envelope with a reversing transfer; raise EnvelopeInUse if granted from."""
    with transaction.atomic():
        lock_circle(envelope.circle)
        envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)
        if envelope.cancelled_at is not None:
            raise EnvelopeInUse(_("Cette enveloppe est déjà annulée."))
        used = (
            budget.envelope_granted(envelope=envelope) > 0
            or Expense.objects.filter(
                decision__envelope=envelope,
                status__in=[Expense.Status.PAID, Expense.Status.SUBMITTED],
            ).exists()
        )
        if used:
            raise EnvelopeInUse(
                _(
                    "Des sommes ont été accordées sur cette enveloppe : elle ne peut plus être "
                    "annulée. Une réunion de régulation doit d'abord réviser ces décisions."
                )
            )
        if budget.remaining(circle=envelope.circle) < envelope.amount_cents:
            raise EnvelopeInUse(
                _("Sans cette enveloppe, le cercle aurait accordé plus que son budget.")
            )
        transfer = Transfer.objects.caused_by(envelope).get(
            reason=CircleReason.ENVELOPE, reverses__isnull=True
        )
        ledger.reverse_transfer(
            transfer=transfer,
            idempotency_key=f"circle-envelope-{envelope.pk}-cancel",
            memo=_("Annulation de l'enveloppe %(funder)s %(year)s")
            % {"funder": envelope.funder, "year": envelope.year},
            by=by,
        )
        envelope.cancelled_at = timezone.now()
        envelope.save(update_fields=["cancelled_at"])
    return envelope
