"""/api/v1/needs (a network's ranking, one need, the writes in a managed place's name) and
/api/v1/campaigns/{ref}/seeds (seed budgets, granted as on the page): the services' rules and
French refusals, nothing changed when refused."""

import pytest

from maillage.circles.models import Envelope
from maillage.circles.tests.factories import CircleFactory
from maillage.commons import campaigns, needs, seeds
from maillage.commons.models import NeedSupport, PriorityNeed, SeedBudget
from maillage.commons.tests.campaign_helpers import bearer, give, new_campaign, receive
from maillage.ledger.models import Transfer
from maillage.lib.money import format_cents
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def _post(client, url, body, user):
    return client.post(url, body, content_type="application/json", headers=bearer(user))


# --- reads ----------------------------------------------------------------------------------


def test_the_ranking_lists_a_networks_open_needs_most_supported_first(
    client, need, both_members, other_place, charlie, place, alice, network_a, network_b
):
    quiet = needs.post_need(
        place=place, network=network_a, data=needs.NeedData(title="Un four"), by=alice
    )
    needs.support_need(need=need, place=other_place, by=charlie)
    elsewhere_place = PlaceFactory(name="Ailleurs")
    Membership.objects.create(
        place=elsewhere_place, network=network_b, status=MembershipStatus.ACCEPTED
    )
    PriorityNeed.objects.create(network=network_b, place=elsewhere_place, title="Autre réseau")

    body = client.get("/api/v1/needs", {"network": need.network.slug}).json()

    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [need.pk, quiet.pk]
    first = body["items"][0]
    assert first["support_count"] == 1
    assert first["place"]["name"] == "La Bobine"
    assert first["status"] == "open"
    assert first["url"].endswith(f"/besoins/?reseau={need.network.slug}")
    assert client.get("/api/v1/needs").json()["count"] == 3
    assert client.get("/api/v1/needs", {"domain": "comptabilite"}).json()["count"] == 1
    assert client.get("/api/v1/needs", {"domain": "inconnu"}).json()["count"] == 0
    assert client.get("/api/v1/needs", {"network": "inconnu"}).json()["count"] == 0


def test_one_need_is_read_with_its_supporting_places(
    client, need, both_members, other_place, charlie
):
    needs.support_need(need=need, place=other_place, by=charlie)

    body = client.get(f"/api/v1/needs/{need.pk}").json()

    assert body["title"] == "Suivre les adhésions sans tableur"
    assert [p["name"] for p in body["supporting_places"]] == [other_place.name]
    assert client.get("/api/v1/needs/999999").status_code == 404


# --- writes ---------------------------------------------------------------------------------


def test_a_manager_publishes_a_need_in_her_places_name(client, place, network_a, alice, membership):
    response = _post(
        client,
        "/api/v1/needs",
        {"place": place.pk, "network": network_a.slug, "title": "  Un  lieu de stockage ", "action": "gerer"},
        alice,
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Un lieu de stockage"
    assert body["support_count"] == 0
    assert PriorityNeed.objects.get().posted_by == alice


def test_publishing_is_refused_with_the_pages_french_message_and_nothing_changes(
    client, place, network_a, network_b, alice, bob, membership
):
    outsider = _post(
        client, "/api/v1/needs", {"place": place.pk, "network": network_a.slug, "title": "X"}, bob
    )
    assert outsider.status_code == 403
    assert (
        outsider.json()["detail"]
        == "Seul·es les gestionnaires de « La Bobine » agissent en son nom."
    )

    wrong_network = _post(
        client, "/api/v1/needs", {"place": place.pk, "network": network_b.slug, "title": "X"}, alice
    )
    assert wrong_network.status_code == 422
    assert wrong_network.json()["errors"] == [
        {"location": "body", "field": "network", "message": "« La Bobine » n'est pas membre de ce réseau."}
    ]  # fmt: skip

    blank = _post(
        client,
        "/api/v1/needs",
        {"place": place.pk, "network": network_a.slug, "title": "  "},
        alice,
    )
    assert blank.status_code == 422
    assert blank.json()["errors"] == [
        {"location": "body", "field": "title", "message": "Dites le besoin en une phrase."}
    ]
    bad_action = _post(
        client,
        "/api/v1/needs",
        {"place": place.pk, "network": network_a.slug, "title": "X", "action": "voler"},
        alice,
    )
    assert bad_action.json()["errors"][0]["message"] == "Choisissez une action de la liste."
    unknown = _post(
        client, "/api/v1/needs", {"place": place.pk, "network": "inconnu", "title": "X"}, alice
    )
    assert unknown.status_code == 404

    for n in range(needs.MAX_OPEN_NEEDS):
        needs.post_need(
            place=place, network=network_a, data=needs.NeedData(title=f"Besoin {n}"), by=alice
        )
    too_many = _post(
        client,
        "/api/v1/needs",
        {"place": place.pk, "network": network_a.slug, "title": "4e"},
        alice,
    )
    assert too_many.status_code == 409
    assert "retirez-en un avant d'en publier un autre" in too_many.json()["detail"]
    assert PriorityNeed.objects.count() == needs.MAX_OPEN_NEEDS
    assert client.post("/api/v1/needs", {}, content_type="application/json").status_code == 401


def test_another_place_supports_once_then_withdraws_its_support(
    client, need, both_members, other_place, charlie
):
    url = f"/api/v1/needs/{need.pk}/supports"

    first = _post(client, url, {"place": other_place.pk}, charlie)
    assert first.status_code == 201
    assert first.json()["support_count"] == 1

    again = _post(client, url, {"place": other_place.pk}, charlie)
    assert again.status_code == 409
    assert again.json()["detail"] == f"« {other_place.name} » soutient déjà ce besoin."
    assert NeedSupport.objects.count() == 1

    withdrawn = client.delete(f"{url}/{other_place.pk}", headers=bearer(charlie))
    assert withdrawn.status_code == 200
    assert withdrawn.json()["supporting_places"] == []
    assert not NeedSupport.objects.exists()


def test_a_support_is_refused_for_ones_own_need_another_managers_place_or_a_closed_need(
    client, need, both_members, place, other_place, alice, bob, charlie
):
    url = f"/api/v1/needs/{need.pk}/supports"

    own = _post(client, url, {"place": place.pk}, alice)
    assert own.status_code == 422
    assert own.json()["errors"][0]["message"] == (
        "Un lieu ne soutient pas son propre besoin : il l'a déjà publié."
    )
    not_hers = _post(client, url, {"place": other_place.pk}, bob)
    assert not_hers.status_code == 403
    needs.close_need(need=need, by=alice)
    closed = _post(client, url, {"place": other_place.pk}, charlie)
    assert closed.status_code == 409
    assert closed.json()["detail"] == "Ce besoin a été retiré : il ne reçoit plus de soutiens."
    assert not NeedSupport.objects.exists()


def test_the_place_withdraws_its_need_once(client, need, alice, bob):
    url = f"/api/v1/needs/{need.pk}/close"

    refused = _post(client, url, {}, bob)
    assert refused.status_code == 403
    need.refresh_from_db()
    assert need.closed_at is None

    closed = _post(client, url, {}, alice)
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert client.get("/api/v1/needs").json()["count"] == 0

    again = _post(client, url, {}, alice)
    assert again.status_code == 409
    assert again.json()["detail"] == "Ce besoin est déjà retiré."


# --- seed budgets ---------------------------------------------------------------------------


@pytest.fixture
def campaign(network_a, dora):
    return new_campaign(network_a, dora)


@pytest.fixture
def seed(campaign, network_a, dora):
    circle = CircleFactory(network=network_a, name="Cercle des communs", slug="cercle-communs")
    data = seeds.SeedData(
        challenge="Documenter la réservation des machines",
        holder_name="Lina Porteuse",
        amount_cents=200_000,
        circle_id=circle.pk,
    )
    return seeds.plan_seed_budget(campaign=campaign, data=data, by=dora)


def _succeed(campaign, dora, bob):
    pledge = give(campaign, bob, 500_000)
    campaigns.close_campaign(campaign=campaign, by=dora)
    receive(pledge, dora)


def test_a_campaigns_seed_budgets_are_public(client, campaign, seed):
    body = client.get(f"/api/v1/campaigns/{campaign.slug}/seeds").json()

    assert body["count"] == 1
    item = body["items"][0]
    assert item["challenge"] == "Documenter la réservation des machines"
    assert item["holder_name"] == "Lina Porteuse"
    assert item["amount_cents"] == 200_000
    assert item["circle"] == "cercle-communs"
    assert item["status"] == "planned"
    assert item["granted_at"] is None
    assert client.get("/api/v1/campaigns/inconnue/seeds").status_code == 404


def test_the_coordination_grants_a_seed_budget_once_even_when_repeated(
    client, campaign, seed, dora, bob
):
    _succeed(campaign, dora, bob)
    url = f"/api/v1/campaigns/{campaign.slug}/seeds/{seed.pk}/grant"

    first = _post(client, url, {"amount_cents": 200_000}, dora)
    again = _post(client, url, {"amount_cents": 200_000}, dora)

    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "granted"
    assert again.json()["granted_at"] == first.json()["granted_at"]
    assert Envelope.objects.get().amount_cents == 200_000
    assert Transfer.objects.caused_by(seed).count() == 1


def test_a_grant_is_refused_in_french_and_moves_nothing(client, campaign, seed, dora, bob):
    url = f"/api/v1/campaigns/{campaign.slug}/seeds/{seed.pk}/grant"

    too_early = _post(client, url, {"amount_cents": 200_000}, dora)
    assert too_early.status_code == 409
    assert too_early.json()["detail"] == (
        "Un budget d'amorçage se verse une fois la campagne réussie et les fonds reçus."
    )
    _succeed(campaign, dora, bob)
    not_coordinator = _post(client, url, {"amount_cents": 200_000}, bob)
    assert not_coordinator.status_code == 403
    assert not_coordinator.json()["detail"] == (
        "Seule la coordination du réseau verse les budgets d'amorçage."
    )
    wrong_amount = _post(client, url, {"amount_cents": 20_000}, dora)
    assert wrong_amount.status_code == 422
    assert wrong_amount.json()["errors"][0]["field"] == "amount_cents"
    assert wrong_amount.json()["errors"][0]["message"] == (
        f"Le montant confirmé ne correspond pas au budget ({format_cents(200_000)}) : "
        "rien n'est versé."
    )

    assert SeedBudget.objects.get().granted_at is None
    assert not Envelope.objects.exists()
    assert not Transfer.objects.caused_by(seed).exists()
