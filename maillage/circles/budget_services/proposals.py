"""Spending proposals: filed by members (idempotent), withdrawn before a meeting decides."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles.budget_services.documents import MAX_DOCUMENTS, read_document
from maillage.circles.budget_services.errors import (
    AlreadyDecided,
    BudgetError,
    DuplicateKey,
    InvalidDocument,
    NotAllowed,
    WrongCircle,
)
from maillage.circles.budget_services.payees import Payee, check_amount, clean_payee
from maillage.circles.models import (
    Action,
    Circle,
    Proposal,
    ProposalDocument,
)
from maillage.circles.selectors import (
    current_members,
    is_circle_member,
)
from maillage.lib.money import format_cents
from maillage.notifications.services import notify


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
    check_amount(amount_cents)
    title = (title or "").strip()
    if not title:
        raise BudgetError(_("Donnez un objet à la proposition."), field="title")
    justification = (justification or "").strip()
    if not justification:
        raise BudgetError(_("Expliquez à quoi servira cette dépense."), field="justification")
    payee = clean_payee(circle=circle, payee=payee)
    documents = documents or []
    if len(documents) > MAX_DOCUMENTS:
        raise InvalidDocument(_("Au plus %(n)s documents par proposition.") % {"n": MAX_DOCUMENTS})
    read = [(upload.name, *read_document(upload, field="documents")) for upload in documents]
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
