"""A won answer opens an envelope in one of the network's circles' budget: at most the amount
won, once, after a confirmation, and the ledger moves funder → circle."""

import html

import pytest
from django.urls import reverse

from maillage.circles.budget_services.payees import circle_account
from maillage.circles.tests.factories import CircleFactory
from maillage.ledger import services as ledger
from maillage.ledger.selectors import balance
from maillage.lib.money import format_cents
from maillage.opportunities import selectors, services
from maillage.opportunities.models import Answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def won(answer, alice):
    """Alice's answer, submitted then won: 40 000 €."""
    services.change_status(answer=answer, by=alice, status="submitted")
    return services.change_status(answer=answer, by=alice, status="won", amount_won_cents=4_000_000)


@pytest.fixture
def circle(network_a):
    return CircleFactory(network=network_a, name="Cercle Somme", slug="cercle-somme")


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_the_lead_records_the_money_won_in_a_circle_budget_after_confirming(
    client, won, alice, circle
):
    client.force_login(alice)
    detail = page(client.get(won.get_absolute_url()))
    assert "Enregistrer dans le budget…" in detail and "Cercle Somme" in detail
    url = reverse("opportunities:envelope-record", args=[won.pk])
    data = {"circle": circle.pk, "amount_cents": "35 000", "funder_kind": "region"}
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert "Enregistrer l'enveloppe" in page(confirm) and format_cents(3_500_000) in page(confirm)
    won.refresh_from_db()
    assert won.envelope is None  # nothing until confirmed
    account = circle_account(circle=circle)
    assert balance(account) == 0
    done = client.post(url, {**data, "confirm": "oui"})
    assert done.status_code == 302
    won.refresh_from_db()
    envelope = won.envelope
    assert envelope.circle == circle and envelope.amount_cents == 3_500_000
    assert envelope.funder == "Région Hauts-de-France" and envelope.funder_kind == "region"
    assert balance(account) == 3_500_000
    funder = ledger.funder_account(network=circle.network, name="Région Hauts-de-France")
    assert balance(funder) == -3_500_000
    shown = page(client.get(won.get_absolute_url()))
    assert "sont enregistrés dans le budget du cercle « Cercle Somme »" in shown
    assert reverse("circles:circle-detail", args=[circle.slug]) in shown  # not a member
    assert reverse("circles:budget", args=[circle.slug]) not in shown
    # Once only: a second recording is refused, the ledger does not move again.
    with pytest.raises(services.Conflict, match="déjà enregistrée"):
        services.record_won_envelope(
            answer=won, by=alice, circle_pk=circle.pk, amount_cents=100, funder_kind="region"
        )
    assert balance(account) == 3_500_000


def test_more_than_the_amount_won_is_refused_next_to_the_field(client, won, alice, circle):
    client.force_login(alice)
    url = reverse("opportunities:envelope-record", args=[won.pk])
    response = client.post(
        url,
        {
            "circle": circle.pk,
            "amount_cents": "40 000,01",
            "funder_kind": "region",
        },
    )
    assert response.status_code == 422  # refused before asking to confirm
    assert "Enregistrer l'enveloppe" not in page(response)
    won_text = format_cents(4_000_000)
    assert f"Le montant dépasse la somme obtenue ({won_text})." in page(response)
    won.refresh_from_db()
    assert won.envelope is None and balance(circle_account(circle=circle)) == 0


def test_only_a_won_answer_of_the_network_and_its_lead_or_coordinators_record_money(
    answer, won, alice, charlie, dora, circle, network_b
):
    elsewhere = CircleFactory(network=network_b)
    with pytest.raises(services.InvalidCall, match="cercle du réseau"):
        services.record_won_envelope(
            answer=won, by=alice, circle_pk=elsewhere.pk, amount_cents=100, funder_kind="region"
        )
    with pytest.raises(services.NotAllowed):
        services.record_won_envelope(
            answer=won, by=charlie, circle_pk=circle.pk, amount_cents=100, funder_kind="region"
        )
    with pytest.raises(services.InvalidCall, match="type de financeur"):
        services.record_won_envelope(
            answer=won, by=dora, circle_pk=circle.pk, amount_cents=100, funder_kind="lune"
        )
    assert selectors.may_record_envelope(user=dora, answer=won)
    assert not selectors.may_record_envelope(user=charlie, answer=won)
    services.record_won_envelope(
        answer=won, by=dora, circle_pk=circle.pk, amount_cents=4_000_000, funder_kind="state"
    )
    assert balance(circle_account(circle=circle)) == 4_000_000
    assert not selectors.may_record_envelope(user=dora, answer=won)
    budget = reverse("circles:budget", args=[circle.slug])
    assert selectors.envelope_link(user=dora, answer=won)[0] == budget  # a coordinator


def test_an_answer_not_won_has_no_money_to_record(answer, alice, circle):
    with pytest.raises(services.Conflict, match="retenue"):
        services.record_won_envelope(
            answer=answer, by=alice, circle_pk=circle.pk, amount_cents=100, funder_kind="region"
        )
    assert Answer.objects.get(pk=answer.pk).envelope is None


def test_a_cancelled_envelope_may_be_recorded_again(won, alice, dora, circle):
    from maillage.circles.budget_services.envelopes import cancel_envelope

    services.record_won_envelope(
        answer=won, by=alice, circle_pk=circle.pk, amount_cents=1_000_000, funder_kind="region"
    )
    cancel_envelope(envelope=won.envelope, by=dora)
    won.refresh_from_db()
    assert balance(circle_account(circle=circle)) == 0
    assert selectors.may_record_envelope(user=alice, answer=won)
    services.record_won_envelope(
        answer=won, by=alice, circle_pk=circle.pk, amount_cents=2_000_000, funder_kind="region"
    )
    assert balance(circle_account(circle=circle)) == 2_000_000


def test_the_page_refuses_to_record_twice_or_for_an_answer_not_won(client, answer, alice, circle):
    client.force_login(alice)
    url = reverse("opportunities:envelope-record", args=[answer.pk])
    data = {"circle": circle.pk, "amount_cents": "100", "funder_kind": "region", "confirm": "oui"}
    response = client.post(url, data, follow=True)
    assert "Seule une réponse retenue apporte de l'argent à enregistrer." in page(response)
    services.change_status(answer=answer, by=alice, status="submitted")
    services.change_status(answer=answer, by=alice, status="won", amount_won_cents=1_000_000)
    assert client.post(url, data).status_code == 302
    response = client.post(url, data, follow=True)
    assert "La somme obtenue est déjà enregistrée" in page(response)
    assert balance(circle_account(circle=circle)) == 100_00
