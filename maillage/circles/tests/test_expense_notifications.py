"""A "Dépense à valider" notification leaves every steward's unread list once a steward reviews it."""

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.circles import budget_services as svc
from maillage.circles.models import CircleRole
from maillage.circles.tests.factories import CircleMemberFactory
from maillage.circles.tests.test_budget_services import expense, grant, propose, record
from maillage.notifications.models import Notification


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def second_steward(circle, membership):
    user = UserFactory(email="ines@example.org", display_name="Inès")
    CircleMemberFactory(circle=circle, user=user, role=CircleRole.STEWARD)
    return user


@pytest.fixture
def filed(circle, action, participant, steward, second_steward):
    record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    grant(proposal, 150_000)
    return expense(proposal, participant, amount_cents=60_000)


def to_review(filed):
    url = reverse("circles:expense-detail", args=[filed.proposal.circle.slug, filed.pk])
    return Notification.objects.filter(title__startswith="Dépense à valider", url=url)


def test_every_steward_is_asked_to_review_and_the_author_is_not(
    filed, participant, steward, second_steward
):
    assert set(to_review(filed).values_list("user", flat=True)) == {
        steward.pk,
        second_steward.pk,
    }
    assert to_review(filed).filter(read_at__isnull=True).count() == 2


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_review_marks_the_request_read_for_every_steward(
    filed, steward, second_steward, decision
):
    if decision == "approve":
        svc.approve_expense(expense=filed, by=steward)
    else:
        svc.reject_expense(expense=filed, by=steward, reason="Facture illisible.")

    assert to_review(filed).count() == 2
    assert not to_review(filed).filter(read_at__isnull=True).exists()


def test_a_refused_review_leaves_the_request_unread(filed, participant):
    with pytest.raises(svc.OwnExpense):
        svc.approve_expense(expense=filed, by=participant)
    assert to_review(filed).filter(read_at__isnull=True).count() == 2


def test_reviewing_one_expense_leaves_the_others_unread(
    circle, action, participant, steward, second_steward
):
    record(circle, 1_000_000)
    proposal = propose(circle, action, participant)
    grant(proposal, 150_000)
    first = expense(proposal, participant, amount_cents=10_000, key="a")
    second = expense(proposal, participant, amount_cents=10_000, key="b")

    svc.approve_expense(expense=first, by=steward)

    assert to_review(second).filter(read_at__isnull=True).count() == 2
