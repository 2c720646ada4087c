"""Seed budgets of défis: planned on a campaign, granted once it succeeded and holds the money,
as an envelope of a circle of its network (through the circles' own service), then counted as
spent by the campaign — its figures still equal the ledger; every refusal changes nothing."""

import pytest
from django.urls import reverse

from maillage.circles import budget
from maillage.circles.models import Envelope
from maillage.circles.tests.factories import CircleFactory
from maillage.commons import campaign_selectors as reads
from maillage.commons import campaigns, seeds
from maillage.commons.models import CampaignReason, SeedBudget
from maillage.commons.tests.campaign_helpers import give, new_campaign, receive
from maillage.ledger.models import Transfer
from maillage.ledger.selectors import check_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle(network_a):
    return CircleFactory(network=network_a, name="Cercle des communs", slug="cercle-communs")


@pytest.fixture
def campaign(network_a, dora):
    return new_campaign(network_a, dora)


def plan(campaign, circle, by, amount_cents=200_000, **overrides):
    values = {
        "challenge": "Documenter la réservation des machines",
        "holder_name": "Lina Porteuse",
        "amount_cents": amount_cents,
        "circle_id": circle.pk,
    }
    values.update(overrides)
    return seeds.plan_seed_budget(campaign=campaign, data=seeds.SeedData(**values), by=by)


def succeed_with(campaign, coordinator, person, amount_cents):
    pledge = give(campaign, person, amount_cents)
    campaigns.close_campaign(campaign=campaign, by=coordinator)
    receive(pledge, coordinator)


def test_a_granted_seed_budget_becomes_an_envelope_of_the_circle(
    campaign, circle, dora, bob, alice
):
    seed = plan(campaign, circle, dora)
    succeed_with(campaign, dora, bob, 500_000)

    seeds.grant_seed_budget(seed=seed, by=dora)

    seed.refresh_from_db()
    envelope = Envelope.objects.get(circle=circle)
    assert seed.envelope == envelope
    assert envelope.amount_cents == 200_000
    assert envelope.funder == f"Campagne « {campaign.title} »"
    assert "Lina Porteuse" in envelope.note
    assert budget.budget_total(circle=circle) == 200_000
    found = reads.figures(campaign)
    assert found.seeded_cents == 200_000
    assert found.balance_cents == 300_000
    assert Transfer.objects.caused_by(seed).get().reason == CampaignReason.SEED
    report = check_ledger()
    assert report.ok, (report.mismatches, report.client_issues)


def test_a_seed_budget_waits_for_the_campaign_to_succeed_and_its_money(campaign, circle, dora, bob):
    seed = plan(campaign, circle, dora)
    with pytest.raises(campaigns.CampaignClosed):
        seeds.grant_seed_budget(seed=seed, by=dora)

    pledge = give(campaign, bob, 500_000)
    campaigns.close_campaign(campaign=campaign, by=dora)
    with pytest.raises(campaigns.NotEnoughMoney, match="enregistrez d'abord"):
        seeds.grant_seed_budget(seed=seed, by=dora)
    assert not Envelope.objects.exists()

    receive(pledge, dora)
    seeds.grant_seed_budget(seed=seed, by=dora)
    with pytest.raises(seeds.AlreadyGranted):
        seeds.grant_seed_budget(seed=seed, by=dora)
    assert Envelope.objects.count() == 1


def test_only_the_coordination_plans_and_grants(campaign, circle, dora, alice, erin, bob):
    for stranger in (alice, erin):
        with pytest.raises(campaigns.NotAllowed):
            plan(campaign, circle, stranger)
    seed = plan(campaign, circle, dora)
    succeed_with(campaign, dora, bob, 500_000)
    with pytest.raises(campaigns.NotAllowed):
        seeds.grant_seed_budget(seed=seed, by=alice)
    assert SeedBudget.objects.get().granted_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"challenge": "  "}, "challenge"),
        ({"holder_name": ""}, "holder_name"),
        ({"amount_cents": -100}, "amount"),
        ({"amount_cents": 900_000}, "amount"),  # above the campaign's maximum
    ],
)
def test_a_bad_seed_budget_is_refused_next_to_its_field(campaign, circle, dora, overrides, field):
    with pytest.raises(campaigns.CampaignError) as refused:
        plan(campaign, circle, dora, **overrides)

    assert refused.value.field == field
    assert not SeedBudget.objects.exists()


def test_a_circle_of_another_network_cannot_manage_the_seed_budget(campaign, network_b, dora):
    elsewhere = CircleFactory(network=network_b)

    with pytest.raises(campaigns.CampaignError) as refused:
        plan(campaign, elsewhere, dora)

    assert refused.value.field == "circle"


def test_granting_from_the_page_asks_first(client, campaign, circle, dora, bob):
    seed = plan(campaign, circle, dora)
    succeed_with(campaign, dora, bob, 500_000)
    client.force_login(dora)
    url = reverse("commons:campaign-seed-grant", args=[campaign.slug, seed.pk])

    page = client.get(url).content.decode()
    assert "Avant de confirmer" in page
    assert "Cercle des communs" in page
    assert not Envelope.objects.exists()

    response = client.post(url, {"confirm": "oui"})
    assert response.status_code == 302
    assert Envelope.objects.filter(circle=circle).exists()
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert "Versé aux cercles (amorçages)" in detail


def test_the_plan_form_offers_the_networks_circles_and_says_refusals_beside_fields(
    client, campaign, circle, dora
):
    client.force_login(dora)
    url = reverse("commons:campaign-seed-create", args=[campaign.slug])
    assert "Cercle des communs" in client.get(url).content.decode()

    page = client.post(
        url,
        {"challenge": "Un défi", "holder_name": "Lina", "amount": "9000", "circle": circle.pk},
    ).content.decode()
    assert "plafond de la campagne" in page
    assert not SeedBudget.objects.exists()

    client.post(
        url,
        {"challenge": "Un défi", "holder_name": "Lina", "amount": "2000", "circle": circle.pk},
    )
    assert SeedBudget.objects.get().amount_cents == 200_000


def test_only_the_coordination_opens_the_seed_pages(client, campaign, circle, dora, alice):
    seed = plan(campaign, circle, dora)
    client.force_login(alice)

    assert (
        client.get(reverse("commons:campaign-seed-create", args=[campaign.slug])).status_code == 404
    )
    assert (
        client.get(
            reverse("commons:campaign-seed-grant", args=[campaign.slug, seed.pk])
        ).status_code
        == 404
    )
