"""Writes of the circle's budget: envelopes, spending proposals, expenses — money through the ledger.

Every euro moves as a ledger transfer: funder → circle account when an envelope is recorded,
circle account → payee when an expense is approved (citing the decision that granted it and the
expense it pays). `circle_ledger_issues()` checks the two stay in agreement.
"""

import io
import uuid
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles import budget
from maillage.circles.models import (
    PAID_ROLES,
    Action,
    Circle,
    CircleAccountKind,
    CircleReason,
    Decision,
    Envelope,
    Expense,
    PayeeKind,
    Proposal,
    ProposalDocument,
)
from maillage.circles.selectors import (
    can_reverse_expense,
    current_members,
    is_circle_member,
    is_steward,
)
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger import services as ledger
from maillage.ledger.models import Account, Transfer, TransferReason, content_type_for
from maillage.lib.money import format_cents
from maillage.notifications.services import notify
from maillage.places.models import Place

# Quotes, programmes and receipts: 10 MB is plenty for a scanned page or an office file.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 10


class BudgetError(Exception):
    """A budget rule refused the request; `message` says why, in the user's language."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class InvalidAmount(BudgetError):
    field = "amount"


class InvalidPayee(BudgetError):
    field = "payee_kind"


class InvalidDocument(BudgetError):
    field = "documents"


class NotAllowed(BudgetError):
    pass


class WrongCircle(BudgetError):
    field = "action"


class EnvelopeInUse(BudgetError):
    pass


class NotGranted(BudgetError):
    pass


class OverGranted(BudgetError):
    field = "amount"


class ReceiptRequired(BudgetError):
    field = "receipt"


class AlreadyReviewed(BudgetError):
    pass


class OwnExpense(BudgetError):
    pass


class AlreadyDecided(BudgetError):
    pass


class NotPaid(BudgetError):
    """Only a paid expense can have its payment reversed."""


class DuplicateKey(BudgetError):
    pass


# --- helpers ----------------------------------------------------------------------------------


def _check_amount(amount_cents: int) -> None:
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        raise InvalidAmount(_("Le montant doit être positif."))
    if amount_cents > ledger.MAX_AMOUNT_CENTS:
        raise InvalidAmount(_("Ce montant est hors de proportion : vérifiez-le."))


@dataclass(frozen=True)
class Payee:
    kind: str
    user: User | None = None
    place: Place | None = None
    name: str = ""


def paid_people(*, circle: Circle) -> list[User]:
    """The people currently in a paid role of the circle (soucieux·ses, contributeur·rice·s)."""
    return [m.user for m in current_members(circle=circle).filter(role__in=PAID_ROLES)]


def _clean_payee(*, circle: Circle, payee: Payee) -> Payee:
    """Check the payee may be paid by the circle; raise InvalidPayee."""
    if payee.kind == PayeeKind.PERSON:
        if payee.user is None:
            raise InvalidPayee(_("Choisissez la personne à payer."), field="payee_user")
        in_paid_role = (
            current_members(circle=circle).filter(user=payee.user, role__in=PAID_ROLES).exists()
        )
        if not in_paid_role:
            raise InvalidPayee(
                _(
                    "Seule une personne actuellement en rôle rémunéré du cercle "
                    "(soucieux·se ou contributeur·rice) peut être payée."
                ),
                field="payee_user",
            )
        return Payee(kind=PayeeKind.PERSON, user=payee.user)
    if payee.kind == PayeeKind.PLACE:
        if payee.place is None or not circle.places.filter(pk=payee.place.pk).exists():
            raise InvalidPayee(_("Choisissez un lieu membre du cercle."), field="payee_place")
        return Payee(kind=PayeeKind.PLACE, place=payee.place)
    if payee.kind == PayeeKind.PROVIDER:
        name = (payee.name or "").strip()
        if not name:
            raise InvalidPayee(_("Indiquez le nom du prestataire."), field="payee_name")
        return Payee(kind=PayeeKind.PROVIDER, name=name[:200])
    raise InvalidPayee(_("Choisissez le type de bénéficiaire."))


# Magic numbers of the formats we take; the extension the person gave is never trusted.
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc", "application/x-ole-storage"),
]

_OFFICE_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}

_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def sniff_document(content: bytes) -> tuple[str, str] | None:
    """The (extension, content type) the bytes really are, or None if not a format we take."""
    for magic, ext, mime in _SIGNATURES:
        if content.startswith(magic):
            return ext, mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp", "image/webp"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype in _ODF_TYPES:
                        return _ODF_TYPES[mimetype], mimetype
                if "[Content_Types].xml" in names:
                    for prefix, found in _OFFICE_TYPES.items():
                        if any(name.startswith(prefix) for name in names):
                            return found
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def _read_document(upload: UploadedFile, *, field: str) -> tuple[bytes, str, str]:
    """Read an upload whole (it is small) and sniff it; raise InvalidDocument."""
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise InvalidDocument(
            _("« %(name)s » dépasse la taille maximale de %(max)s Mo.")
            % {"name": upload.name, "max": MAX_DOCUMENT_BYTES // 1024 // 1024},
            field=field,
        )
    content = b"".join(upload.chunks())
    found = sniff_document(content)
    if found is None:
        raise InvalidDocument(
            _(
                "« %(name)s » n'est ni un PDF, ni une image, ni un document bureautique "
                "(Word, Excel, LibreOffice) lisible."
            )
            % {"name": upload.name},
            field=field,
        )
    return content, found[0], found[1]


def content_type_of(file_name: str) -> str:
    """The content type to serve a stored document with (from the extension we gave it)."""
    ext = file_name.rsplit(".", 1)[-1].lower()
    for _magic, known, mime in _SIGNATURES:
        if known == ext:
            return mime
    for known, mime in [*_OFFICE_TYPES.values(), *((v, k) for k, v in _ODF_TYPES.items())]:
        if known == ext:
            return mime
    if ext == "webp":
        return "image/webp"
    return "application/octet-stream"


def _lock_circle(circle: Circle) -> Circle:
    # Grants (meetings) and envelope cancellations both lock the circle row: a cancellation
    # cannot slip between a grant's check of the remainder and its insert.
    return Circle.objects.select_for_update().get(pk=circle.pk)


# --- envelopes --------------------------------------------------------------------------------


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
    _check_amount(amount_cents)
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
        _lock_circle(envelope.circle)
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


# --- proposals --------------------------------------------------------------------------------


def submit_proposal(
    *,
    circle: Circle,
    action: Action,
    title: str,
    amount_cents: int,
    payee: Payee,
    justification: str,
    documents: list[UploadedFile] | None = None,
    idempotency_key: str,
    by: User,
) -> Proposal:
    """File a spending proposal (a replay of the same key returns the first one); raise BudgetError."""
    if not idempotency_key:
        raise DuplicateKey(_("Le formulaire a expiré : rechargez la page."))
    existing = Proposal.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, circle=circle, by=by)
    if not is_circle_member(user=by, circle=circle):
        raise NotAllowed(_("Seuls les membres du cercle peuvent proposer une dépense."))
    if action.circle_id != circle.pk:
        raise WrongCircle(_("Cette action appartient à un autre cercle."))
    if action.status in (Action.Status.DONE, Action.Status.DROPPED):
        raise WrongCircle(_("Cette action est terminée ou abandonnée."))
    _check_amount(amount_cents)
    title = (title or "").strip()
    if not title:
        raise BudgetError(_("Donnez un objet à la proposition."), field="title")
    justification = (justification or "").strip()
    if not justification:
        raise BudgetError(_("Expliquez à quoi servira cette dépense."), field="justification")
    payee = _clean_payee(circle=circle, payee=payee)
    documents = documents or []
    if len(documents) > MAX_DOCUMENTS:
        raise InvalidDocument(_("Au plus %(n)s documents par proposition.") % {"n": MAX_DOCUMENTS})
    read = [(upload.name, *_read_document(upload, field="documents")) for upload in documents]
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                circle=circle,
                action=action,
                title=title[:200],
                amount_cents=amount_cents,
                payee_kind=payee.kind,
                payee_user=payee.user,
                payee_place=payee.place,
                payee_name=payee.name,
                justification=justification,
                author=by,
                idempotency_key=idempotency_key,
            )
            for name, content, ext, _mime in read:
                document = ProposalDocument(proposal=proposal, name=name[:200], uploaded_by=by)
                # A random name: the uploader's file name may say more than they mean to.
                document.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
                document.save()
            url = reverse("circles:proposal-detail", args=[circle.slug, proposal.pk])
            notify(
                users=[m.user for m in current_members(circle=circle)],
                topic="circles.proposal",
                title=_("Nouvelle proposition de dépense : %(title)s") % {"title": proposal.title},
                body=_("%(author)s propose %(amount)s pour l'action « %(action)s ».")
                % {
                    "author": by.display_name or by.email,
                    "amount": format_cents(amount_cents),
                    "action": action.title,
                },
                url=url,
                exclude=by,
            )
    except IntegrityError:
        # A concurrent request with the same key won: show the proposal it created.
        existing = Proposal.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replayed(existing, circle=circle, by=by)
    return proposal


def _replayed(existing: Proposal, *, circle: Circle, by: User) -> Proposal:
    if existing.circle_id != circle.pk or existing.author_id != by.pk:
        raise DuplicateKey(_("Le formulaire a déjà servi : rechargez la page."))
    return existing


def withdraw_proposal(*, proposal: Proposal, by: User) -> Proposal:
    """Withdraw one's own proposal while no meeting has decided it; raise AlreadyDecided/NotAllowed."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.author_id != by.pk:
            raise NotAllowed(_("Seul·e l'auteur·rice peut retirer sa proposition."))
        if proposal.status == Proposal.Status.WITHDRAWN:
            raise AlreadyDecided(_("Cette proposition est déjà retirée."))
        decided = proposal.decisions.exists() or proposal.status not in (
            Proposal.Status.SUBMITTED,
            Proposal.Status.SCHEDULED,
        )
        if decided:
            raise AlreadyDecided(
                _(
                    "Une réunion a déjà décidé de cette proposition : elle ne peut plus être retirée."
                )
            )
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.save(update_fields=["status"])
    return proposal


# --- expenses ---------------------------------------------------------------------------------


def grant_in_force(*, proposal: Proposal) -> Decision | None:
    """The adopted decision in force that grants money to this proposal, if any."""
    return (
        budget.decisions_in_force()
        .filter(proposal=proposal, outcome=Decision.Outcome.ADOPTED, amount_granted_cents__gt=0)
        .order_by("-recorded_at", "-pk")
        .first()
    )


def submit_expense(
    *,
    proposal: Proposal,
    amount_cents: int,
    description: str,
    payee: Payee | None = None,
    receipt: UploadedFile | None = None,
    idempotency_key: str,
    by: User,
) -> Expense:
    """File an expense against a granted proposal; raise NotGranted, OverGranted, ReceiptRequired."""
    if not idempotency_key:
        raise DuplicateKey(_("Le formulaire a expiré : rechargez la page."))
    existing = Expense.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.proposal_id != proposal.pk or existing.submitted_by_id != by.pk:
            raise DuplicateKey(_("Le formulaire a déjà servi : rechargez la page."))
        return existing
    circle = proposal.circle
    if not is_circle_member(user=by, circle=circle):
        raise NotAllowed(_("Seuls les membres du cercle peuvent déclarer une dépense."))
    _check_amount(amount_cents)
    description = (description or "").strip()
    if not description:
        raise BudgetError(_("Décrivez la dépense."), field="description")
    payee = _clean_payee(
        circle=circle,
        payee=payee
        or Payee(
            kind=proposal.payee_kind,
            user=proposal.payee_user,
            place=proposal.payee_place,
            name=proposal.payee_name,
        ),
    )
    if receipt is None and circle.receipts_required:
        raise ReceiptRequired(_("Ce cercle demande un justificatif pour chaque dépense."))
    read = _read_document(receipt, field="receipt") if receipt is not None else None
    with transaction.atomic():
        # Lock the proposal: two expenses filed at once must not both fit in the remainder.
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        decision = grant_in_force(proposal=proposal)
        if decision is None:
            raise NotGranted(
                _("Aucune décision en vigueur n'accorde d'argent à cette proposition.")
            )
        spendable = budget.spendable_for_proposal(proposal=proposal)
        if amount_cents > spendable:
            raise OverGranted(
                _("Il ne reste que %(left)s à dépenser sur cette proposition.")
                % {"left": format_cents(max(spendable, 0))}
            )
        expense = Expense(
            proposal=proposal,
            decision=decision,
            amount_cents=amount_cents,
            description=description[:250],
            payee_kind=payee.kind,
            payee_user=payee.user,
            payee_place=payee.place,
            payee_name=payee.name,
            submitted_by=by,
            idempotency_key=idempotency_key,
        )
        if read is not None:
            content, ext, _mime = read
            expense.receipt.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
        expense.save()
        notify(
            users=[m.user for m in current_members(circle=circle).filter(role="steward")],
            topic="circles.expense",
            title=_("Dépense à valider : %(what)s") % {"what": expense.description},
            body=_("%(amount)s sur la proposition « %(title)s ».")
            % {"amount": format_cents(amount_cents), "title": proposal.title},
            url=reverse("circles:expense-detail", args=[circle.slug, expense.pk]),
            exclude=by,
        )
    return expense


def _check_reviewer(*, expense: Expense, by: User) -> None:
    if expense.payee_user_id == by.pk or expense.submitted_by_id == by.pk:
        raise OwnExpense(
            _("Vous ne pouvez pas valider une dépense que vous avez déclarée ou qui vous paie.")
        )
    if not is_steward(user=by, circle=expense.proposal.circle):
        raise NotAllowed(_("Seul·e un·e soucieux·se du cercle valide les dépenses."))
    if expense.status != Expense.Status.SUBMITTED:
        raise AlreadyReviewed(_("Cette dépense a déjà été examinée."))


def circle_account(*, circle: Circle) -> Account:
    """Return (creating it once) the ledger account of a territorial circle."""
    return ledger.owned_account(network=circle.network, kind=CircleAccountKind.CIRCLE, owner=circle)


def payee_account(
    *, circle: Circle, kind: str, user: User | None, place: Place | None, name: str
) -> Account:
    """The ledger account a payee is paid into."""
    if kind == PayeeKind.PERSON and user is not None:
        return ledger.member_account(network=circle.network, user=user)
    if kind == PayeeKind.PLACE and place is not None:
        return ledger.place_account(network=circle.network, place=place)
    return ledger.external_account(network=circle.network, name=name)


def approve_expense(*, expense: Expense, by: User) -> Expense:
    """Approve and pay an expense through the ledger; raise OwnExpense, AlreadyReviewed, OverGranted."""
    with transaction.atomic():
        # Lock the proposal, then the expense: two approvals at once cannot overspend the grant
        # nor pay the same expense twice.
        proposal = Proposal.objects.select_for_update().get(pk=expense.proposal_id)
        expense = (
            Expense.objects.select_for_update()
            .select_related("proposal__circle")
            .get(pk=expense.pk)
        )
        _check_reviewer(expense=expense, by=by)
        decision = grant_in_force(proposal=proposal)
        if decision is None:
            raise NotGranted(
                _("Aucune décision en vigueur n'accorde d'argent à cette proposition.")
            )
        left = budget.granted_for_proposal(proposal=proposal) - budget.spent_for_proposal(
            proposal=proposal
        )
        if expense.amount_cents > left:
            raise OverGranted(
                _("Il ne reste que %(left)s accordés sur cette proposition : dépense refusée.")
                % {"left": format_cents(max(left, 0))}
            )
        circle = proposal.circle
        expense.decision = decision
        expense.status = Expense.Status.PAID
        expense.reviewed_by = by
        expense.reviewed_at = timezone.now()
        expense.save(update_fields=["decision", "status", "reviewed_by", "reviewed_at"])
        ledger.post_transfer(
            debit=circle_account(circle=circle),
            credit=payee_account(
                circle=circle,
                kind=expense.payee_kind,
                user=expense.payee_user,
                place=expense.payee_place,
                name=expense.payee_name,
            ),
            amount_cents=expense.amount_cents,
            reason=CircleReason.CIRCLE_EXPENSE,
            idempotency_key=f"circle-expense-{expense.pk}",
            memo=expense.description,
            cause=expense,
            authority=decision,
            by=by,
        )
        _notify_review(expense=expense, by=by, approved=True)
    return expense


def reject_expense(*, expense: Expense, by: User, reason: str) -> Expense:
    """Refuse an expense with a reason; raise OwnExpense, AlreadyReviewed, BudgetError."""
    reason = (reason or "").strip()
    if not reason:
        raise BudgetError(_("Dites pourquoi la dépense est refusée."), field="reason")
    with transaction.atomic():
        expense = (
            Expense.objects.select_for_update()
            .select_related("proposal__circle")
            .get(pk=expense.pk)
        )
        _check_reviewer(expense=expense, by=by)
        expense.status = Expense.Status.REJECTED
        expense.reviewed_by = by
        expense.reviewed_at = timezone.now()
        expense.rejection_reason = reason
        expense.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
        _notify_review(expense=expense, by=by, approved=False)
    return expense


def reverse_expense_payment(*, expense: Expense, by: User, reason: str) -> Expense:
    """Correct a paid expense: a reversing transfer gives the money back to the circle account.

    The reversal cites the same decision and expense as the payment; the expense becomes
    "payment reversed" and no longer counts as spent, so its amount can be spent again from the
    grant. Raise NotAllowed (not a coordinator, or the payee), NotPaid, BudgetError (no reason).
    """
    reason = (reason or "").strip()
    if not reason:
        raise BudgetError(_("Dites pourquoi le paiement est contrepassé."), field="reason")
    with transaction.atomic():
        Proposal.objects.select_for_update().get(pk=expense.proposal_id)
        expense = (
            Expense.objects.select_for_update()
            .select_related("proposal__circle__network")
            .get(pk=expense.pk)
        )
        if not can_reverse_expense(user=by, expense=expense):
            raise NotAllowed(
                _(
                    "Seule la coordination du réseau, ou un·e soucieux·se qui n'en est pas "
                    "bénéficiaire, peut contrepasser le paiement d'une dépense."
                )
            )
        if expense.status != Expense.Status.PAID:
            raise NotPaid(
                _("Seul le paiement d'une dépense validée et payée peut être contrepassé.")
            )
        payment = Transfer.objects.caused_by(expense).get(
            reason=CircleReason.CIRCLE_EXPENSE, reverses__isnull=True
        )
        ledger.reverse_transfer(
            transfer=payment,
            idempotency_key=f"circle-expense-reversal-{expense.pk}",
            memo=_("Contrepassation de la dépense « %(what)s » : %(reason)s")
            % {"what": expense.description, "reason": reason},
            by=by,
        )
        expense.status = Expense.Status.REVERSED
        expense.reversed_by = by
        expense.reversed_at = timezone.now()
        expense.reversal_reason = reason
        expense.save(update_fields=["status", "reversed_by", "reversed_at", "reversal_reason"])
        circle = expense.proposal.circle
        notify(
            users=[u for u in (expense.submitted_by, expense.payee_user) if u is not None],
            topic="circles.expense",
            title=_("Paiement contrepassé : %(what)s") % {"what": expense.description},
            body=_("%(amount)s reviennent au cercle. Motif : %(reason)s")
            % {"amount": format_cents(expense.amount_cents), "reason": reason},
            url=reverse("circles:expense-detail", args=[circle.slug, expense.pk]),
            exclude=by,
        )
    return expense


def _notify_review(*, expense: Expense, by: User, approved: bool) -> None:
    circle = expense.proposal.circle
    people = [u for u in (expense.submitted_by, expense.payee_user) if u is not None]
    if approved:
        title = _("Dépense validée et payée : %(what)s") % {"what": expense.description}
        body = _("%(amount)s ont été versés.") % {"amount": format_cents(expense.amount_cents)}
    else:
        title = _("Dépense refusée : %(what)s") % {"what": expense.description}
        body = _("Motif : %(reason)s") % {"reason": expense.rejection_reason}
    notify(
        users=people,
        topic="circles.expense",
        title=title,
        body=body,
        url=reverse("circles:expense-detail", args=[circle.slug, expense.pk]),
        exclude=by,
    )


# --- checks -----------------------------------------------------------------------------------


def circle_ledger_issues() -> list[str]:
    """Problems between the circles' budgets and the ledger (an empty list when all agree)."""
    issues: list[str] = []
    # 1. Money leaves a circle account only for an expense granted by a decision (or when a
    #    mistaken envelope is reversed back to its funder).
    unexplained = Transfer.objects.filter(
        debit__kind=CircleAccountKind.CIRCLE, authority_id__isnull=True
    ).exclude(reason=TransferReason.REVERSAL, cause_type=content_type_for(Envelope))
    for pk in unexplained.values_list("pk", flat=True):
        issues.append(f"transfer {pk} leaves a circle account without a decision")
    # 2. Each circle account holds its envelopes minus its paid expenses.
    balances = ledger_selectors.derived_balances()
    accounts = dict(
        Account.objects.filter(kind=CircleAccountKind.CIRCLE).values_list("owner_id", "pk")
    )
    circle_ids = set(accounts) | set(
        Envelope.objects.values_list("circle_id", flat=True).distinct()
    )
    for circle in Circle.objects.filter(pk__in=circle_ids):
        expected = budget.budget_total(circle=circle) - budget.spent_total(circle=circle)
        actual = balances.get(accounts.get(circle.pk, -1), 0)
        if actual != expected:
            issues.append(
                f"circle {circle.slug}: account balance {actual} != envelopes - paid {expected}"
            )
    # 3. No proposal spends more than it was granted.
    spent = (
        Expense.objects.filter(status=Expense.Status.PAID)
        .values("proposal")
        .annotate(total=Sum("amount_cents"))
    )
    for row in spent:
        proposal = Proposal(pk=row["proposal"])
        granted = budget.granted_for_proposal(proposal=proposal)
        if row["total"] > granted:
            issues.append(f"proposal {row['proposal']}: spent {row['total']} > granted {granted}")
    # 4. Every paid expense has exactly one payment, citing it.
    expense_payments = Transfer.objects.with_cause_of_type(Expense).filter(
        reason=CircleReason.CIRCLE_EXPENSE
    )
    paid_without = Expense.objects.filter(status=Expense.Status.PAID).exclude(
        pk__in=expense_payments.values("cause_id")
    )
    for pk in paid_without.values_list("pk", flat=True):
        issues.append(f"expense {pk} is paid but no ledger transfer cites it")
    # 5. A reversed expense has its payment and exactly that payment's reversal, both citing it
    #    (and the same decision); no other expense has a reversed payment.
    payments = expense_payments.values_list("pk", "cause_id", "authority_id", "amount_cents")
    reversals = {
        t.reverses_id: t
        for t in Transfer.objects.with_cause_of_type(Expense).filter(
            reason=TransferReason.REVERSAL, reverses__isnull=False
        )
    }
    statuses = dict(Expense.objects.values_list("pk", "status"))
    for pk, expense_id, decision_id, amount in payments:
        reversal = reversals.get(pk)
        is_reversed = statuses.get(expense_id) == Expense.Status.REVERSED
        if is_reversed and reversal is None:
            issues.append(f"expense {expense_id} is reversed but its payment {pk} is not")
        elif reversal is not None and not is_reversed:
            issues.append(f"expense {expense_id}: payment {pk} reversed but expense not marked")
        elif reversal is not None and (
            reversal.cause_id != expense_id
            or reversal.authority_id != decision_id
            or reversal.amount_cents != amount
        ):
            issues.append(f"transfer {reversal.pk} does not mirror payment {pk}")
    return issues
