"""The circles API: public reads, the same permissions as the pages, token writes with an
Idempotency-Key, French errors, and the transparency figures equal to the page's."""

import pytest

from maillage.accounts.api_tokens import create_api_token
from maillage.circles import transparency
from maillage.circles.models import PayeeKind, Proposal, Transparency
from maillage.circles.tests.transparency_builders import money_story

API = "/api/v1/circles"


@pytest.fixture
def story(circle, action, participant, contributor, steward, place):
    return money_story(circle, action, participant, contributor, steward, place)


def bearer(user) -> dict[str, str]:
    _token, key = create_api_token(user=user, name="tests")
    return {"Authorization": f"Bearer {key}"}


def test_circles_are_listed_and_shown_without_contacts(client, circle, other_circle):
    circle.contact_email = "cercle@example.org"
    circle.save()
    listing = client.get(f"{API}/").json()
    assert listing["count"] == 2
    assert {c["slug"] for c in listing["items"]} == {"douaisis", "avesnois"}
    detail = client.get(f"{API}/douaisis").json()
    assert detail["communes"] == [{"code_insee": "59178", "name": "Douai", "department_code": "59"}]
    assert [{k: v for k, v in p.items() if k != "id"} for p in detail["places"]] == [
        {"slug": "la-bobine", "name": "La Bobine"}
    ]
    assert "@" not in str(detail) + str(listing)


def test_circles_filter_by_network(client, circle, network_b):
    assert client.get(f"{API}/", {"network": "reseau-b"}).json()["count"] == 0
    assert client.get(f"{API}/", {"network": "reseau-a"}).json()["count"] == 1


def test_an_unknown_circle_is_a_french_404(client, db):
    response = client.get(f"{API}/nulle-part")
    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable."}


def test_the_programme_is_public(client, circle, action):
    rows = client.get(f"{API}/douaisis/actions").json()
    assert [r["title"] for r in rows] == ["Guide des tiers-lieux du Douaisis"]


def test_the_transparency_figures_are_those_of_the_page(client, circle, story):
    for year in (None, 2025, 2026):
        params = {"year": year} if year else {}
        body = client.get(f"{API}/douaisis/transparency", params).json()
        report = transparency.circle_report(circle=circle, year=year)
        assert (body["budget_cents"], body["granted_cents"], body["spent_cents"]) == (
            report.budget_cents,
            report.granted_cents,
            report.spent_cents,
        )
        assert body["remaining_cents"] == report.remaining_cents
        lines = [line for a in body["actions"] for line in a["lines"]]
        assert sum(line["granted_cents"] for line in lines) == report.granted_cents
        assert {line["decision_id"] for line in lines} == {li.decision.pk for li in report.lines}
    assert body["account_balance_cents"] == 1_480_000
    assert "@" not in str(body)


def test_decisions_are_listed_with_their_votes_and_whether_in_force(client, circle, story):
    rows = client.get(f"{API}/douaisis/decisions").json()
    assert [r["amount_granted_cents"] for r in rows] == [250_000, 120_000, 80_000]
    assert [r["method"] for r in rows] == ["consent", "vote", "consent"]
    assert rows[1]["votes_for"] == 3 and all(r["in_force"] for r in rows)
    one = client.get(f"{API}/douaisis/decisions/{rows[0]['id']}").json()
    assert one["subject"] == "Rédaction du guide"


MEMBERS_ONLY = {
    "anonymous": 403,
    "participant": 200,
    "steward": 200,
    "other_circle_member": 200,
    "coordinator": 200,
    "other_coordinator": 403,
}


@pytest.mark.parametrize("path", ["transparency", "decisions", "actions"])
@pytest.mark.parametrize("name", MEMBERS_ONLY)
def test_members_only_figures_need_a_token_of_a_network_member(
    client, circle, story, request, path, name, dora, erin, other_circle_member
):
    circle.transparency = Transparency.MEMBERS
    circle.save()
    people = {
        "participant": request.getfixturevalue("participant"),
        "steward": request.getfixturevalue("steward"),
        "other_circle_member": other_circle_member,
        "coordinator": dora,
        "other_coordinator": erin,
    }
    headers = bearer(people[name]) if name in people else {}
    response = client.get(f"{API}/douaisis/{path}", headers=headers)
    assert response.status_code == MEMBERS_ONLY[name]
    if response.status_code == 403:
        assert response.json()["detail"]


def test_proposals_need_a_token(client, circle, story):
    response = client.get(f"{API}/douaisis/proposals")
    assert response.status_code == 401
    assert "jeton" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "status"),
    [("participant", 200), ("coordinator", 200), ("other_circle_member", 403), ("erin", 403)],
)
def test_proposals_are_for_the_circles_members_and_coordinators(
    client, circle, story, request, name, status, dora
):
    user = dora if name == "coordinator" else request.getfixturevalue(name)
    response = client.get(f"{API}/douaisis/proposals", headers=bearer(user))
    assert response.status_code == status
    if status == 200:
        rows = {r["title"]: r for r in response.json()}
        assert rows["Rédaction du guide"]["granted_cents"] == 250_000
        assert rows["Rédaction du guide"]["spent_cents"] == 100_000
        assert rows["Rédaction du guide"]["payee"] == "Fanny"


def _proposal(action, **extra):
    return {
        "action_id": action.pk,
        "title": "Location de la salle",
        "amount_cents": 45_000,
        "payee_kind": PayeeKind.PROVIDER,
        "payee_name": "Salle des fêtes de Douai",
        "justification": "Pour la journée des lieux.",
        **extra,
    }


def test_a_member_files_a_proposal_once_whatever_the_replays(client, circle, action, participant):
    headers = {**bearer(participant), "Idempotency-Key": "salle-1"}
    first = client.post(
        f"{API}/douaisis/proposals",
        _proposal(action),
        content_type="application/json",
        headers=headers,
    )
    again = client.post(
        f"{API}/douaisis/proposals",
        _proposal(action),
        content_type="application/json",
        headers=headers,
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Proposal.objects.filter(circle=circle).count() == 1


def test_a_proposal_without_key_or_by_a_stranger_is_refused_and_changes_nothing(
    client, circle, action, other_circle_member
):
    no_key = client.post(
        f"{API}/douaisis/proposals",
        _proposal(action),
        content_type="application/json",
        headers=bearer(other_circle_member),
    )
    assert no_key.status_code == 422
    stranger = client.post(
        f"{API}/douaisis/proposals",
        _proposal(action),
        content_type="application/json",
        headers={**bearer(other_circle_member), "Idempotency-Key": "x"},
    )
    assert stranger.status_code == 403
    assert not Proposal.objects.exists()


def test_bad_proposals_get_french_messages_per_field(client, circle, action, participant):
    headers = {**bearer(participant), "Idempotency-Key": "bad-1"}
    unpaid = client.post(
        f"{API}/douaisis/proposals",
        _proposal(action, payee_kind="person", payee_user_id=participant.pk),
        content_type="application/json",
        headers=headers,
    )
    assert unpaid.status_code == 422
    (error,) = unpaid.json()["errors"]
    assert error["field"] == "payee_user_id"
    assert "rôle rémunéré" in error["message"]
    negative = client.post(
        f"{API}/douaisis/proposals",
        _proposal(action, amount_cents=-5),
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "bad-2"},
    )
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["message"].startswith("Indiquez une valeur supérieure")
    assert not Proposal.objects.exists()
