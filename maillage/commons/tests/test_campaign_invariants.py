"""Property-based: random sequences of pledges (by people, places, networks, funders; random
amounts, some negative or absurd, some over the maximum, some after the deadline), receipts,
closing (called or refunded), payouts requested and reviewed (by the requester, a stranger, a
coordinator), seed budgets planned and granted into a circle's envelope keep every campaign
invariant after every step:

- each campaign's account in the ledger equals received − paid out − seeded
  (`campaign_ledger_issues`), each granted seed budget its transfer;
- pledges with their matching never exceed the maximum; matching never exceeds its cap;
- the ledger sums to zero with true cached balances;
- a refused step changed nothing (the counts of pledges, receipts, payouts and transfers).
"""

import datetime
import itertools

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from maillage.accounts.tests.factories import UserFactory
from maillage.circles.tests.factories import CircleFactory
from maillage.commons import campaign_selectors as reads
from maillage.commons import campaigns, seeds
from maillage.commons.models import Campaign, Payout, Pledge, Receipt, SeedBudget
from maillage.commons.services import CommonsError
from maillage.commons.tests.test_campaigns import PDF
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.ledger.selectors import check_ledger
from maillage.networks.models import NetworkRole
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.slow

REFUSALS = (CommonsError, ledger.LedgerError)
START = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
amounts = st.one_of(
    st.integers(min_value=1, max_value=400_000),
    st.sampled_from([-1, 0, 100_000_001, 800_000]),
)


class World:
    def __init__(self, network, other):
        self.network = network
        self.coordinators = [UserFactory(), UserFactory()]
        for user in self.coordinators:
            NetworkRole.objects.create(network=network, user=user, role="coordinator")
        self.other_coordinator = UserFactory()
        NetworkRole.objects.create(network=other, user=self.other_coordinator, role="coordinator")
        self.other = other
        self.manager = UserFactory()
        self.place = PlaceFactory()
        PlaceRole.objects.create(place=self.place, user=self.manager, role="manager")
        self.person = UserFactory()
        self.circle = CircleFactory(network=network)


class CampaignMachine(RuleBasedStateMachine):
    world: World

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.keys = itertools.count()
        self.clock = time_machine.travel(START, tick=False)
        self.traveller = self.clock.start()
        self.campaigns: list[Campaign] = []

    def teardown(self):
        self.clock.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def counts(self):
        return (
            Pledge.objects.count(),
            Receipt.objects.count(),
            Payout.objects.filter(status="paid").count(),
            Transfer.objects.count(),
            Campaign.objects.filter(status="open").count(),
            SeedBudget.objects.count(),
            SeedBudget.objects.filter(granted_at__isnull=False).count(),
        )

    def attempt(self, action):
        before = self.counts()
        try:
            with transaction.atomic():
                action()
        except REFUSALS:
            assert self.counts() == before, "a refused step changed something"

    def pick(self, n):
        return self.campaigns[n % len(self.campaigns)] if self.campaigns else None

    @rule(
        kind=st.sampled_from(list(Campaign.Kind.values)),
        match=st.sampled_from([0, 50_000, 300_000]),
    )
    def open_campaign(self, kind, match):
        def act():
            self.campaigns.append(
                campaigns.create_campaign(
                    network=self.world.network,
                    by=self.world.coordinators[0],
                    data=campaigns.CampaignData(
                        title=f"Campagne {next(self.keys)}",
                        pays_for="Des budgets d'amorçage",
                        kind=kind,
                        min_goal_cents=200_000,
                        goal_cents=400_000,
                        max_goal_cents=600_000,
                        deadline=timezone.now() + datetime.timedelta(days=10),
                        match_funder="Région" if match else "",
                        match_cap_cents=match,
                    ),
                )
            )

        self.attempt(act)

    @rule(n=st.integers(0, 9), who=st.integers(0, 4), amount=amounts, hours=st.integers(0, 30))
    def pledge(self, n, who, amount, hours):
        campaign = self.pick(n)
        if campaign is None:
            return
        w = self.world
        by, data = [
            (w.person, {"by_kind": "person"}),
            (w.manager, {"by_kind": "place", "place": w.place}),
            (w.other_coordinator, {"by_kind": "network", "network": w.other}),
            (w.coordinators[1], {"by_kind": "funder", "funder_name": "Fondation"}),
            (w.person, {"by_kind": "place", "place": w.place}),  # not hers: refused
        ][who]
        self.attempt(
            lambda: campaigns.pledge(
                campaign=campaign,
                data=campaigns.PledgeData(amount_cents=amount, hours=hours, **data),
                by=by,
                idempotency_key=f"p-{next(self.keys)}",
            )
        )

    @rule(n=st.integers(0, 50), stranger=st.booleans())
    def receive(self, n, stranger):
        pledges = list(Pledge.objects.filter(status__in=["pledged", "called"]).order_by("pk"))
        if not pledges:
            return
        by = self.world.other_coordinator if stranger else self.world.coordinators[0]
        self.attempt(
            lambda: campaigns.record_receipt(
                pledge=pledges[n % len(pledges)],
                method="transfer",
                reference="VIR",
                received_on=timezone.localdate(),
                by=by,
            )
        )

    @rule(days=st.integers(1, 12))
    def time_passes(self, days):
        self.traveller.shift(datetime.timedelta(days=days))

    @rule()
    def close_due(self):
        self.attempt(campaigns.close_due_campaigns)

    @rule(n=st.integers(0, 9))
    def close_early(self, n):
        campaign = self.pick(n)
        if campaign is not None:
            self.attempt(
                lambda: campaigns.close_campaign(campaign=campaign, by=self.world.coordinators[0])
            )

    @rule(n=st.integers(0, 9), amount=amounts, reviewer=st.integers(0, 2))
    def payout(self, n, amount, reviewer):
        campaign = self.pick(n)
        if campaign is None:
            return
        requester = self.world.coordinators[0]
        made: list[Payout] = []

        def ask():
            made.append(
                campaigns.request_payout(
                    campaign=campaign,
                    amount_cents=amount,
                    description="Amorçage",
                    payee_name="Collectif",
                    receipt=SimpleUploadedFile("f.pdf", PDF),
                    by=requester,
                )
            )

        self.attempt(ask)
        if made:
            by = [requester, self.world.other_coordinator, self.world.coordinators[1]][reviewer]
            self.attempt(lambda: campaigns.approve_payout(payout=made[0], by=by))

    @rule(n=st.integers(0, 9), amount=amounts, stranger=st.booleans())
    def seed_budget(self, n, amount, stranger):
        campaign = self.pick(n)
        if campaign is None:
            return
        by = self.world.other_coordinator if stranger else self.world.coordinators[0]
        made: list[SeedBudget] = []

        def plan():
            made.append(
                seeds.plan_seed_budget(
                    campaign=campaign,
                    data=seeds.SeedData(
                        challenge="Un défi",
                        holder_name="Lina",
                        amount_cents=amount,
                        circle_id=self.world.circle.pk,
                    ),
                    by=by,
                )
            )

        self.attempt(plan)
        for seed in SeedBudget.objects.filter(campaign=campaign, granted_at__isnull=True):
            self.attempt(lambda seed=seed: seeds.grant_seed_budget(seed=seed, by=by))

    @invariant()
    def campaigns_equal_the_ledger(self):
        assert campaigns.campaign_ledger_issues() == []
        report = check_ledger()
        assert report.total_cents == 0 and not report.mismatches, report.client_issues
        for campaign in Campaign.objects.all():
            found = reads.figures(campaign)
            assert found.pledged_total_cents <= campaign.max_goal_cents
            assert found.balance_cents >= 0
            if campaign.status == Campaign.Status.FAILED:
                assert found.received_cents == 0


@pytest.mark.django_db
def test_random_sequences_keep_the_campaign_invariants(network_a, network_b):
    CampaignMachine.world = World(network_a, network_b)
    run_state_machine_as_test(
        CampaignMachine,
        settings=settings(
            max_examples=8,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
