"""The campaign pages: who may open each (permission matrix), the pledge asked then confirmed,
refused input shown next to the field with nothing changed, receipts and payouts confirmed."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from maillage.commons import campaigns
from maillage.commons.models import Campaign, Payout, Pledge, Receipt
from maillage.commons.tests.campaign_helpers import give, new_campaign, receive
from maillage.commons.tests.test_campaigns import receipt_file
from maillage.lib.money import format_cents

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(network_a, network_b, dora, erin, gaelle, bob, alice, charlie):
    open_campaign = new_campaign(network_a, dora, title="Campagne ouverte")
    pledge = give(open_campaign, bob, 5_000)
    done = new_campaign(network_a, dora, title="Campagne réussie")
    big = give(done, erin, 500_000, by_kind="network", network=network_b)
    campaigns.close_campaign(campaign=done, by=dora)
    receive(big, dora)
    payout = campaigns.request_payout(
        campaign=done,
        amount_cents=100_000,
        description="Rétribution des contributeurs",
        payee_name="Lina",
        receipt=receipt_file(),
        by=gaelle,
    )
    return {
        "open": open_campaign,
        "pledge": pledge,
        "done": done,
        "payout": payout,
        "people": {
            "anonymous": None,
            "bob": bob,
            "alice": alice,
            "erin": erin,
            "gaelle": gaelle,
            "dora": dora,
        },
    }


def url_of(world, name):
    o, d = world["open"].slug, world["done"].slug
    return {
        "campaign-list": reverse("commons:campaign-list"),
        "campaign-create": reverse("commons:campaign-create"),
        "campaign-detail": reverse("commons:campaign-detail", args=[o]),
        "campaign-pledge": reverse("commons:campaign-pledge", args=[o]),
        "campaign-pledges": reverse("commons:campaign-pledges", args=[o]),
        "campaign-receipt": reverse("commons:campaign-receipt", args=[o, world["pledge"].pk]),
        "campaign-close": reverse("commons:campaign-close", args=[o]),
        "campaign-payout-create": reverse("commons:campaign-payout-create", args=[d]),
        "campaign-payout": reverse("commons:campaign-payout", args=[d, world["payout"].pk]),
        "campaign-payout-receipt": reverse(
            "commons:campaign-payout-receipt", args=[d, world["payout"].pk]
        ),
    }[name]


# anonymous, bob (member), alice (place manager), erin (other network's coordinator),
# gaelle (guide of network A), dora (coordinator of network A)
MATRIX = {
    "campaign-list": (200, 200, 200, 200, 200, 200),
    "campaign-detail": (200, 200, 200, 200, 200, 200),
    "campaign-create": (302, 404, 404, 200, 404, 200),
    "campaign-pledge": (302, 200, 200, 200, 200, 200),
    "campaign-pledges": (302, 404, 404, 404, 404, 200),
    "campaign-receipt": (302, 404, 404, 404, 404, 200),
    "campaign-close": (302, 404, 404, 404, 404, 200),
    "campaign-payout-create": (302, 404, 404, 404, 200, 200),
    "campaign-payout": (302, 404, 404, 404, 200, 200),
    "campaign-payout-receipt": (302, 404, 404, 404, 200, 200),
}
PERSONAS = ("anonymous", "bob", "alice", "erin", "gaelle", "dora")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix_of_the_campaign_pages(client, world, name):
    for persona, expected in zip(PERSONAS, MATRIX[name], strict=True):
        user = world["people"][persona]
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url_of(world, name))
        assert response.status_code == expected, (name, persona, response.status_code)


def test_the_public_page_shows_the_transparency_figures_without_private_names(client, world):
    world["pledge"].anonymous = True
    world["pledge"].save()
    page = client.get(url_of(world, "campaign-detail")).content.decode()
    assert "Bob" not in page
    assert "Anonyme" in page
    done = client.get(reverse("commons:campaign-detail", args=[world["done"].slug]))
    text = done.content.decode()
    assert "5\u202f000\u00a0€" in text  # received
    assert "Réseau B" in text  # a named pledge
    # A payout waiting for approval is not shown to the public.
    assert "Rétribution des contributeurs" not in text


def test_a_pledge_is_confirmed_before_it_counts(client, world, alice, place):
    client.force_login(alice)
    url = url_of(world, "campaign-pledge")
    form = {"by_kind": "place", "place": place.pk, "amount": "250", "idempotency_key": "k-1"}
    summary = client.post(url, form)
    assert summary.status_code == 200
    assert "Confirmer votre promesse" in summary.content.decode()
    assert not Pledge.objects.filter(place=place).exists()

    done = client.post(url, {**form, "confirm": "oui"})
    assert done.status_code == 302
    made = Pledge.objects.get(place=place)
    assert made.amount_cents == 25_000
    assert made.user == alice


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-10", "négatif"),
        ("2000000", "dépasse"),
        ("douze", "illisible"),
        ("9000", "plafond"),
    ],
)
def test_bad_amounts_are_refused_next_to_the_field(client, world, bob, amount, message):
    client.force_login(bob)
    before = Pledge.objects.count()
    response = client.post(
        url_of(world, "campaign-pledge"),
        {"by_kind": "person", "amount": amount, "idempotency_key": "k-2", "confirm": "oui"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Pledge.objects.count() == before


def test_a_pledge_after_the_deadline_is_refused_on_the_page(client, world, bob):
    with time_machine.travel(world["open"].deadline + datetime.timedelta(hours=1)):
        client.force_login(bob)
        response = client.post(
            url_of(world, "campaign-pledge"),
            {"by_kind": "person", "amount": "10", "idempotency_key": "k-3", "confirm": "oui"},
        )
    assert response.status_code == 400
    assert "date limite" in response.content.decode()
    assert Pledge.objects.filter(campaign=world["open"]).count() == 1


def test_a_manager_cannot_pledge_for_a_place_she_does_not_manage(client, world, charlie, place):
    client.force_login(charlie)
    response = client.post(
        url_of(world, "campaign-pledge"),
        {"by_kind": "place", "place": place.pk, "amount": "10", "idempotency_key": "k-4"},
    )
    assert response.status_code == 400  # La Bobine is not among her choices
    assert not Pledge.objects.filter(place=place).exists()


def test_a_receipt_is_confirmed_then_posted(client, world, dora):
    client.force_login(dora)
    url = url_of(world, "campaign-receipt")
    form = {"method": "transfer", "reference": "VIR BOB 12", "received_on": "2020-01-02"}
    assert "Avant de confirmer" in client.post(url, form).content.decode()
    assert not Receipt.objects.filter(pledge=world["pledge"]).exists()
    assert client.post(url, {**form, "confirm": "oui"}).status_code == 302
    assert Receipt.objects.get(pledge=world["pledge"]).reference == "VIR BOB 12"


def test_the_coordinator_approves_a_payout_after_confirming(client, world, dora, gaelle):
    payout = world["payout"]
    url = url_of(world, "campaign-payout")
    client.force_login(gaelle)
    assert client.post(url, {"action": "approve", "confirm": "oui"}).status_code == 403
    client.force_login(dora)
    assert "Avant de confirmer" in client.post(url, {"action": "approve"}).content.decode()
    payout.refresh_from_db()
    assert payout.status == Payout.Status.SUBMITTED
    client.post(url, {"action": "approve", "confirm": "oui"})
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID


def test_closing_asks_first(client, world, dora):
    client.force_login(dora)
    url = url_of(world, "campaign-close")
    client.post(url)
    world["open"].refresh_from_db()
    assert world["open"].status == Campaign.Status.OPEN
    # Not due and under its goal: refused, nothing changed.
    client.post(url, {"confirm": "oui"})
    world["open"].refresh_from_db()
    assert world["open"].status == Campaign.Status.OPEN


def test_the_headline_shows_the_pledges_and_the_matching_apart(client, network_a, dora, bob):
    matched = new_campaign(network_a, dora, match_funder="Région", match_cap_cents=10_000)
    give(matched, bob, 30_000)

    page = client.get(matched.get_absolute_url()).content.decode()
    listed = client.get(reverse("commons:campaign-list")).content.decode()

    for html in (page, listed):
        assert (
            f'data-testid="pledged">{format_cents(30_000)}</strong> promis par les contributeurs'
            in html
        )
        assert f'data-testid="matched">{format_cents(10_000)}</strong> d\'abondement' in html
        assert "8 % d'un objectif de" in html  # (300 + 100) of 5 000 €


def test_the_headline_says_no_matching_when_there_is_none(client, network_a, dora, bob):
    plain = new_campaign(network_a, dora)
    give(plain, bob, 30_000)

    page = client.get(plain.get_absolute_url()).content.decode()

    assert (
        f'data-testid="pledged">{format_cents(30_000)}</strong> promis par les contributeurs'
        in page
    )
    assert "abondement" not in page.split('class="campaign-progress-block"')[1].split("</div>")[0]
