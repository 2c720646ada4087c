"""Correcting a paid expense: a reversing ledger transfer gives the money back to the circle."""

import pytest
from django.urls import reverse

from maillage.circles import budget
from maillage.circles import budget_services as svc
from maillage.circles.budget_services import circle_account
from maillage.circles.models import CircleReason, CircleRole, Expense, PayeeKind
from maillage.circles.selectors import can_reverse_expense
from maillage.circles.tests.conftest import CIRCLE_PERSONAS
from maillage.circles.tests.factories import CircleMemberFactory
from maillage.circles.tests.test_budget_services import (
    assert_ledger_sound,
    expense,
    grant,
    media,  # noqa: F401 (autouse: uploads go to a temporary folder)
    propose,
    record,
)
from maillage.circles.transparency import circle_report
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer, TransferReason
from maillage.notifications.models import Notification


@pytest.fixture
def paid(circle, action, participant, contributor, steward):
    """Bob's proposal granted 1 500 €; Fanny's 500 € expense approved and paid by Gaston."""
    envelope = record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    grant(proposal, 150_000, envelope=envelope)
    filed = expense(proposal, contributor)
    return svc.approve_expense(expense=filed, by=steward)


def test_reversing_a_payment_posts_the_mirror_transfer_and_frees_the_grant(
    circle, paid, steward, contributor
):
    proposal = paid.proposal
    account = circle_account(circle=circle)
    before = ledger_selectors.balance(account)
    assert budget.spendable_for_proposal(proposal=proposal) == 100_000

    svc.reverse_expense_payment(expense=paid, by=steward, reason="Facture en double")

    paid.refresh_from_db()
    assert paid.status == Expense.Status.REVERSED
    assert paid.reversal_reason == "Facture en double"
    assert paid.reversed_by == steward and paid.reversed_at is not None
    payment = Transfer.objects.caused_by(paid).get(reason=CircleReason.CIRCLE_EXPENSE)
    reversal = Transfer.objects.get(reverses=payment)
    assert (reversal.debit_id, reversal.credit_id) == (payment.credit_id, payment.debit_id)
    assert reversal.authority_id == payment.authority_id == paid.decision_id
    assert reversal.is_caused_by(paid)
    assert ledger_selectors.balance(account) == before + 50_000
    assert budget.spent_for_proposal(proposal=proposal) == 0
    assert budget.spendable_for_proposal(proposal=proposal) == 150_000
    assert_ledger_sound()
    report = circle_report(circle=circle)
    assert report.spent_cents == budget.spent_total(circle=circle) == 0
    assert Notification.objects.filter(user=contributor, title__contains="contrepassé").exists()


def test_the_freed_remainder_can_be_spent_again(circle, paid, steward, contributor):
    svc.reverse_expense_payment(expense=paid, by=steward, reason="Montant erroné")
    again = expense(paid.proposal, contributor, amount_cents=150_000, key="e2")
    svc.approve_expense(expense=again, by=steward)
    assert budget.spent_for_proposal(proposal=paid.proposal) == 150_000
    assert_ledger_sound()


def test_a_coordinator_may_reverse_a_payment(paid, dora):
    svc.reverse_expense_payment(expense=paid, by=dora, reason="Mauvais bénéficiaire")
    paid.refresh_from_db()
    assert paid.status == Expense.Status.REVERSED
    assert_ledger_sound()


@pytest.mark.parametrize("who", ["participant", "contributor", "other_circle_member", "erin"])
def test_others_may_not_reverse_a_payment(request, paid, who):
    person = request.getfixturevalue(who)
    with pytest.raises(svc.NotAllowed, match="coordination du réseau"):
        svc.reverse_expense_payment(expense=paid, by=person, reason="Non")
    paid.refresh_from_db()
    assert paid.status == Expense.Status.PAID
    assert not Transfer.objects.filter(reason=TransferReason.REVERSAL).exists()


def test_a_steward_who_is_the_payee_may_not_reverse_it(circle, action, participant, steward):
    other_steward = CircleMemberFactory(circle=circle, role=CircleRole.STEWARD).user
    record(circle, 1_000_000)
    proposal = propose(
        circle, action, participant, payee=svc.Payee(kind=PayeeKind.PERSON, user=steward)
    )
    grant(proposal, 100_000)
    filed = expense(proposal, participant, amount_cents=10_000)
    filed = svc.approve_expense(expense=filed, by=other_steward)
    assert not can_reverse_expense(user=steward, expense=filed)
    with pytest.raises(svc.NotAllowed):
        svc.reverse_expense_payment(expense=filed, by=steward, reason="Je me suis trompé")
    svc.reverse_expense_payment(expense=filed, by=other_steward, reason="Erreur de montant")
    assert_ledger_sound()


def test_a_reversal_needs_a_reason(paid, steward):
    with pytest.raises(svc.BudgetError, match="Dites pourquoi le paiement est contrepassé"):
        svc.reverse_expense_payment(expense=paid, by=steward, reason="  ")
    paid.refresh_from_db()
    assert paid.status == Expense.Status.PAID


def test_a_payment_is_reversed_only_once(paid, steward):
    svc.reverse_expense_payment(expense=paid, by=steward, reason="Double paiement")
    with pytest.raises(svc.NotPaid, match="Seul le paiement d'une dépense validée"):
        svc.reverse_expense_payment(expense=paid, by=steward, reason="Encore")
    assert Transfer.objects.caused_by(paid).filter(reason=TransferReason.REVERSAL).count() == 1
    assert_ledger_sound()


def test_an_unpaid_expense_cannot_be_reversed(circle, action, participant, contributor, steward):
    record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    grant(proposal, 150_000)
    filed = expense(proposal, contributor)
    with pytest.raises(svc.NotPaid):
        svc.reverse_expense_payment(expense=filed, by=steward, reason="Erreur")
    filed.refresh_from_db()
    assert filed.status == Expense.Status.SUBMITTED


def test_the_ledger_check_sees_a_reversal_the_expense_does_not_know(paid, steward):
    payment = Transfer.objects.caused_by(paid).get()
    ledger.reverse_transfer(transfer=payment, idempotency_key="sneaky")
    issues = svc.circle_ledger_issues()
    assert any("reversed but expense not marked" in issue for issue in issues)


def test_the_ledger_check_sees_an_expense_marked_reversed_without_its_reversal(paid):
    Expense.objects.filter(pk=paid.pk).update(status=Expense.Status.REVERSED)
    issues = svc.circle_ledger_issues()
    assert any("is reversed but its payment" in issue for issue in issues)


# --- pages ------------------------------------------------------------------------------------

LOGIN, DONE = "login", "done"
#           anonymous participant contributor steward other_member coordinator other_coord root
REVERSE = [LOGIN, 403, 403, DONE, 403, DONE, 403, DONE]


@pytest.mark.parametrize("persona", CIRCLE_PERSONAS)
def test_reverse_url_answers_each_persona_as_expected(circle, paid, circle_client, persona):
    url = reverse("circles:expense-reverse", args=[circle.slug, paid.pk])
    response = circle_client(persona).post(url, {"reason": "Facture en double"})
    expected = REVERSE[CIRCLE_PERSONAS.index(persona)]
    if response.status_code == 302:
        login = response["Location"].startswith(reverse("account_login"))
        assert (LOGIN if login else DONE) == expected
    else:
        assert response.status_code == expected
    paid.refresh_from_db()
    assert (paid.status == Expense.Status.REVERSED) == (expected == DONE)


def test_the_expense_page_offers_the_correction_and_shows_it_done(circle, paid, circle_client):
    url = reverse("circles:expense-detail", args=[circle.slug, paid.pk])
    assert "Contrepasser le paiement" not in circle_client("contributor").get(url).content.decode()
    client = circle_client("steward")
    assert "Contrepasser le paiement" in client.get(url).content.decode()

    post = reverse("circles:expense-reverse", args=[circle.slug, paid.pk])
    response = client.post(post, {"reason": "Montant erroné"}, follow=True)

    html = response.content.decode()
    assert "Paiement contrepassé" in html
    assert "Montant erroné" in html
    assert "Contrepasser le paiement" not in html


def test_a_reversal_without_reason_shows_the_error_next_to_the_field(circle, paid, circle_client):
    url = reverse("circles:expense-reverse", args=[circle.slug, paid.pk])
    response = circle_client("steward").post(url, {"reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in html
    paid.refresh_from_db()
    assert paid.status == Expense.Status.PAID
