"""Seed budgets of *défis*: a campaign's money paid to the people driving a challenge, through
the circles' budgets.

A coordinator plans a seed budget on a campaign (the challenge, who drives it, about 2,000 €,
the circle of the network that will manage it). Once the campaign succeeded and its account
holds the money, granting it posts campaign → the campaign as a funder of the circle (reason
`campaign_seed`, citing the seed budget), then records the circle's envelope with the circles'
own `record_envelope` (that funder → the circle's account). The money is then spent the circles'
way: the holder proposes, the circle's meeting grants from the envelope, expenses are approved
with their receipts. The campaign's figures count it as spent (`Figures.seeded_cents`), and
`campaign_ledger_issues` proves each grant equals its transfer.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles.budget_services import BudgetError, record_envelope
from maillage.circles.selectors import get_circle_by_pk, network_circles
from maillage.commons import campaign_selectors as reads
from maillage.commons.campaigns import (
    CampaignClosed,
    CampaignError,
    NotEnoughMoney,
    _check_money,
    campaign_account,
)
from maillage.commons.models import Campaign, CampaignReason, SeedBudget
from maillage.commons.services import NotAllowed
from maillage.ledger import services as ledger
from maillage.lib.money import format_cents

SEED_DEFAULT_CENTS = 200_000
# What circles call a co-funding (`circles.models.FunderKind.COFINANCING`).
ENVELOPE_FUNDER_KIND = "cofinancing"


class AlreadyGranted(CampaignError):
    status = 409


@dataclass(frozen=True, kw_only=True)
class SeedData:
    challenge: str
    holder_name: str
    amount_cents: int
    circle_id: int


def circles_for(campaign: Campaign) -> list:
    """The circles that may manage a seed budget of this campaign: its network's."""
    return network_circles(network=campaign.network)


def funder_name(campaign: Campaign) -> str:
    """How the campaign appears as a funder in the circle's budget and in the ledger."""
    return _("Campagne « %(title)s »") % {"title": campaign.title[:150]}


def plan_seed_budget(*, campaign: Campaign, data: SeedData, by: User) -> SeedBudget:
    """Plan a seed budget on a campaign. Raise NotAllowed, CampaignClosed, CampaignError."""
    if not reads.can_manage_campaign(user=by, campaign=campaign):
        raise NotAllowed(_("Seule la coordination du réseau prévoit les budgets d'amorçage."))
    if campaign.status == Campaign.Status.FAILED:
        raise CampaignClosed(_("Cette campagne n'a pas atteint son objectif : rien à verser."))
    challenge = " ".join(data.challenge.split())
    holder = " ".join(data.holder_name.split())
    if not challenge:
        raise CampaignError(_("Dites quel défi ce budget amorce."), field="challenge")
    if not holder:
        raise CampaignError(_("Nommez qui porte le défi."), field="holder_name")
    _check_money(data.amount_cents, field="amount", positive=True)
    circle = get_circle_by_pk(data.circle_id)
    if circle is None or circle.network_id != campaign.network_id:
        raise CampaignError(
            _("Choisissez un cercle du réseau qui porte la campagne."), field="circle"
        )
    with transaction.atomic():
        locked = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
        planned = sum(
            SeedBudget.objects.filter(campaign=locked).values_list("amount_cents", flat=True)
        )
        if planned + data.amount_cents > locked.max_goal_cents:
            raise CampaignError(
                _(
                    "Les budgets d'amorçage prévus dépasseraient le plafond de la campagne "
                    "(%(max)s)."
                )
                % {"max": format_cents(locked.max_goal_cents)},
                field="amount",
            )
        return SeedBudget.objects.create(
            campaign=locked,
            challenge=challenge[:200],
            holder_name=holder[:150],
            amount_cents=data.amount_cents,
            circle=circle,
            created_by=by,
        )


def grant_seed_budget(*, seed: SeedBudget, by: User) -> SeedBudget:
    """Pay a planned seed budget into its circle's budget, as an envelope.

    Raise NotAllowed, CampaignClosed (the campaign has not succeeded), AlreadyGranted,
    NotEnoughMoney, CampaignError (the circle refused the envelope)."""
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(of=("self",))
            .select_related("network")
            .get(pk=seed.campaign_id)
        )
        seed = SeedBudget.objects.select_for_update(of=("self",)).get(pk=seed.pk)
        if not reads.can_manage_campaign(user=by, campaign=campaign):
            raise NotAllowed(_("Seule la coordination du réseau verse les budgets d'amorçage."))
        if seed.granted_at is not None:
            raise AlreadyGranted(_("Ce budget d'amorçage est déjà versé au cercle."))
        if campaign.status != Campaign.Status.SUCCEEDED:
            raise CampaignClosed(
                _("Un budget d'amorçage se verse une fois la campagne réussie et les fonds reçus.")
            )
        balance = reads.figures(campaign).balance_cents
        if seed.amount_cents > balance:
            raise NotEnoughMoney(
                _(
                    "La campagne ne dispose que de %(left)s : enregistrez d'abord les versements "
                    "reçus."
                )
                % {"left": format_cents(max(balance, 0))}
            )
        circle = get_circle_by_pk(seed.circle_id)
        assert circle is not None  # protected from deletion by the seed budget
        funder = funder_name(campaign)
        ledger.post_transfer(
            debit=campaign_account(campaign),
            credit=ledger.funder_account(network=circle.network, name=funder),
            amount_cents=seed.amount_cents,
            reason=CampaignReason.SEED,
            idempotency_key=f"campaign-seed-{seed.pk}",
            memo=_("Budget d'amorçage : %(challenge)s") % {"challenge": seed.challenge},
            cause=seed,
            by=by,
        )
        try:
            envelope = record_envelope(
                circle=circle,
                year=timezone.localdate().year,
                funder_kind=ENVELOPE_FUNDER_KIND,
                funder=funder,
                amount_cents=seed.amount_cents,
                note=_("Budget d'amorçage du défi « %(challenge)s », porté par %(holder)s.")
                % {"challenge": seed.challenge, "holder": seed.holder_name},
                by=by,
            )
        except BudgetError as refusal:
            raise CampaignError(refusal.message, field="circle") from refusal
        seed.envelope = envelope
        seed.granted_at = timezone.now()
        seed.granted_by = by
        seed.save(update_fields=["envelope", "granted_at", "granted_by"])
    return seed
