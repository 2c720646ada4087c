"""The transparency page: budget → granted → spent → remaining, per action and per role, each
line with its decision and expenses; year filter; who may see it; no private field."""

import pytest
from django.urls import reverse

from maillage.circles import budget, transparency
from maillage.circles.models import Transparency
from maillage.circles.tests.conftest import CIRCLE_PERSONAS
from maillage.circles.tests.transparency_builders import money_story


@pytest.fixture
def story(circle, action, participant, contributor, steward, place):
    return money_story(circle, action, participant, contributor, steward, place)


def test_the_four_figures_add_up_over_all_years(circle, story):
    report = transparency.circle_report(circle=circle)
    assert report.budget_cents == 1_700_000
    assert report.granted_cents == 450_000
    assert report.spent_cents == 220_000
    assert report.remaining_cents == 1_700_000 - 450_000
    assert report.account_balance_cents == 1_700_000 - 220_000
    assert report.years == [2026, 2025]


def test_the_figures_are_those_of_the_budget_module(circle, story):
    report = transparency.circle_report(circle=circle)
    assert report.budget_cents == budget.budget_total(circle=circle)
    assert report.granted_cents == budget.granted_total(circle=circle)
    assert report.spent_cents == budget.spent_total(circle=circle)
    assert report.remaining_cents == budget.remaining(circle=circle)
    for line in report.lines:
        assert line.granted_cents == budget.granted_for_proposal(proposal=line.proposal)
        assert line.spent_cents == budget.spent_for_proposal(proposal=line.proposal)


def test_a_year_shows_its_envelopes_and_the_grants_drawn_from_them(circle, story):
    # 2026: 10 000 + 5 000 = 15 000 €; 2 500 + 1 200 = 3 700 € granted; 2 200 € paid.
    report = transparency.circle_report(circle=circle, year=2026)
    assert (report.budget_cents, report.granted_cents, report.spent_cents) == (
        1_500_000,
        370_000,
        220_000,
    )
    older = transparency.circle_report(circle=circle, year=2025)
    assert (older.budget_cents, older.granted_cents, older.spent_cents) == (200_000, 80_000, 0)


def test_figures_per_role_of_the_payee(circle, story):
    roles = {
        r.role: (r.granted_cents, r.spent_cents)
        for r in transparency.circle_report(circle=circle).roles
    }
    assert roles == {
        "contributor": (250_000, 100_000),
        "provider": (120_000, 120_000),
        "place": (80_000, 0),
    }


def test_the_page_links_every_line_to_its_decision_and_expenses(client, circle, story):
    response = client.get(reverse("circles:transparency", args=[circle.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    for decision in story["decisions"]:
        assert transparency.decision_url(decision) in body
    assert "Rédaction du guide" in body and "Facture imprimerie" in body
    assert "demandé : 3\u202f000\u00a0€" in body  # the partial grant shows what was asked
    assert "En attente" not in body  # an expense not yet approved is not spent
    assert body.count('class="tr-bar"') == 3  # the circle, the guide, the festival


def test_the_year_filter_narrows_the_page(client, circle, story):
    body = client.get(
        reverse("circles:transparency", args=[circle.slug]), {"annee": "2025"}
    ).content.decode()
    assert "Accueil du festival" in body
    assert "Rédaction du guide" not in body


def test_no_email_or_phone_appears(client, circle, story, contributor):
    circle.contact_email, circle.contact_phone = "cercle@example.org", "03 27 00 00 00"
    circle.save()
    contributor.phone = "06 12 34 56 78"
    contributor.save()
    for name in ["circles:transparency", "circles:transparency-csv"]:
        response = client.get(reverse(name, args=[circle.slug]))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        assert "@" not in text.replace("&#x27;", "")
        assert "06 12 34 56 78" not in text and "03 27 00 00 00" not in text
        assert "Fanny" in text  # the payee is named by their public name


def test_the_page_is_bounded_in_queries(client, circle, story, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("circles:transparency", args=[circle.slug]))
    assert response.status_code == 200


def test_an_unknown_circle_is_404(client, db):
    assert client.get(reverse("circles:transparency", args=["nulle-part"])).status_code == 404


URLS = ["circles:transparency", "circles:transparency-csv"]


@pytest.mark.parametrize("url_name", URLS)
@pytest.mark.parametrize("name", CIRCLE_PERSONAS)
def test_a_public_page_is_open_to_everyone(circle_client, circle, url_name, name):
    assert circle_client(name).get(reverse(url_name, args=[circle.slug])).status_code == 200


MEMBERS_ONLY = {
    "anonymous": 302,
    "participant": 200,
    "contributor": 200,
    "steward": 200,
    "other_circle_member": 200,  # sits in another circle of the same network
    "coordinator": 200,
    "other_coordinator": 403,
    "root": 200,
}


@pytest.mark.parametrize("url_name", URLS)
@pytest.mark.parametrize("name", CIRCLE_PERSONAS)
def test_a_members_only_page_is_for_the_networks_members(circle_client, circle, url_name, name):
    circle.transparency = Transparency.MEMBERS
    circle.save()
    response = circle_client(name).get(reverse(url_name, args=[circle.slug]))
    assert response.status_code == MEMBERS_ONLY[name]
    if name == "anonymous":
        assert reverse("account_login") in response["Location"]


def test_expense_pages_are_linked_for_members_only(client, circle, story, steward):
    url = reverse("circles:transparency", args=[circle.slug])
    expense_url = reverse("circles:expense-detail", args=[circle.slug, 1]).rsplit("/", 2)[0]
    assert expense_url not in client.get(url).content.decode()
    client.force_login(steward)
    assert expense_url in client.get(url).content.decode()


@pytest.mark.parametrize("name", CIRCLE_PERSONAS)
def test_a_members_only_circles_action_pages_follow_the_same_rule(
    circle_client, circle, action, name
):
    circle.transparency = Transparency.MEMBERS
    circle.save()
    action.expected_cost_cents = 123_400
    action.save()
    client = circle_client(name)
    response = client.get(reverse("circles:action-detail", args=[circle.slug, action.pk]))
    assert response.status_code == MEMBERS_ONLY[name]
    circle_page = client.get(reverse("circles:circle-detail", args=[circle.slug]))
    assert circle_page.status_code == 200  # its name, territory and people stay findable
    page = circle_page.content.decode()
    if MEMBERS_ONLY[name] == 200:
        assert action.title in page and "1\u202f234" in page
    else:
        assert action.title not in page and "1\u202f234" not in page
        assert "réserve le programme" in page
