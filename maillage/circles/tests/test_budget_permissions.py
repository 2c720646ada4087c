"""Every budget URL, for every circle persona: who may see and do what."""

import pytest
from django.urls import reverse

from maillage.circles.models import Expense, Proposal
from maillage.circles.tests.conftest import CIRCLE_PERSONAS
from maillage.circles.tests.test_budget_services import (
    expense,
    grant,
    media,  # noqa: F401 (autouse: uploads go to a temporary folder)
    pdf,
    propose,
    record,
)

LOGIN = "login"
DONE = "done"

#          anonymous participant contributor steward other_member coordinator other_coord root
MEMBERS = [LOGIN, 200, 200, 200, 403, 200, 403, 200]
CURRENT_MEMBERS = [LOGIN, 200, 200, 200, 403, 403, 403, 403]
MANAGERS = [LOGIN, 403, 403, 403, 403, 200, 403, 200]
QUEUE = [LOGIN, 403, 403, 200, 403, 200, 403, 200]


@pytest.fixture
def state(circle, action, participant, contributor, steward):
    """A 10 000 € envelope, Bob's proposal granted 1 500 €, Fanny's expense waiting."""
    envelope = record(circle, 1_000_000)
    unused = record(circle, 100_000, funder="FEDER")
    proposal = propose(circle, action, participant, documents=[pdf("devis.pdf")])
    grant(proposal, 150_000, envelope=envelope)
    filed = expense(proposal, contributor)
    return {
        "proposal": proposal,
        "document": proposal.documents.get(),
        "expense": filed,
        "unused": unused,
    }


def _url(name, s, circle):
    args = {
        "budget": [circle.slug],
        "envelope-create": [circle.slug],
        "proposal-create": [circle.slug],
        "proposal-detail": [circle.slug, s["proposal"].pk],
        "proposal-document": [circle.slug, s["proposal"].pk, s["document"].pk],
        "expense-create": [circle.slug, s["proposal"].pk],
        "expense-list": [circle.slug],
        "expense-detail": [circle.slug, s["expense"].pk],
        "expense-receipt": [circle.slug, s["expense"].pk],
        "envelope-cancel": [circle.slug, s["unused"].pk],
        "proposal-withdraw": [circle.slug, s["proposal"].pk],
        "expense-approve": [circle.slug, s["expense"].pk],
        "expense-reject": [circle.slug, s["expense"].pk],
    }[name]
    return reverse(f"circles:{name}", args=args)


GET_MATRIX = {
    "budget": MEMBERS,
    "envelope-create": MANAGERS,
    "proposal-create": CURRENT_MEMBERS,
    "proposal-detail": MEMBERS,
    "proposal-document": MEMBERS,
    "expense-create": CURRENT_MEMBERS,
    "expense-list": QUEUE,
    "expense-detail": MEMBERS,
    "expense-receipt": MEMBERS,
    # The confirmation pages: cancelling an envelope (managers), a payment (soucieux·ses).
    "envelope-cancel": MANAGERS,
    "proposal-withdraw": [LOGIN, 200, 403, 403, 403, 403, 403, 403],  # Bob wrote it
    # The payment's confirmation page: only the circle's soucieux·ses review expenses.
    "expense-approve": [LOGIN, 403, 403, 200, 403, 403, 403, 403],
}

POST_MATRIX = {
    "envelope-cancel": ([LOGIN, 403, 403, 403, 403, DONE, 403, DONE], {"confirm": "oui"}),
    # Bob wrote the proposal: only he withdraws it.
    "proposal-withdraw": ([LOGIN, DONE, 403, 403, 403, 403, 403, 403], {"confirm": "oui"}),
    # Fanny filed the expense: the soucieux Gaston reviews it, coordinators only look.
    "expense-approve": ([LOGIN, 403, 403, DONE, 403, 403, 403, 403], {"confirm": "oui"}),
    "expense-reject": ([LOGIN, 403, 403, DONE, 403, 403, 403, 403], {"reason": "Illisible"}),
}


def outcome(response) -> int | str:
    if response.status_code == 302:
        return LOGIN if response["Location"].startswith(reverse("account_login")) else DONE
    return response.status_code


@pytest.mark.parametrize("name", GET_MATRIX)
@pytest.mark.parametrize("persona", CIRCLE_PERSONAS)
def test_budget_pages_answer_each_persona_as_expected(name, persona, circle, state, circle_client):
    expected = GET_MATRIX[name][CIRCLE_PERSONAS.index(persona)]

    response = circle_client(persona).get(_url(name, state, circle))

    assert outcome(response) == expected


@pytest.mark.parametrize("name", POST_MATRIX)
@pytest.mark.parametrize("persona", CIRCLE_PERSONAS)
def test_budget_actions_answer_each_persona_as_expected(
    name, persona, circle, state, circle_client
):
    statuses, data = POST_MATRIX[name]
    expected = statuses[CIRCLE_PERSONAS.index(persona)]

    response = circle_client(persona).post(_url(name, state, circle), data)

    assert outcome(response) == expected
    if expected != DONE:
        # A refused request changed nothing.
        assert Expense.objects.get().status == Expense.Status.SUBMITTED
        assert Proposal.objects.get().status == Proposal.Status.SUBMITTED
        state["unused"].refresh_from_db()
        assert state["unused"].cancelled_at is None


def test_budget_actions_refuse_get(circle, state, circle_client):
    client = circle_client("steward")
    for name in set(POST_MATRIX) - set(GET_MATRIX):
        assert client.get(_url(name, state, circle)).status_code == 405


def test_an_unknown_circle_is_not_found(state, circle_client):
    response = circle_client("root").get(reverse("circles:budget", args=["nulle-part"]))
    assert response.status_code == 404


def test_expense_form_of_an_ungranted_proposal_is_not_found(
    circle, action, participant, circle_client
):
    proposal = propose(circle, action, participant, key="sans-decision")
    url = reverse("circles:expense-create", args=[circle.slug, proposal.pk])
    assert circle_client("participant").get(url).status_code == 404


def test_a_proposal_of_another_circle_is_not_found_under_this_one(
    circle, other_circle, state, circle_client
):
    url = reverse("circles:proposal-detail", args=[other_circle.slug, state["proposal"].pk])
    assert circle_client("root").get(url).status_code == 404


def test_budget_page_and_queue_stay_within_a_bounded_number_of_queries(
    circle, action, participant, contributor, state, circle_client, django_assert_max_num_queries
):
    for n in range(8):
        record(circle, 10_000 + n, funder=f"Financeur {n}")
        proposal = propose(circle, action, participant, key=f"p{n}")
        grant(proposal, 5_000)
        expense(proposal, contributor, amount_cents=1_000, key=f"x{n}")
    client = circle_client("coordinator")

    with django_assert_max_num_queries(23):  # with the menu
        assert client.get(reverse("circles:budget", args=[circle.slug])).status_code == 200
    with django_assert_max_num_queries(23):  # with the menu
        assert client.get(reverse("circles:expense-list", args=[circle.slug])).status_code == 200


def test_a_downloaded_document_is_served_as_what_it_is(circle, state, circle_client):
    response = circle_client("participant").get(_url("proposal-document", state, circle))

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_documents_and_receipts_have_no_public_address(circle, state, circle_client, settings):
    stored = [state["document"].file, state["expense"].receipt]
    assert all(stored), "the proposal has its document, the expense its receipt"
    anonymous = circle_client("anonymous")
    assert [anonymous.get(f"/media/{f.name}").status_code for f in stored] == [404, 404]
    # Even the coordinator, who may download them through the budget's views, gets them only there.
    coordinator = circle_client("coordinator")
    assert [coordinator.get(f"/media/{f.name}").status_code for f in stored] == [404, 404]
    assert coordinator.get(_url("expense-receipt", state, circle)).status_code == 200
    assert coordinator.get(_url("proposal-document", state, circle)).status_code == 200
