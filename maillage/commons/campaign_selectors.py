"""Reads of the co-funding campaigns: who may do what, the figures (from the records, proved
equal to the ledger by `campaigns.campaign_ledger_issues`), the public and private lists."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from maillage.accounts.models import User
from maillage.commons.models import Campaign, Maintainer, Payout, Pledge, Receipt, SeedBudget
from maillage.networks.selectors import is_coordinator, networks_guided_by

AnyUser = User | AnonymousUser

ACTIVE_PLEDGES = (Pledge.Status.PLEDGED, Pledge.Status.CALLED, Pledge.Status.RECEIVED)


def can_manage_campaign(*, user: AnyUser, campaign: Campaign) -> bool:
    """The coordinators of the campaign's network (or of an ancestor) run it."""
    return is_coordinator(user=user, network=campaign.network)


def can_request_payout(*, user: AnyUser, campaign: Campaign) -> bool:
    """Guides and coordinators of its network, and the maintainers of its commons."""
    if not user.is_authenticated:
        return False
    if networks_guided_by(user=user).filter(pk=campaign.network_id).exists():
        return True
    return (
        campaign.commons_id is not None
        and Maintainer.objects.filter(commons_id=campaign.commons_id, user=user).exists()
    )


def public_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("network", "commons").order_by("status", "deadline")


def get_campaign(*, slug: str) -> Campaign:
    """A campaign's public page (every campaign is public: it asks the public for money)."""
    return get_object_or_404(Campaign.objects.select_related("network", "commons"), slug=slug)


def get_campaign_for_manager(*, user: AnyUser, slug: str) -> Campaign:
    campaign = get_campaign(slug=slug)
    if not can_manage_campaign(user=user, campaign=campaign):
        raise Http404
    return campaign


def is_due(campaign: Campaign, *, now: datetime.datetime | None = None) -> bool:
    """Due once its deadline has passed, or once pledges reached the maximum (the periodic
    command closes it then)."""
    now = now or timezone.now()
    if campaign.status != Campaign.Status.OPEN:
        return False
    return (
        campaign.deadline <= now or figures(campaign).pledged_total_cents >= campaign.max_goal_cents
    )


def may_close(campaign: Campaign, *, now: datetime.datetime | None = None) -> bool:
    """Its coordinators may close it when due, or early once the goal is reached."""
    if campaign.status != Campaign.Status.OPEN:
        return False
    return is_due(campaign, now=now) or (
        figures(campaign).pledged_total_cents >= campaign.goal_cents
    )


def match_for(campaign: Campaign, pledged_cents: int) -> int:
    """What the matching fund adds to `pledged_cents` of pledges: as much, up to its cap."""
    if not campaign.match_funder or campaign.match_cap_cents <= 0:
        return 0
    return min(pledged_cents, campaign.match_cap_cents)


def largest_pledge(campaign: Campaign, pledged_cents: int) -> int:
    """The largest new pledge that keeps pledges (with their matching) under the maximum."""
    room = campaign.max_goal_cents - pledged_cents - match_for(campaign, pledged_cents)
    if room <= 0:
        return 0
    match_left = 0
    if campaign.match_funder:
        match_left = max(campaign.match_cap_cents - match_for(campaign, pledged_cents), 0)
    # A pledge p adds p + min(p, match_left).
    if room >= 2 * match_left:
        return room - match_left
    return room // 2


@dataclass
class Figures:
    goal_cents: int
    min_goal_cents: int
    max_goal_cents: int
    secured_cents: int
    pledged_cents: int  # money promised (active pledges), without the matching
    matched_cents: int  # what the matching fund adds to it
    received_cents: int  # receipts kept + their matching, in the campaign's account
    paid_out_cents: int
    hours: int
    hours_value_cents: int
    pledges: int
    contributing_places: list[str] = field(default_factory=list)
    seeded_cents: int = 0  # seed budgets granted to circles' envelopes

    @property
    def spent_cents(self) -> int:
        """What left the campaign's account: payouts and seed budgets."""
        return self.paid_out_cents + self.seeded_cents

    @property
    def pledged_total_cents(self) -> int:
        return self.pledged_cents + self.matched_cents

    @property
    def balance_cents(self) -> int:
        return self.received_cents - self.paid_out_cents - self.seeded_cents

    @property
    def remaining_cents(self) -> int:
        """What is still missing to reach the goal."""
        return max(self.goal_cents - self.pledged_total_cents, 0)

    @property
    def percent(self) -> int:
        if self.goal_cents <= 0:
            return 0
        return min(100, self.pledged_total_cents * 100 // self.goal_cents)

    @property
    def received_percent(self) -> int:
        if self.goal_cents <= 0:
            return 0
        return min(100, self.received_cents * 100 // self.goal_cents)


def figures(campaign: Campaign) -> Figures:
    active = Pledge.objects.filter(campaign=campaign, status__in=ACTIVE_PLEDGES)
    sums = active.aggregate(money=Sum("amount_cents"), hours=Sum("hours"))
    pledged = sums["money"] or 0
    hours = sums["hours"] or 0
    kept = Receipt.objects.filter(pledge__campaign=campaign, refunded_at__isnull=True).aggregate(
        money=Sum("amount_cents"), matched=Sum("matched_cents")
    )
    paid = (
        Payout.objects.filter(campaign=campaign, status=Payout.Status.PAID).aggregate(
            total=Sum("amount_cents")
        )["total"]
        or 0
    )
    seeded = (
        SeedBudget.objects.filter(campaign=campaign, granted_at__isnull=False).aggregate(
            total=Sum("amount_cents")
        )["total"]
        or 0
    )
    places = sorted(
        set(
            active.filter(by_kind=Pledge.By.PLACE, anonymous=False, place__isnull=False)
            .values_list("place__name", flat=True)
            .distinct()
        )
    )
    return Figures(
        goal_cents=campaign.goal_cents,
        min_goal_cents=campaign.min_goal_cents,
        max_goal_cents=campaign.max_goal_cents,
        secured_cents=campaign.secured_cents,
        pledged_cents=pledged,
        matched_cents=match_for(campaign, pledged),
        received_cents=(kept["money"] or 0) + (kept["matched"] or 0),
        paid_out_cents=paid,
        hours=hours,
        hours_value_cents=hours * campaign.hour_rate_cents,
        pledges=active.count(),
        contributing_places=places,
        seeded_cents=seeded,
    )


def public_pledges(campaign: Campaign) -> QuerySet[Pledge]:
    """Active pledges as everyone sees them (anonymous ones show no name: `public_name`)."""
    return (
        Pledge.objects.filter(campaign=campaign, status__in=ACTIVE_PLEDGES)
        .select_related("place", "pledging_network", "user")
        .order_by("-created_at", "-pk")
    )


def all_pledges(campaign: Campaign) -> QuerySet[Pledge]:
    """Every pledge with who made it and its receipt: for the campaign's coordinators."""
    return (
        Pledge.objects.filter(campaign=campaign)
        .select_related("place", "pledging_network", "user", "receipt")
        .order_by("status", "created_at", "pk")
    )


def pledges_of(*, user: AnyUser, campaign: Campaign) -> QuerySet[Pledge]:
    if not user.is_authenticated:
        return Pledge.objects.none()
    return all_pledges(campaign).filter(user=user)


def payouts(campaign: Campaign, *, with_pending: bool) -> QuerySet[Payout]:
    found = Payout.objects.filter(campaign=campaign).select_related("requested_by", "reviewed_by")
    if not with_pending:
        found = found.filter(status=Payout.Status.PAID)
    return found.order_by("-requested_at", "-pk")


def get_payout_for_viewer(*, user: AnyUser, campaign: Campaign, pk: int) -> Payout:
    """A payout request, for the campaign's coordinators and whoever requested it."""
    payout = get_object_or_404(
        Payout.objects.select_related("campaign", "requested_by", "payee_user"),
        pk=pk,
        campaign=campaign,
    )
    if payout.requested_by_id != user.pk and not can_manage_campaign(user=user, campaign=campaign):
        raise Http404
    return payout


def campaigns_to_handle(*, user: AnyUser) -> QuerySet[Campaign]:
    """For "Mon espace": the campaigns a person coordinates, or has pledged to."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    from maillage.networks.selectors import networks_coordinated_by

    return (
        Campaign.objects.filter(
            Q(network__in=networks_coordinated_by(user=user)) | Q(pledges__user=user)
        )
        .distinct()
        .select_related("network")
        .order_by("status", "deadline")
    )


def campaign_tasks(*, user: AnyUser) -> list[tuple[str, str]]:
    """What "Mon espace" lists for the coordinators of campaigns: receipts to record, campaigns
    to close, payouts to review (never one they asked for or receive)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from maillage.networks.selectors import networks_coordinated_by

    if not user.is_authenticated:
        return []
    tasks: list[tuple[str, str]] = []
    mine = Campaign.objects.filter(
        network__in=networks_coordinated_by(user=user),
        status__in=[Campaign.Status.OPEN, Campaign.Status.SUCCEEDED],
    ).order_by("deadline")
    for campaign in mine[:20]:
        waiting = Pledge.objects.filter(
            campaign=campaign,
            status__in=[Pledge.Status.PLEDGED, Pledge.Status.CALLED],
            amount_cents__gt=0,
        ).count()
        if waiting and campaign.status == Campaign.Status.SUCCEEDED:
            tasks.append(
                (
                    ngettext(
                        "%(n)d versement à enregistrer — %(title)s",
                        "%(n)d versements à enregistrer — %(title)s",
                        waiting,
                    )
                    % {"n": waiting, "title": campaign.title},
                    reverse("commons:campaign-pledges", args=[campaign.slug]),
                )
            )
        if may_close(campaign):
            tasks.append(
                (
                    _("Campagne à clore — %(title)s") % {"title": campaign.title},
                    reverse("commons:campaign-close", args=[campaign.slug]),
                )
            )
    to_review = (
        Payout.objects.filter(
            campaign__network__in=networks_coordinated_by(user=user),
            status=Payout.Status.SUBMITTED,
        )
        .exclude(requested_by=user)
        .exclude(payee_user=user)
        .select_related("campaign")
    )
    for payout in to_review[:20]:
        tasks.append(
            (
                _("Dépense de campagne à valider — %(what)s") % {"what": payout.description},
                reverse("commons:campaign-payout", args=[payout.campaign.slug, payout.pk]),
            )
        )
    return tasks


def seed_budgets(campaign: Campaign) -> list[SeedBudget]:
    """The campaign's seed budgets (public: what the money pays), each with its circle."""
    return list(SeedBudget.objects.filter(campaign=campaign).select_related("circle"))
