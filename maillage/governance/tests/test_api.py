"""The governance API: public reads of debates and proposals, token writes (supports, hours),
fees for whom may see them, French refusals."""

import datetime

import pytest
from django.utils import timezone

from maillage.accounts.api_tokens import create_api_token
from maillage.governance import debates, fees
from maillage.governance.models import Proposal, Support, VolunteerEntry
from maillage.governance.tests.factories import schedule


def bearer(user) -> dict[str, str]:
    _token, key = create_api_token(user=user, name="tests")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def proposal(dora, network_a, membership, alice, place):
    space = debates.create_space(by=dora, network=network_a, title="Plaidoyer", threshold_value=5)
    return debates.open_proposal(
        by=alice, space=space, kind=Proposal.Kind.POSITION, title="Une position",
        body="Un texte assez long pour une position du réseau.", place=place,
    )  # fmt: skip


def test_debates_and_proposals_are_public(client, proposal):
    spaces = client.get("/api/v1/debates").json()
    assert [s["slug"] for s in spaces["items"]] == ["plaidoyer"]
    listing = client.get("/api/v1/proposals").json()
    assert listing["items"][0]["supports_places"] == 1
    assert client.get("/api/v1/debates/plaidoyer/proposals").json()["count"] == 1
    detail = client.get(f"/api/v1/proposals/{proposal.slug}").json()
    assert detail["body"].startswith("Un texte")
    assert client.get("/api/v1/proposals/inconnue").status_code == 404


def test_supporting_needs_a_token_and_membership(client, proposal, bob, charlie, alice, place):
    url = f"/api/v1/proposals/{proposal.slug}/supports"
    assert client.post(url, {}, content_type="application/json").status_code == 401
    assert (
        client.post(url, {}, content_type="application/json", headers=bearer(charlie)).status_code
        == 403
    )
    answer = client.post(url, {}, content_type="application/json", headers=bearer(bob))
    assert answer.status_code == 200 and answer.json()["supports_people"] == 1
    again = client.post(url, {}, content_type="application/json", headers=bearer(bob))
    assert again.status_code == 409 and "déjà" in again.json()["detail"]
    for_place = client.post(
        url, {"place_id": place.pk}, content_type="application/json", headers=bearer(bob)
    )
    assert for_place.status_code == 403
    assert Support.objects.count() == 2


def test_fees_are_seen_by_managers_and_the_treasury(
    client, dora, network_a, membership, alice, charlie, tess
):
    s = schedule(by=dora, network=network_a)
    fees.call_fees(by=dora, schedule=s)
    assert client.get("/api/v1/fees").status_code == 401
    assert client.get("/api/v1/fees", headers=bearer(alice)).json()["count"] == 1
    assert client.get("/api/v1/fees", headers=bearer(charlie)).json()["count"] == 0
    url = f"/api/v1/fees/networks/{network_a.slug}"
    assert client.get(url, headers=bearer(tess)).json()["items"][0]["amount_cents"] == 5000
    assert client.get(url, headers=bearer(alice)).status_code == 403


def test_hours_are_logged_with_a_token_and_impossible_ones_refused(
    client, alice, network_a, membership, charlie
):
    url = "/api/v1/volunteering"
    today = timezone.localdate()
    body = {
        "network": network_a.slug,
        "activity": "event",
        "label": "Fête",
        "day": today.isoformat(),
        "hours": 3,
    }
    made = client.post(url, body, content_type="application/json", headers=bearer(alice))
    assert made.status_code == 201 and made.json()["minutes"] == 180
    future = {**body, "day": (today + datetime.timedelta(days=2)).isoformat()}
    refused = client.post(url, future, content_type="application/json", headers=bearer(alice))
    assert refused.status_code == 422 and "à venir" in str(refused.json()["errors"])
    too_long = {**body, "hours": 22}
    assert (
        client.post(
            url, too_long, content_type="application/json", headers=bearer(alice)
        ).status_code
        == 422
    )
    outsider = client.post(url, body, content_type="application/json", headers=bearer(charlie))
    assert outsider.status_code == 403
    assert VolunteerEntry.objects.count() == 1
    assert client.get(url, headers=bearer(alice)).json()["count"] == 1
    assert client.get(url, headers=bearer(charlie)).json()["count"] == 0
