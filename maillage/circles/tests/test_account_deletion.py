"""A paid person deletes their account: the circle's money record stays whole and balanced.

Fanny (contributor, paid 1 000 € by the circle) and Bob (participant, author of the proposals)
delete their accounts. The ledger still balances, the budget still agrees with it, the
transparency page and its totals are unchanged — and name them "compte supprimé".
"""

import pytest
from django.urls import reverse

from maillage.accounts import personal_data
from maillage.circles import transparency
from maillage.circles.budget_services import circle_ledger_issues
from maillage.circles.models import CircleMember, Expense
from maillage.circles.tests.test_transparency_ledger import assert_transparency_equals_ledger
from maillage.circles.tests.transparency_builders import money_story
from maillage.ledger.selectors import check_ledger


@pytest.fixture
def story(circle, action, participant, contributor, steward, place):
    return money_story(circle, action, participant, contributor, steward, place)


def test_the_money_record_survives_the_deletion_of_the_people_it_names(
    client, circle, story, participant, contributor
):
    before = transparency.circle_report(circle=circle)
    page_before = client.get(reverse("circles:transparency", args=[circle.slug])).content.decode()
    assert "Fanny" in page_before

    for person in (contributor, participant):
        personal_data.erase_account(user=person)

    assert check_ledger().ok
    assert circle_ledger_issues() == []
    after = transparency.circle_report(circle=circle)
    assert (after.budget_cents, after.granted_cents, after.spent_cents) == (
        before.budget_cents, before.granted_cents, before.spent_cents,
    )  # fmt: skip
    assert_transparency_equals_ledger(circle)
    page = client.get(reverse("circles:transparency", args=[circle.slug])).content.decode()
    assert "Fanny" not in page and "fanny@example.org" not in page
    assert "compte supprimé" in page
    assert Expense.objects.filter(payee_user=contributor).exists()  # the record keeps its rows
    assert not CircleMember.objects.filter(user=contributor, ended_at__isnull=True).exists()


def test_a_network_may_publish_the_role_of_the_people_it_pays_instead_of_their_name(
    client, circle, story
):
    circle.network.transparency_people = "role"
    circle.network.save()

    page = client.get(reverse("circles:transparency", args=[circle.slug])).content.decode()

    assert "Fanny" not in page
    assert "Contributeur·rice" in page
    assert "Imprimerie Nord" in page  # a provider is not a person: still named
