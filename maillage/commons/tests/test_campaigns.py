"""Co-funding campaigns: who may open and pledge, the maximum and the matching fund, receipts in
the ledger, closing (called or refunded), payouts approved by another coordinator — and every
refusal leaves nothing changed."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.commons import campaign_selectors as reads
from maillage.commons import campaigns
from maillage.commons.models import Campaign, Payout, Pledge, Receipt
from maillage.commons.tests.campaign_helpers import give, new_campaign, receive
from maillage.ledger.models import Transfer
from maillage.ledger.selectors import check_ledger

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"


def receipt_file():
    return SimpleUploadedFile("facture.pdf", PDF, content_type="application/pdf")


def assert_ledger_agrees():
    report = check_ledger()
    assert report.ok, (report.mismatches, report.client_issues)


def test_only_a_coordinator_of_the_network_opens_a_campaign(network_a, dora, erin, alice):
    campaign = new_campaign(network_a, dora)
    assert campaign.status == Campaign.Status.OPEN
    for stranger in (erin, alice):
        with pytest.raises(campaigns.NotAllowed):
            new_campaign(network_a, stranger)
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"goal_cents": 900_000}, "goal"),
        ({"min_goal_cents": -5}, "min_goal"),
        ({"max_goal_cents": 200_000_000, "goal_cents": 500_000}, "max_goal"),
        ({"deadline": timezone.now() - datetime.timedelta(days=1)}, "deadline"),
        ({"match_cap_cents": 100_000}, "match_funder"),
        ({"pays_for": "  "}, "pays_for"),
    ],
)
def test_a_campaign_with_bad_figures_is_refused_next_to_the_field(
    network_a, dora, overrides, field
):
    with pytest.raises(campaigns.CampaignError) as refused:
        new_campaign(network_a, dora, **overrides)
    assert refused.value.field == field
    assert str(refused.value.message)
    assert not Campaign.objects.exists()


def test_places_networks_people_and_funders_pledge_by_their_own_right(
    network_a, network_b, dora, erin, alice, bob, charlie, place
):
    campaign = new_campaign(network_a, dora)
    give(campaign, alice, 50_000, by_kind="place", place=place)
    give(campaign, erin, 100_000, by_kind="network", network=network_b)
    give(campaign, bob, 2_000, hours=10, anonymous=True)
    give(campaign, dora, 40_000, by_kind="funder", funder_name="Fondation de France")

    refusals = [
        {"by_kind": "place", "place": place},  # Charlie does not manage La Bobine
        {"by_kind": "network", "network": network_a},  # nor coordinates network A
        {"by_kind": "funder", "funder_name": "Moi"},  # only coordinators record funders
    ]
    for data in refusals:
        with pytest.raises(campaigns.NotAllowed):
            give(campaign, charlie, 1_000, **data)

    found = reads.figures(campaign)
    assert found.pledged_cents == 192_000
    assert found.hours == 10
    assert found.hours_value_cents == 10 * campaign.hour_rate_cents
    assert found.contributing_places == ["La Bobine"]
    assert found.pledges == 4
    assert [p.public_name for p in reads.public_pledges(campaign)][1] == "Anonyme"


@pytest.mark.parametrize(
    ("amount", "hours", "error"),
    [
        (-100, 0, campaigns.InvalidAmount),
        (0, 0, campaigns.InvalidAmount),
        (100_000_001, 0, campaigns.InvalidAmount),
        (1_000, 20_000, campaigns.CampaignError),
    ],
)
def test_negative_empty_or_absurd_pledges_are_refused(network_a, dora, bob, amount, hours, error):
    campaign = new_campaign(network_a, dora)
    with pytest.raises(error):
        give(campaign, bob, amount, hours=hours)
    assert not Pledge.objects.exists()


def test_a_pledge_after_the_deadline_is_refused(network_a, dora, bob):
    campaign = new_campaign(network_a, dora)
    with (
        time_machine.travel(campaign.deadline + datetime.timedelta(minutes=1)),
        pytest.raises(campaigns.CampaignClosed) as refused,
    ):
        give(campaign, bob, 1_000)
    assert "date limite" in str(refused.value.message)
    assert not Pledge.objects.exists()


def test_pledges_stop_at_the_maximum_counting_the_matching_fund(network_a, dora, bob, alice, place):
    campaign = new_campaign(
        network_a, dora, match_funder="Région", match_cap_cents=100_000, max_goal_cents=800_000
    )
    give(campaign, bob, 80_000)  # + 80 000 matched
    assert reads.figures(campaign).pledged_total_cents == 160_000
    # Room: 640 000; the fund adds at most 20 000 more → the largest pledge is 620 000.
    with pytest.raises(campaigns.OverMaximum) as refused:
        give(campaign, alice, 620_001, by_kind="place", place=place)
    assert "6\u202f200\u00a0€" in str(refused.value.message)
    give(campaign, alice, 620_000, by_kind="place", place=place)
    assert reads.figures(campaign).pledged_total_cents == 800_000
    with pytest.raises(campaigns.OverMaximum):
        give(campaign, bob, 100)
    assert Pledge.objects.count() == 2
    assert reads.is_due(campaign)


def test_a_stranger_cannot_record_a_receipt(network_a, dora, erin, bob):
    campaign = new_campaign(network_a, dora)
    made = give(campaign, bob, 10_000)
    with pytest.raises(campaigns.NotAllowed):
        receive(made, erin)
    with pytest.raises(campaigns.NotAllowed):
        receive(made, bob)
    assert not Receipt.objects.exists()
    assert not Transfer.objects.exists()


def test_a_receipt_posts_the_money_and_its_matching_into_the_campaign_account(
    network_a, dora, bob, alice, place
):
    campaign = new_campaign(network_a, dora, match_funder="Région", match_cap_cents=15_000)
    first = give(campaign, bob, 10_000)
    second = give(campaign, alice, 10_000, by_kind="place", place=place)
    receive(first, dora)
    receive(second, dora, reference="VIR-2")

    found = reads.figures(campaign)
    assert found.received_cents == 35_000  # 20 000 given + 15 000 matched (cap)
    assert campaigns.campaign_account(campaign).balance_cents == 35_000
    with pytest.raises(campaigns.AlreadyRecorded):
        receive(first, dora)
    assert_ledger_agrees()


def test_an_all_or_nothing_campaign_under_its_minimum_refunds_through_the_ledger(
    network_a, dora, bob, alice, place
):
    campaign = new_campaign(network_a, dora, match_funder="Région", match_cap_cents=50_000)
    paid = give(campaign, bob, 10_000)
    give(campaign, alice, 20_000, by_kind="place", place=place)
    receive(paid, dora)
    assert campaigns.campaign_account(campaign).balance_cents == 20_000

    with pytest.raises(campaigns.NotDue):
        campaigns.close_campaign(campaign=campaign, by=dora)
    with time_machine.travel(campaign.deadline + datetime.timedelta(hours=1)):
        assert campaigns.close_due_campaigns() == 1

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FAILED
    assert campaigns.campaign_account(campaign).balance_cents == 0
    statuses = sorted(Pledge.objects.values_list("status", flat=True))
    assert statuses == ["cancelled", "refunded"]
    assert Transfer.objects.filter(reason="reversal").count() == 2
    assert_ledger_agrees()


def test_a_campaign_that_reaches_its_goal_calls_its_pledges(network_a, dora, bob, erin, network_b):
    campaign = new_campaign(network_a, dora, kind=Campaign.Kind.ALL_OR_NOTHING)
    give(campaign, erin, 500_000, by_kind="network", network=network_b)
    give(campaign, bob, 0, hours=5)
    with pytest.raises(campaigns.NotAllowed):
        campaigns.close_campaign(campaign=campaign, by=bob)
    campaigns.close_campaign(campaign=campaign, by=dora)  # early: the goal is reached
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUCCEEDED
    assert sorted(Pledge.objects.values_list("status", flat=True)) == ["called", "pledged"]
    with pytest.raises(campaigns.CampaignClosed):
        give(campaign, bob, 1_000)


def test_keep_what_you_raise_keeps_a_small_sum(network_a, dora, bob):
    campaign = new_campaign(network_a, dora, kind=Campaign.Kind.KEEP)
    give(campaign, bob, 1_000)
    with time_machine.travel(campaign.deadline + datetime.timedelta(seconds=1)):
        campaigns.close_due_campaigns()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SUCCEEDED


def succeeded_with_money(network, dora, erin, network_b):
    campaign = new_campaign(network, dora)
    made = give(campaign, erin, 500_000, by_kind="network", network=network_b)
    campaigns.close_campaign(campaign=campaign, by=dora)
    receive(made, dora)
    return campaign


def test_a_payout_is_approved_by_a_coordinator_who_did_not_ask_for_it(
    network_a, network_b, dora, erin, gaelle, root
):
    campaign = succeeded_with_money(network_a, dora, erin, network_b)
    payout = campaigns.request_payout(
        campaign=campaign,
        amount_cents=200_000,
        description="Budget d'amorçage du défi « compta partagée »",
        payee_name="Collectif Compta",
        receipt=receipt_file(),
        by=dora,
    )
    with pytest.raises(campaigns.OwnPayout):
        campaigns.approve_payout(payout=payout, by=dora)
    with pytest.raises(campaigns.NotAllowed):
        campaigns.approve_payout(payout=payout, by=gaelle)  # a guide, not a coordinator
    with pytest.raises(campaigns.NotAllowed):
        campaigns.approve_payout(payout=payout, by=erin)
    assert not Transfer.objects.filter(reason="campaign_payout").exists()

    campaigns.approve_payout(payout=payout, by=root)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    found = reads.figures(campaign)
    assert (found.received_cents, found.paid_out_cents, found.balance_cents) == (
        500_000,
        200_000,
        300_000,
    )
    assert_ledger_agrees()


def test_a_payout_beyond_the_money_held_or_without_receipt_is_refused(
    network_a, network_b, dora, erin, gaelle
):
    campaign = succeeded_with_money(network_a, dora, erin, network_b)
    common = {
        "campaign": campaign,
        "description": "Rétribution",
        "payee_name": "Lina",
        "by": gaelle,
    }
    with pytest.raises(campaigns.NotEnoughMoney):
        campaigns.request_payout(amount_cents=500_001, receipt=receipt_file(), **common)
    with pytest.raises(campaigns.CampaignError) as refused:
        campaigns.request_payout(amount_cents=1_000, receipt=None, **common)
    assert refused.value.field == "receipt"
    with pytest.raises(campaigns.NotAllowed):
        campaigns.request_payout(
            amount_cents=1_000, receipt=receipt_file(), **{**common, "by": erin}
        )
    assert not Payout.objects.exists()


def test_an_open_campaign_cannot_pay_out(network_a, dora, gaelle):
    campaign = new_campaign(network_a, dora)
    with pytest.raises(campaigns.CampaignClosed):
        campaigns.request_payout(
            campaign=campaign,
            amount_cents=1_000,
            description="x",
            payee_name="y",
            receipt=receipt_file(),
            by=gaelle,
        )


def test_the_same_form_twice_makes_one_pledge(network_a, dora, bob):
    campaign = new_campaign(network_a, dora)
    first = give(campaign, bob, 1_000, key="same")
    again = give(campaign, bob, 1_000, key="same")
    assert first.pk == again.pk
    assert Pledge.objects.count() == 1
