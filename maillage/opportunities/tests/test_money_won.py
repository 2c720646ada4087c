"""A won answer opens an envelope in one of the network's circles' budget: at most the amount
won, once, after a confirmation, and the ledger moves funder → circle. Only into a budget the
person may see: a circle they sit in, any circle of the network for its coordinators."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.circles.budget_services.payees import circle_account
from maillage.circles.models import Envelope
from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.ledger.selectors import balance
from maillage.lib.money import format_cents
from maillage.opportunities import selectors, services
from maillage.opportunities.models import Answer
from maillage.opportunities.tests.test_answers import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def won(answer, alice):
    """Alice's answer, submitted then won: 40 000 €."""
    services.change_status(answer=answer, by=alice, status="submitted")
    return services.change_status(answer=answer, by=alice, status="won", amount_won_cents=4_000_000)


@pytest.fixture
def circle(network_a, alice):
    """A circle of network A that Alice, the lead place's manager, sits in."""
    circle = CircleFactory(network=network_a, name="Cercle Somme", slug="cercle-somme")
    CircleMemberFactory(circle=circle, user=alice)
    return circle


@pytest.fixture
def other_circle(network_a):
    """A circle of network A that Alice does not sit in: its budget is not hers to see."""
    return CircleFactory(network=network_a, name="Cercle Oise", slug="cercle-oise")


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
    assert reverse("circles:budget", args=[circle.slug]) in shown  # she sits in it
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
    answer, won, alice, charlie, dora, other_circle, network_b
):
    circle = other_circle  # a coordinator may credit any circle of the network
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
    public = reverse("circles:circle-detail", args=[circle.slug])
    assert selectors.envelope_link(user=alice, answer=won)[0] == public  # not a member


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


def nothing_written(answer: Answer, *circles) -> bool:
    """No envelope, no ledger transfer, no balance anywhere: the refusal changed nothing."""
    answer.refresh_from_db()
    return (
        answer.envelope_id is None
        and not Envelope.objects.exists()
        and not Transfer.objects.exists()
        and all(balance(circle_account(circle=c)) == 0 for c in circles)
    )


def test_the_lead_may_not_credit_a_circle_budget_they_cannot_see(won, alice, circle, other_circle):
    with pytest.raises(services.NotAllowed) as refused:
        services.record_won_envelope(
            answer=won, by=alice, circle_pk=other_circle.pk, amount_cents=100, funder_kind="region"
        )
    assert refused.value.field == "circle" and refused.value.status == 403
    assert "Vous ne voyez pas le budget de ce cercle" in str(refused.value.message)
    assert nothing_written(won, circle, other_circle)
    # Checked before the confirmation too, so the page never asks to confirm it.
    with pytest.raises(services.NotAllowed):
        services.check_won_envelope(
            answer=won, by=alice, circle_pk=other_circle.pk, amount_cents=100, funder_kind="region"
        )


def test_a_role_that_has_ended_no_longer_opens_the_circle_budget(won, alice, circle):
    circle.members.filter(user=alice).update(ended_at=timezone.now())
    with pytest.raises(services.NotAllowed, match="ne voyez pas le budget"):
        services.record_won_envelope(
            answer=won, by=alice, circle_pk=circle.pk, amount_cents=100, funder_kind="region"
        )
    circle.members.filter(user=alice).update(
        ended_at=None, ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert selectors.envelope_circles(user=alice, answer=won) == []
    assert nothing_written(won, circle)


def test_a_hidden_circle_posted_to_the_page_is_refused_next_to_the_field(
    client, won, alice, circle, other_circle
):
    client.force_login(alice)
    url = reverse("opportunities:envelope-record", args=[won.pk])
    data = {"circle": other_circle.pk, "amount_cents": "100", "funder_kind": "region"}
    for posted in (data, {**data, "confirm": "oui"}):  # asking to confirm, or confirming
        response = client.post(url, posted)
        assert response.status_code == 422
        shown = page(response)
        assert "Enregistrer l'enveloppe" not in shown  # no confirmation offered
        field = shown.split('id="id_circle"')[0].rsplit('class="field"', 1)[1]
        assert "Vous ne voyez pas le budget de ce cercle" in field  # next to the field
    assert nothing_written(won, circle, other_circle)


def test_the_form_lists_only_the_circles_whose_budget_the_person_sees(
    client, won, alice, dora, circle, other_circle, network_b
):
    CircleFactory(network=network_b, name="Cercle Ailleurs")
    assert selectors.envelope_circles(user=alice, answer=won) == [circle]
    client.force_login(alice)
    shown = page(client.get(won.get_absolute_url()))
    assert f'<option value="{circle.pk}"' in shown and "Cercle Somme" in shown
    assert f'<option value="{other_circle.pk}"' not in shown and "Cercle Oise" not in shown
    assert "Cercle Ailleurs" not in shown
    # The network's coordination sees every circle's budget of its network, and may choose any.
    assert selectors.envelope_circles(user=dora, answer=won) == [other_circle, circle]
    client.force_login(dora)
    shown = page(client.get(won.get_absolute_url()))
    assert f'<option value="{circle.pk}"' in shown and f'<option value="{other_circle.pk}"' in shown
    assert "Cercle Ailleurs" not in shown


def test_a_lead_in_no_circle_is_told_to_ask_the_coordination(client, won, alice, other_circle):
    client.force_login(alice)
    shown = page(client.get(won.get_absolute_url()))
    assert "Vous n'êtes membre d'aucun cercle du réseau" in shown
    assert reverse("circles:network-circles", args=[won.network.slug]) in shown
    assert "Enregistrer dans le budget…" not in shown and 'id="id_circle"' not in shown
    # Posting anyway is refused, and the refusal shows though there is no list to choose from.
    url = reverse("opportunities:envelope-record", args=[won.pk])
    data = {"circle": other_circle.pk, "amount_cents": "100", "funder_kind": "region"}
    response = client.post(url, {**data, "confirm": "oui"})
    assert response.status_code == 422
    assert "Vous ne voyez pas le budget de ce cercle" in page(response)
    assert nothing_written(won, other_circle)


def api_post(client, answer: Answer, user, **payload):
    return client.post(
        f"/api/v1/answers/{answer.pk}/envelope",
        {"amount_cents": 100, "funder_kind": "region", **payload},
        headers=bearer(user),
        content_type="application/json",
    )


def test_the_api_refuses_a_circle_budget_the_person_cannot_see(
    client, won, alice, charlie, circle, other_circle
):
    refused = api_post(client, won, alice, circle_id=other_circle.pk)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Vous ne voyez pas le budget de ce cercle")
    assert api_post(client, won, charlie, circle_id=circle.pk).status_code == 404  # not a partner
    unknown = api_post(client, won, alice, circle_id=10**9)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "circle_id"
    assert nothing_written(won, circle, other_circle)


def test_the_api_records_the_money_won_in_a_circle_budget_once(
    client, won, alice, dora, circle, other_circle
):
    done = api_post(client, won, alice, circle_id=circle.pk, amount_cents=3_000_000)
    assert done.status_code == 201
    assert done.json()["envelope"] == {
        "circle": "cercle-somme",
        "circle_name": "Cercle Somme",
        "year": won.decided_at.year,
        "funder": "Région Hauts-de-France",
        "funder_kind": "region",
        "amount_cents": 3_000_000,
    }
    assert balance(circle_account(circle=circle)) == 3_000_000
    again = api_post(client, won, dora, circle_id=other_circle.pk)  # a coordinator, too late
    assert again.status_code == 409
    assert balance(circle_account(circle=other_circle)) == 0
    assert Transfer.objects.count() == 1
    listed = client.get("/api/v1/answers", headers=bearer(alice)).json()
    assert listed["items"][0]["envelope"]["amount_cents"] == 3_000_000
