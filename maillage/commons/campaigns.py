"""Co-funding campaigns for a commons or an *appel à communs*.

Places (their managers), networks (their coordinators), people and funders pledge money and/or
hours before the deadline, never beyond the maximum (a matching fund doubling pledges up to its
cap counts). When the campaign is due it closes: pledges are called, or — an all-or-nothing goal
missed — cancelled, and money already received is refunded through the ledger. A coordinator
records each receipt (bank transfer or an outside payment's reference): a ledger transfer into
the campaign's account, plus the matching fund's share. Money leaves only through payouts with
a receipt, approved by a coordinator who neither asked for it nor receives it.
`campaign_ledger_issues()` proves the campaigns' figures equal the ledger.
"""

import datetime
import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.commons import campaign_selectors as reads
from maillage.commons.models import (
    Campaign,
    CampaignAccountKind,
    CampaignReason,
    Commons,
    Payout,
    Pledge,
    Receipt,
    SeedBudget,
)
from maillage.commons.services import CommonsError, NotAllowed
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger import services as ledger
from maillage.ledger.models import Account, Transfer, TransferReason, content_type_for
from maillage.lib.french import de
from maillage.lib.money import format_cents
from maillage.lib.uploads import (
    IMAGE_EXTENSIONS,
    UnreadableImage,
    check_document,
    reencode_image,
    too_large,
)
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator, networks_coordinated_by
from maillage.notifications.services import mark_handled, notify
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, place_managers

# Far above any real campaign of a tiers-lieu network; the ledger refuses more anyway.
MAX_CENTS = 100_000_000
MAX_HOURS = 10_000
MAX_RECEIPT_BYTES = 10 * 1024 * 1024


class CampaignError(CommonsError):
    """A rule of the campaigns refused the request; nothing changed."""


class InvalidAmount(CampaignError):
    field = "amount"


class CampaignClosed(CampaignError):
    status = 409


class OverMaximum(CampaignError):
    field = "amount"
    status = 409


class NotDue(CampaignError):
    status = 409


class AlreadyRecorded(CampaignError):
    status = 409


class OwnPayout(CampaignError):
    status = 403


class NotEnoughMoney(CampaignError):
    field = "amount"
    status = 409


# --- campaigns --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CampaignData:
    title: str
    pays_for: str
    kind: str
    goal_cents: int
    min_goal_cents: int
    max_goal_cents: int
    deadline: datetime.datetime
    description: str = ""
    commons: Commons | None = None
    secured_cents: int = 0
    secured_note: str = ""
    match_funder: str = ""
    match_cap_cents: int = 0
    hour_rate_cents: int = 2000


def _check_money(cents: int, *, field: str, positive: bool = False) -> None:
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise InvalidAmount(_("Montant illisible."), field=field)
    if cents < 0 or (positive and cents == 0):
        raise InvalidAmount(_("Le montant doit être positif."), field=field)
    if cents > MAX_CENTS:
        raise InvalidAmount(
            _("Ce montant dépasse %(limit)s : il est hors de proportion.")
            % {"limit": format_cents(MAX_CENTS)},
            field=field,
        )


def _clean_campaign(data: CampaignData, network: Network) -> None:
    if not data.title.strip():
        raise CampaignError(_("Donnez un titre à la campagne."), field="title")
    if not data.pays_for.strip():
        raise CampaignError(_("Dites ce que l'argent paiera."), field="pays_for")
    if data.kind not in Campaign.Kind.values:
        raise CampaignError(_("Choisissez la règle de la campagne."), field="kind")
    for name in ("min_goal_cents", "goal_cents", "max_goal_cents"):
        _check_money(getattr(data, name), field=name.removesuffix("_cents"), positive=True)
    _check_money(data.secured_cents, field="secured")
    _check_money(data.match_cap_cents, field="match_cap")
    if not data.min_goal_cents <= data.goal_cents <= data.max_goal_cents:
        raise CampaignError(_("L'objectif doit être entre le minimum et le plafond."), field="goal")
    if data.match_cap_cents and not data.match_funder.strip():
        raise CampaignError(_("Nommez qui abonde les promesses."), field="match_funder")
    if not 0 <= data.hour_rate_cents <= 100_000:
        raise CampaignError(_("La valeur d'une heure va de 0 à 1 000 €."), field="hour_rate")
    if data.deadline <= timezone.now():
        raise CampaignError(_("La date limite doit être dans le futur."), field="deadline")
    if data.commons is not None and data.commons.network_id != network.pk:
        raise CampaignError(_("Ce commun est référencé par un autre réseau."), field="commons")


def _unique_slug(title: str) -> str:
    base = slugify(title)[:140] or "campagne"
    slug, n = base, 2
    while Campaign.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_campaign(*, network: Network, data: CampaignData, by: User) -> Campaign:
    """Open a campaign; raise NotAllowed (not a coordinator of the network), CampaignError."""
    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seule la coordination du réseau lance une campagne."))
    _clean_campaign(data, network)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            network=network,
            commons=data.commons,
            title=data.title.strip()[:150],
            slug=_unique_slug(data.title),
            description=data.description.strip(),
            pays_for=data.pays_for.strip(),
            kind=data.kind,
            goal_cents=data.goal_cents,
            min_goal_cents=data.min_goal_cents,
            max_goal_cents=data.max_goal_cents,
            secured_cents=data.secured_cents,
            secured_note=data.secured_note.strip()[:250],
            deadline=data.deadline,
            match_funder=data.match_funder.strip()[:150],
            match_cap_cents=data.match_cap_cents if data.match_funder.strip() else 0,
            hour_rate_cents=data.hour_rate_cents,
            created_by=by,
        )
    return campaign


# --- pledges ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PledgeData:
    by_kind: str
    amount_cents: int = 0
    hours: int = 0
    anonymous: bool = False
    place: Place | None = None
    network: Network | None = None
    funder_name: str = ""


def _check_pledger(*, campaign: Campaign, data: PledgeData, by: User) -> None:
    if data.by_kind == Pledge.By.PLACE:
        if data.place is None:
            raise CampaignError(_("Choisissez le lieu qui promet."), field="place")
        if not can_edit_place(user=by, place=data.place):
            raise NotAllowed(
                _("Seul·es les gestionnaires de « %(place)s » promettent en son nom.")
                % {"place": data.place.name},
                field="place",
            )
    elif data.by_kind == Pledge.By.NETWORK:
        if data.network is None:
            raise CampaignError(_("Choisissez le réseau qui promet."), field="network")
        if not is_coordinator(user=by, network=data.network):
            raise NotAllowed(
                _("Seule la coordination de « %(network)s » promet en son nom.")
                % {"network": data.network.name},
                field="network",
            )
    elif data.by_kind == Pledge.By.FUNDER:
        if not data.funder_name.strip():
            raise CampaignError(_("Nommez le financeur."), field="funder_name")
        if not reads.can_manage_campaign(user=by, campaign=campaign):
            raise NotAllowed(
                _("La promesse d'un financeur est enregistrée par la coordination du réseau."),
                field="by_kind",
            )
    elif data.by_kind != Pledge.By.PERSON:
        raise CampaignError(_("Dites au nom de qui vous promettez."), field="by_kind")


def pledge(*, campaign: Campaign, data: PledgeData, by: User, idempotency_key: str) -> Pledge:
    """Promise money and/or hours to an open campaign before its deadline, under its maximum.

    Raise CampaignClosed, InvalidAmount, OverMaximum, NotAllowed, CampaignError.
    """
    if not by.is_authenticated:
        raise NotAllowed(_("Connectez-vous pour promettre."))
    if not idempotency_key:
        raise CampaignError(_("Le formulaire a expiré : rechargez la page."))
    existing = Pledge.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.campaign_id != campaign.pk or existing.user_id != by.pk:
            raise CampaignError(_("Le formulaire a déjà servi : rechargez la page."))
        return existing
    _check_money(data.amount_cents, field="amount")
    if not isinstance(data.hours, int) or not 0 <= data.hours <= MAX_HOURS:
        raise CampaignError(
            _("Indiquez entre 0 et %(max)s heures.") % {"max": MAX_HOURS}, field="hours"
        )
    if data.amount_cents == 0 and data.hours == 0:
        raise InvalidAmount(_("Promettez un montant, des heures, ou les deux."))
    _check_pledger(campaign=campaign, data=data, by=by)
    with transaction.atomic():
        # Lock the campaign: two pledges at once must not both fit under the maximum.
        campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
        if campaign.status != Campaign.Status.OPEN:
            raise CampaignClosed(_("Cette campagne est close : elle ne reçoit plus de promesses."))
        if campaign.deadline <= timezone.now():
            raise CampaignClosed(
                _("La date limite de cette campagne est passée : promesse refusée.")
            )
        if data.amount_cents:
            pledged = reads.figures(campaign).pledged_cents
            largest = reads.largest_pledge(campaign, pledged)
            if largest <= 0:
                raise OverMaximum(
                    _("Cette campagne a atteint son plafond : elle ne reçoit plus d'argent.")
                )
            if data.amount_cents > largest:
                raise OverMaximum(
                    _(
                        "Cette promesse dépasserait le plafond de la campagne : vous pouvez "
                        "promettre au plus %(left)s."
                    )
                    % {"left": format_cents(largest)}
                )
        try:
            with transaction.atomic():
                made = Pledge.objects.create(
                    campaign=campaign,
                    by_kind=data.by_kind,
                    place=data.place if data.by_kind == Pledge.By.PLACE else None,
                    pledging_network=data.network if data.by_kind == Pledge.By.NETWORK else None,
                    funder_name=data.funder_name.strip()[:150]
                    if data.by_kind == Pledge.By.FUNDER
                    else "",
                    user=by,
                    amount_cents=data.amount_cents,
                    hours=data.hours,
                    anonymous=data.anonymous,
                    idempotency_key=idempotency_key,
                )
        except IntegrityError as exc:
            raise CampaignError(_("Le formulaire a déjà servi : rechargez la page.")) from exc
    return made


# --- accounts and receipts --------------------------------------------------------------------


def campaign_account(campaign: Campaign) -> Account:
    return ledger.owned_account(
        network=campaign.network,
        kind=CampaignAccountKind.CAMPAIGN,
        owner=campaign,
        label=campaign.title,
    )


def contributor_account(pledge: Pledge) -> Account:
    """The account the pledge's money comes from, in the campaign's network."""
    network = pledge.campaign.network
    if pledge.by_kind == Pledge.By.PLACE and pledge.place is not None:
        return ledger.place_account(network=network, place=pledge.place)
    if pledge.by_kind == Pledge.By.NETWORK and pledge.pledging_network is not None:
        return ledger.owned_account(
            network=network, kind=CampaignAccountKind.NETWORK, owner=pledge.pledging_network
        )
    if pledge.by_kind == Pledge.By.FUNDER:
        return ledger.funder_account(network=network, name=pledge.funder_name)
    assert pledge.user is not None
    return ledger.member_account(network=network, user=pledge.user)


def record_receipt(
    *,
    pledge: Pledge,
    method: str,
    reference: str,
    received_on: datetime.date,
    by: User,
) -> Receipt:
    """Record that a pledge's money arrived: a ledger transfer into the campaign's account, and
    the matching fund's share. Raise NotAllowed, AlreadyRecorded, CampaignClosed, CampaignError."""
    reference = (reference or "").strip()
    if method not in Receipt.Method.values:
        raise CampaignError(_("Choisissez le moyen de paiement."), field="method")
    if not reference:
        raise CampaignError(_("Notez la référence du virement ou du paiement."), field="reference")
    if received_on > timezone.localdate():
        raise CampaignError(_("La date de réception ne peut pas être future."), field="received_on")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=pledge.campaign_id)
        pledge = (
            Pledge.objects.select_for_update(of=("self",))
            .select_related("place", "user")
            .get(pk=pledge.pk)
        )
        pledge.campaign = campaign
        if not reads.can_manage_campaign(user=by, campaign=campaign):
            raise NotAllowed(_("Seule la coordination du réseau enregistre les versements."))
        if pledge.status == Pledge.Status.RECEIVED:
            raise AlreadyRecorded(_("Le versement de cette promesse est déjà enregistré."))
        if pledge.status not in (Pledge.Status.PLEDGED, Pledge.Status.CALLED):
            raise CampaignClosed(_("Cette promesse a été annulée : rien à encaisser."))
        if pledge.amount_cents <= 0:
            raise CampaignError(_("Cette promesse est en heures : rien à encaisser."))
        matched_before = (
            Receipt.objects.filter(pledge__campaign=campaign, refunded_at__isnull=True).aggregate(
                total=Sum("matched_cents")
            )["total"]
            or 0
        )
        matched = 0
        if campaign.match_funder:
            matched = max(min(pledge.amount_cents, campaign.match_cap_cents - matched_before), 0)
        receipt = Receipt.objects.create(
            pledge=pledge,
            amount_cents=pledge.amount_cents,
            matched_cents=matched,
            method=method,
            reference=reference[:120],
            received_on=received_on,
            recorded_by=by,
        )
        pledge.status = Pledge.Status.RECEIVED
        pledge.save(update_fields=["status"])
        account = campaign_account(campaign)
        ledger.post_transfer(
            debit=contributor_account(pledge),
            credit=account,
            amount_cents=receipt.amount_cents,
            reason=CampaignReason.RECEIPT,
            idempotency_key=f"campaign-receipt-{receipt.pk}",
            memo=_("%(who)s — %(ref)s") % {"who": pledge.name, "ref": receipt.reference},
            cause=receipt,
            by=by,
        )
        if matched:
            ledger.post_transfer(
                debit=ledger.funder_account(network=campaign.network, name=campaign.match_funder),
                credit=account,
                amount_cents=matched,
                reason=CampaignReason.MATCH,
                idempotency_key=f"campaign-match-{receipt.pk}",
                memo=_("Abondement %(de_who)s") % {"de_who": de(pledge.name)},
                cause=receipt,
                by=by,
            )
    return receipt


# --- closing: call or cancel, refund ------------------------------------------------------------


def _refund(receipt: Receipt, *, by: User | None) -> None:
    for transfer in Transfer.objects.caused_by(receipt).filter(
        reason__in=[CampaignReason.RECEIPT, CampaignReason.MATCH], reversed_by__isnull=True
    ):
        ledger.reverse_transfer(
            transfer=transfer,
            idempotency_key=f"campaign-refund-{transfer.pk}",
            memo=_("Remboursement : objectif de la campagne non atteint"),
            by=by,
        )
    receipt.refunded_at = timezone.now()
    receipt.save(update_fields=["refunded_at"])


def close_campaign(
    *, campaign: Campaign, by: User | None, now: datetime.datetime | None = None
) -> Campaign:
    """Close a due campaign: call its pledges, or (all-or-nothing under its minimum) cancel them
    and refund what was received. `by` None is the periodic command. Raise NotAllowed, NotDue."""
    now = now or timezone.now()
    if by is not None and not reads.can_manage_campaign(user=by, campaign=campaign):
        raise NotAllowed(_("Seule la coordination du réseau clôt une campagne."))
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(of=("self",))
            .select_related("network")
            .get(pk=campaign.pk)
        )
        if campaign.status != Campaign.Status.OPEN:
            raise NotDue(_("Cette campagne est déjà close."))
        allowed = reads.may_close(campaign, now=now) if by else reads.is_due(campaign, now=now)
        if not allowed:
            raise NotDue(
                _(
                    "La campagne n'est pas encore due : elle se clôt à sa date limite, ou plus "
                    "tôt quand les promesses atteignent l'objectif."
                )
            )
        found = reads.figures(campaign)
        failed = (
            campaign.kind == Campaign.Kind.ALL_OR_NOTHING
            and found.pledged_total_cents < campaign.min_goal_cents
        ) or found.pledges == 0
        pledges = list(
            Pledge.objects.select_for_update(of=("self",))
            .filter(campaign=campaign, status__in=reads.ACTIVE_PLEDGES)
            .select_related("user")
        )
        if failed:
            for receipt in Receipt.objects.filter(
                pledge__campaign=campaign, refunded_at__isnull=True
            ):
                _refund(receipt, by=by)
            for item in pledges:
                item.status = (
                    Pledge.Status.REFUNDED
                    if item.status == Pledge.Status.RECEIVED
                    else Pledge.Status.CANCELLED
                )
                item.save(update_fields=["status"])
            campaign.status = Campaign.Status.FAILED
        else:
            for item in pledges:
                if item.status == Pledge.Status.PLEDGED and item.amount_cents > 0:
                    item.status = Pledge.Status.CALLED
                    item.save(update_fields=["status"])
            campaign.status = Campaign.Status.SUCCEEDED
        campaign.closed_at = now
        campaign.save(update_fields=["status", "closed_at"])
        _notify_closed(campaign, pledges, failed=failed)
    return campaign


def _notify_closed(campaign: Campaign, pledges: list[Pledge], *, failed: bool) -> None:
    if failed:
        title = _("Campagne « %(title)s » : objectif non atteint") % {"title": campaign.title}
        body = _("Votre promesse est annulée ; l'argent déjà versé vous est remboursé.")
    else:
        title = _("Campagne « %(title)s » réussie : votre promesse est appelée") % {
            "title": campaign.title
        }
        body = _("Merci de verser le montant promis par virement, en citant la campagne.")
    notify(
        users=[p.user for p in pledges if p.user is not None],
        topic="commons.campaign",
        title=title,
        body=body,
        url=campaign.get_absolute_url(),
    )


def close_due_campaigns(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Close every due campaign (the periodic command); return how many."""
    now = now or timezone.now()
    closed = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN):
        if reads.is_due(campaign, now=now):
            if not dry_run:
                close_campaign(campaign=campaign, by=None, now=now)
            closed += 1
    return closed


# --- payouts ------------------------------------------------------------------------------------


def _read_receipt(upload: UploadedFile) -> tuple[bytes, str]:
    if too_large(upload, MAX_RECEIPT_BYTES):
        raise CampaignError(
            _("Le justificatif dépasse %(max)s Mo.") % {"max": MAX_RECEIPT_BYTES // 1024 // 1024},
            field="receipt",
        )
    content = b"".join(upload.chunks())
    found = check_document(content)
    if found is not None and found[0] in IMAGE_EXTENSIONS:
        try:
            content, _w, _h = reencode_image(io.BytesIO(content), max_side=3000)
        except UnreadableImage:
            found = None
        else:
            found = ("jpg", "image/jpeg")
    if found is None:
        raise CampaignError(
            _("Le justificatif doit être un PDF, une image ou un document bureautique lisible."),
            field="receipt",
        )
    return content, found[0]


def payout_key(payout: Payout) -> str:
    return f"commons.payout-review:{payout.pk}"


def request_payout(
    *,
    campaign: Campaign,
    amount_cents: int,
    description: str,
    payee_name: str,
    receipt: UploadedFile | None,
    by: User,
    payee_user: User | None = None,
) -> Payout:
    """Ask for a payout from a campaign that succeeded, with its receipt.

    Raise NotAllowed, CampaignClosed (not succeeded), InvalidAmount, NotEnoughMoney, CampaignError.
    """
    if not reads.can_request_payout(user=by, campaign=campaign):
        raise NotAllowed(
            _(
                "Seul·es les aiguilleur·ses, la coordination et les mainteneur·ses du commun "
                "demandent une dépense."
            )
        )
    campaign.refresh_from_db(fields=["status"])
    if campaign.status != Campaign.Status.SUCCEEDED:
        raise CampaignClosed(_("L'argent d'une campagne se dépense une fois la campagne réussie."))
    _check_money(amount_cents, field="amount", positive=True)
    description = (description or "").strip()
    payee_name = (payee_name or "").strip() or (payee_user.public_name if payee_user else "")
    if not description:
        raise CampaignError(_("Dites ce que la dépense paie."), field="description")
    if not payee_name:
        raise CampaignError(_("Nommez qui reçoit l'argent."), field="payee_name")
    if receipt is None:
        raise CampaignError(_("Joignez le justificatif (facture, note)."), field="receipt")
    balance = reads.figures(campaign).balance_cents
    if amount_cents > balance:
        raise NotEnoughMoney(
            _("La campagne ne dispose que de %(left)s : dépense refusée.")
            % {"left": format_cents(max(balance, 0))}
        )
    content, ext = _read_receipt(receipt)
    with transaction.atomic():
        payout = Payout(
            campaign=campaign,
            amount_cents=amount_cents,
            description=description[:250],
            payee_name=payee_name[:150],
            payee_user=payee_user,
            requested_by=by,
        )
        payout.receipt.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
        payout.save()
        coordinators = User.objects.filter(
            network_roles__network=campaign.network, network_roles__role="coordinator"
        ).distinct()
        notify(
            users=list(coordinators),
            topic="commons.campaign",
            title=_("Dépense à valider : %(what)s") % {"what": payout.description},
            body=_("%(amount)s sur la campagne « %(title)s ».")
            % {"amount": format_cents(amount_cents), "title": campaign.title},
            url=campaign.get_absolute_url(),
            exclude=by,
            key=payout_key(payout),
        )
    return payout


def _check_reviewer(payout: Payout, by: User) -> None:
    if by.pk in (payout.requested_by_id, payout.payee_user_id):
        raise OwnPayout(
            _("Vous ne pouvez pas valider une dépense que vous avez demandée ou qui vous paie.")
        )
    if not reads.can_manage_campaign(user=by, campaign=payout.campaign):
        raise NotAllowed(_("Seule la coordination du réseau valide les dépenses."))
    if payout.status != Payout.Status.SUBMITTED:
        raise AlreadyRecorded(_("Cette dépense a déjà été examinée."))


def approve_payout(*, payout: Payout, by: User) -> Payout:
    """Approve and pay: campaign account → payee in the ledger. Raise OwnPayout, NotAllowed,
    AlreadyRecorded, NotEnoughMoney."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=payout.campaign_id)
        payout = Payout.objects.select_for_update(of=("self",)).get(pk=payout.pk)
        payout.campaign = campaign
        _check_reviewer(payout, by)
        balance = reads.figures(campaign).balance_cents
        if payout.amount_cents > balance:
            raise NotEnoughMoney(
                _("La campagne ne dispose que de %(left)s : dépense refusée.")
                % {"left": format_cents(max(balance, 0))}
            )
        payout.status = Payout.Status.PAID
        payout.reviewed_by = by
        payout.reviewed_at = timezone.now()
        payout.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        payee = (
            ledger.member_account(network=campaign.network, user=payout.payee_user)
            if payout.payee_user is not None
            else ledger.external_account(network=campaign.network, name=payout.payee_name)
        )
        ledger.post_transfer(
            debit=campaign_account(campaign),
            credit=payee,
            amount_cents=payout.amount_cents,
            reason=CampaignReason.PAYOUT,
            idempotency_key=f"campaign-payout-{payout.pk}",
            memo=payout.description,
            cause=payout,
            authority=payout,
            by=by,
        )
        mark_handled(key=payout_key(payout))
        if payout.requested_by is not None:
            notify(
                users=[payout.requested_by],
                topic="commons.campaign",
                title=_("Dépense validée et payée : %(what)s") % {"what": payout.description},
                url=campaign.get_absolute_url(),
                exclude=by,
            )
    return payout


def reject_payout(*, payout: Payout, by: User, reason: str) -> Payout:
    reason = (reason or "").strip()
    if not reason:
        raise CampaignError(_("Dites pourquoi la dépense est refusée."), field="reason")
    with transaction.atomic():
        payout = (
            Payout.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=payout.pk)
        )
        _check_reviewer(payout, by)
        payout.status = Payout.Status.REJECTED
        payout.reviewed_by = by
        payout.reviewed_at = timezone.now()
        payout.rejection_reason = reason[:300]
        payout.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
        mark_handled(key=payout_key(payout))
    return payout


# --- the campaigns agree with the ledger ----------------------------------------------------------


def campaign_ledger_issues() -> list[str]:
    """Problems between the campaigns' records and the ledger (empty when all agree)."""
    issues: list[str] = []
    balances = ledger_selectors.derived_balances()
    accounts: dict[int, int] = {
        owner: pk
        for owner, pk in Account.objects.filter(kind=CampaignAccountKind.CAMPAIGN).values_list(
            "owner_id", "pk"
        )
        if owner is not None
    }
    campaign_ids = set(accounts) | set(
        Receipt.objects.values_list("pledge__campaign_id", flat=True).distinct()
    )
    receipt_type = content_type_for(Receipt)
    for campaign in Campaign.objects.filter(pk__in=campaign_ids):
        found = reads.figures(campaign)
        actual = balances.get(accounts.get(campaign.pk, -1), 0)
        if actual != found.balance_cents:
            issues.append(
                f"campaign {campaign.slug}: account {actual} != received - paid out "
                f"{found.balance_cents}"
            )
        if found.pledged_total_cents > campaign.max_goal_cents:
            issues.append(f"campaign {campaign.slug}: pledges above the maximum")
        if found.matched_cents > campaign.match_cap_cents:
            issues.append(f"campaign {campaign.slug}: matching above its cap")
    # Money leaves a campaign account only for a paid payout, or as a refund.
    leaving = Transfer.objects.filter(debit__kind=CampaignAccountKind.CAMPAIGN)
    for pk, reason, cause_type in leaving.values_list("pk", "reason", "cause_type_id"):
        if reason in (CampaignReason.PAYOUT, CampaignReason.SEED):
            continue
        if reason == TransferReason.REVERSAL and cause_type == receipt_type.pk:
            continue
        issues.append(f"transfer {pk} leaves a campaign account unexplained")
    paid = set(Payout.objects.filter(status=Payout.Status.PAID).values_list("pk", flat=True))
    cited = {
        pk
        for pk in Transfer.objects.with_cause_of_type(Payout)
        .filter(reason=CampaignReason.PAYOUT)
        .values_list("cause_id", flat=True)
        if pk is not None
    }
    for pk in paid ^ cited:
        issues.append(f"payout {pk}: paid status and ledger payment disagree")
    granted: dict[int, int] = dict(
        SeedBudget.objects.filter(granted_at__isnull=False).values_list("pk", "amount_cents")
    )
    seeded: dict[int, int] = {
        cause: amount
        for cause, amount in Transfer.objects.with_cause_of_type(SeedBudget)
        .filter(reason=CampaignReason.SEED, reversed_by__isnull=True)
        .values_list("cause_id", "amount_cents")
        if cause is not None
    }
    for pk in set(granted) | set(seeded):
        if granted.get(pk) != seeded.get(pk):
            issues.append(f"seed budget {pk}: granted amount and ledger transfer disagree")
    return issues


def campaigns_coordinated(*, by: User) -> list[Network]:
    """The networks in which this person may open a campaign."""
    return list(networks_coordinated_by(user=by).order_by("name"))


def place_choices(*, by: User) -> list[Place]:
    from maillage.places.selectors import places_managed_by

    return list(places_managed_by(user=by).order_by("name"))


def managers_of(place: Place) -> list[User]:
    return place_managers(place=place)
