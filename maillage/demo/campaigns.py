"""The demo's co-funding campaigns: one all-or-nothing *appel à communs* with a matching fund,
still open, and one keep-what-you-raise campaign for Paheko with hours given in kind, already
successful — pledges by demo places and people, some received, one payout paid. The regional
coordination finds receipts to record in Mon espace and, on Paheko's campaign, a seed budget
to grant to a circle; a place manager can pledge."""

import datetime

from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from maillage.accounts.models import User
from maillage.commons import campaigns
from maillage.commons.models import (
    Campaign,
    CampaignAccountKind,
    Commons,
    Payout,
    Pledge,
    Receipt,
    SeedBudget,
)
from maillage.demo.selectors import REGIONAL_SLUG, demo_places
from maillage.ledger.models import Account, Transfer, content_type_for
from maillage.networks.models import Network
from maillage.places.models import PlaceRole

# A one-page PDF: the demo payout's receipt.
DEMO_RECEIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF"
)


def _coordinator(network: Network) -> User | None:
    return (
        User.objects.filter(network_roles__network=network, network_roles__role="coordinator")
        .order_by("pk")
        .first()
    )


def load_demo_campaigns(*, now: datetime.datetime | None = None) -> dict[str, str]:
    """Build the two demo campaigns once; return what the coordinator and a manager can try."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None or Campaign.objects.filter(network=network).exists():
        return {}
    coordinator = _coordinator(network)
    guide = (
        User.objects.filter(network_roles__network=network, network_roles__role="guide")
        .order_by("pk")
        .first()
    )
    national = network.parent
    national_coordinator = _coordinator(national) if national else None
    managers = [
        (role.user, role.place)
        for role in PlaceRole.objects.filter(place__in=demo_places(), role=PlaceRole.Role.MANAGER)
        .select_related("user", "place")
        .order_by("place__external_id", "user_id")
    ]
    paheko = Commons.objects.filter(network=network, name="Paheko").first()
    if coordinator is None or guide is None or len(managers) < 4 or paheko is None:
        return {}
    # The demo's manager login (the first one) is left free to make the first pledge herself.
    givers = managers[1:]
    now = now or timezone.now()
    keys = iter(range(1, 1000))

    def pledge(campaign: Campaign, by: User, amount: int, **data: object) -> object:
        return campaigns.pledge(
            campaign=campaign,
            data=campaigns.PledgeData(amount_cents=amount, **data),  # type: ignore[arg-type]
            by=by,
            idempotency_key=f"demo-{campaign.slug}-{next(keys)}",
        )

    with transaction.atomic():
        call = campaigns.create_campaign(
            network=network,
            by=coordinator,
            data=campaigns.CampaignData(
                title="Appel à communs 2027 : les défis des tiers-lieux",
                description=(
                    "Les besoins sans bon commun remontés par l'aiguillage deviennent des défis : "
                    "une équipe de deux ou trois lieux s'en empare pendant six mois."
                ),
                pays_for=(
                    "Des budgets d'amorçage d'environ 2 000 € pour les personnes qui portent "
                    "chaque défi, et la rétribution des contributeurs qui documentent le résultat."
                ),
                kind=Campaign.Kind.ALL_OR_NOTHING,
                min_goal_cents=1_200_000,
                goal_cents=2_000_000,
                max_goal_cents=3_000_000,
                secured_cents=400_000,
                secured_note="Budget 2026 du réseau, voté en assemblée",
                deadline=now + datetime.timedelta(days=25),
                match_funder="Fonds régional pour les communs",
                match_cap_cents=500_000,
            ),
        )
        received = []
        for index, (manager, place) in enumerate(givers[:3]):
            received.append(
                pledge(
                    call,
                    manager,
                    [150_000, 80_000, 50_000][index],
                    by_kind="place",
                    place=place,
                    anonymous=index == 2,
                )
            )
        pledge(call, givers[3 % len(givers)][0], 5_000, by_kind="person")
        if national is not None and national_coordinator is not None:
            pledge(call, national_coordinator, 300_000, by_kind="network", network=national)
        _plan_seeds(call, coordinator, SEEDS)
        for item in received[:2]:
            campaigns.record_receipt(
                pledge=item,  # type: ignore[arg-type]
                method="transfer",
                reference=f"VIR DEFIS 2027 {item.pk}",  # type: ignore[attr-defined]
                received_on=timezone.localdate(now),
                by=coordinator,
            )

        paheko_campaign = campaigns.create_campaign(
            network=network,
            by=coordinator,
            data=campaigns.CampaignData(
                title="Paheko pour les tiers-lieux : un plan comptable partagé",
                commons=paheko,
                pays_for=(
                    "La rétribution des contributeurs qui écrivent le plan comptable type d'un "
                    "tiers-lieu associatif et le guide de prise en main."
                ),
                kind=Campaign.Kind.KEEP,
                min_goal_cents=100_000,
                goal_cents=600_000,
                max_goal_cents=800_000,
                deadline=now + datetime.timedelta(days=10),
                hour_rate_cents=2_500,
            ),
        )
        first = pledge(
            paheko_campaign, givers[0][0], 350_000, by_kind="place", place=givers[0][1], hours=12
        )
        pledge(paheko_campaign, givers[1][0], 0, by_kind="place", place=givers[1][1], hours=20)
        pledge(
            paheko_campaign, coordinator, 200_000, by_kind="funder", funder_name="Fondation Macif"
        )
        pledge(paheko_campaign, givers[2][0], 60_000, by_kind="person", anonymous=True)
        # Goal reached: the coordination closes it early and the pledges are called.
        campaigns.close_campaign(campaign=paheko_campaign, by=coordinator)
        campaigns.record_receipt(
            pledge=first,  # type: ignore[arg-type]
            method="external",
            reference="HelloAsso 2026-118",
            received_on=timezone.localdate(now),
            by=coordinator,
        )
        payout = campaigns.request_payout(
            campaign=paheko_campaign,
            amount_cents=120_000,
            description="Rétribution : rédaction du plan comptable type",
            payee_name="Collectif Compta Libre",
            receipt=SimpleUploadedFile("facture.pdf", DEMO_RECEIPT),
            by=guide,
        )
        campaigns.approve_payout(payout=payout, by=coordinator)
        # Succeeded and holding the money: a seed budget the coordinator can grant right away.
        seeded = _plan_seeds(paheko_campaign, coordinator, PAHEKO_SEEDS)
    first_manager = managers[0][0]
    grant = (
        " Verser au cercle le budget d'amorçage prévu sur la campagne Paheko (Communs → "
        "Campagnes de cofinancement)."
        if seeded
        else ""
    )
    return {
        coordinator.email: "Campagnes : enregistrer les versements appelés de la campagne Paheko "
        "(Mon espace), suivre l'appel à communs." + grant,
        first_manager.email: "Promettre pour votre lieu à l'appel à communs (Communs → Campagnes "
        "de cofinancement).",
    }


# (challenge, who drives it): the call's seed budgets, granted to a circle once it succeeds.
SEEDS = [
    ("Réserver les machines avec les habilitations de chaque personne", "Équipe du fablab"),
    ("Un modèle de convention d'occupation temporaire", "Collectif des lieux ruraux"),
]
# Paheko's campaign succeeded and holds more than this once its payout is paid: grantable.
PAHEKO_SEEDS = [
    ("Former les trésorier·es des lieux à Paheko", "Collectif Compta Libre"),
]


def _plan_seeds(call: Campaign, coordinator: User, planned: list[tuple[str, str]]) -> bool:
    """Seed budgets of 2,000 € on a campaign, each managed by a circle of the network (none
    when the network has no circle)."""
    from maillage.commons import seeds

    circles = seeds.circles_for(call)
    if not circles:
        return False
    for index, (challenge, holder) in enumerate(planned):
        seeds.plan_seed_budget(
            campaign=call,
            data=seeds.SeedData(
                challenge=challenge,
                holder_name=holder,
                amount_cents=200_000,
                circle_id=circles[index % len(circles)].pk,
            ),
            by=coordinator,
        )
    return True


def delete_demo_campaigns() -> None:
    """Delete the demo campaigns and their ledger rows (demo only: real transfers never are)."""
    found = list(Campaign.objects.filter(network__slug=REGIONAL_SLUG))
    if not found:
        return
    with transaction.atomic():
        receipts = Receipt.objects.filter(pledge__campaign__in=found)
        payouts = Payout.objects.filter(campaign__in=found)
        # A seed budget granted from the demo (the coordinator's "Verser au cercle") moved money
        # out of the campaign's account: that transfer goes too, or the account stays protected.
        seed_budgets = SeedBudget.objects.filter(campaign__in=found)
        transfers = Transfer.objects.filter(
            Q(cause_type=content_type_for(Receipt), cause_id__in=receipts.values("pk"))
            | Q(cause_type=content_type_for(Payout), cause_id__in=payouts.values("pk"))
            | Q(cause_type=content_type_for(SeedBudget), cause_id__in=seed_budgets.values("pk"))
        )
        touched = set(transfers.values_list("debit_id", flat=True)) | set(
            transfers.values_list("credit_id", flat=True)
        )
        models.QuerySet.delete(transfers.filter(reverses__isnull=False))
        models.QuerySet.delete(transfers)
        # The other accounts the campaigns touched keep their other movements: their cached
        # balance is recomputed from what remains.
        for account in Account.objects.filter(pk__in=touched):
            credits = account.credits.aggregate(t=Sum("amount_cents"))["t"] or 0
            debits = account.debits.aggregate(t=Sum("amount_cents"))["t"] or 0
            Account.objects.filter(pk=account.pk).update(balance_cents=credits - debits)
        Account.objects.filter(
            kind__in=[CampaignAccountKind.CAMPAIGN, CampaignAccountKind.NETWORK],
            network__slug=REGIONAL_SLUG,
        ).delete()
        receipts.delete()
        payouts.delete()
        # Their circles' envelopes go with the demo circles (delete_demo_circles, next).
        seed_budgets.delete()
        Pledge.objects.filter(campaign__in=found).delete()
        Campaign.objects.filter(pk__in=[c.pk for c in found]).delete()
