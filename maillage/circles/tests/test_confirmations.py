# ruff: noqa: F811  (fixtures imported from test_meetings_fixtures are parameters here)
"""What cannot be undone asks first: paying an expense, closing a meeting.

The first click (a GET, or a POST without the flag) shows what will happen; only the POST of
"Confirmer" (confirm=oui) runs the service.
"""

import pytest
from django.urls import reverse

from maillage.circles.budget_services import circle_account
from maillage.circles.models import CircleReason, Expense, Meeting, Proposal
from maillage.circles.tests.test_budget_services import (
    expense,
    grant,
    media,  # noqa: F401 (autouse: uploads go to a temporary folder)
    propose,
    record,
)
from maillage.circles.tests.test_meetings_fixtures import meeting, open_meeting  # noqa: F401
from maillage.ledger.models import Transfer


@pytest.fixture
def filed(circle, action, participant, steward, contributor):
    """10 000 € in the circle; Bob's proposal granted 1 500 €; Fanny's 500 € expense waiting."""
    record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    grant(proposal, 150_000)
    return expense(proposal, contributor)


def paid_count() -> int:
    return Transfer.objects.filter(reason=CircleReason.CIRCLE_EXPENSE).count()


def test_the_pay_link_shows_the_amount_and_what_follows_without_paying(
    circle, filed, circle_client
):
    url = reverse("circles:expense-approve", args=[circle.slug, filed.pk])

    page = circle_client("steward").get(url)

    text = page.content.decode()
    assert page.status_code == 200
    assert "500\xa0€" in text
    assert "quittent tout de suite le compte du cercle" in text
    assert "Reste accordé après paiement" in text and "1\u202f000\xa0€" in text
    assert 'name="confirm" value="oui"' in text
    assert paid_count() == 0


def test_a_post_without_the_confirm_flag_only_shows_the_summary(circle, filed, circle_client):
    url = reverse("circles:expense-approve", args=[circle.slug, filed.pk])

    page = circle_client("steward").post(url)

    assert page.status_code == 200
    assert "Confirmer : payer" in page.content.decode()
    filed.refresh_from_db()
    assert filed.status == Expense.Status.SUBMITTED
    assert paid_count() == 0


def test_the_confirmed_post_pays(circle, filed, circle_client):
    url = reverse("circles:expense-approve", args=[circle.slug, filed.pk])

    response = circle_client("steward").post(url, {"confirm": "oui"})

    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Expense.Status.PAID
    assert circle_account(circle=circle).balance_cents == 1_000_000 - 50_000


def test_a_paid_expense_offers_no_second_confirmation(circle, filed, circle_client):
    client = circle_client("steward")
    url = reverse("circles:expense-approve", args=[circle.slug, filed.pk])
    client.post(url, {"confirm": "oui"})

    response = client.get(url, follow=True)

    assert "déjà été examinée" in response.content.decode()
    assert paid_count() == 1


def test_closing_a_meeting_asks_first_and_a_bare_post_changes_nothing(circle_client, open_meeting):
    url = reverse("circles:meeting-close", args=[open_meeting.circle.slug, open_meeting.pk])
    client = circle_client("steward")

    page = client.post(url)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Plus aucune décision ne pourra être prise" in text
    assert "Confirmer : clore la réunion" in text
    open_meeting.refresh_from_db()
    assert open_meeting.status == Meeting.Status.OPEN

    client.post(url, {"confirm": "oui"})

    open_meeting.refresh_from_db()
    assert open_meeting.status == Meeting.Status.CLOSED


def test_a_meeting_not_in_progress_offers_no_closing(circle_client, open_meeting):
    open_meeting.status = Meeting.Status.SCHEDULED
    open_meeting.save(update_fields=["status"])
    url = reverse("circles:meeting-close", args=[open_meeting.circle.slug, open_meeting.pk])

    response = circle_client("steward").get(url, follow=True)

    assert "Seule une réunion en cours peut être close." in response.content.decode()


def test_cancelling_an_envelope_asks_first(circle, circle_client):
    envelope = record(circle, 100_000, funder="FEDER")
    url = reverse("circles:envelope-cancel", args=[circle.slug, envelope.pk])
    client = circle_client("coordinator")

    summary = client.get(url).content.decode()

    assert "Annuler l&#x27;enveloppe de 1\u202f000\xa0€ (FEDER) ?" in summary
    envelope.refresh_from_db()
    assert envelope.cancelled_at is None
    client.post(url, {"confirm": "oui"})
    envelope.refresh_from_db()
    assert envelope.cancelled_at is not None


def test_withdrawing_a_proposal_asks_first(circle, action, participant, circle_client):
    proposal = propose(circle, action, participant)
    url = reverse("circles:proposal-withdraw", args=[circle.slug, proposal.pk])
    client = circle_client("participant")

    summary = client.get(url).content.decode()

    assert "Un retrait est définitif" in summary
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    client.post(url, {"confirm": "oui"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
