"""/api/v1/campaigns (public figures; who pledged only for the coordinators) and
/api/v1/orientations (the requester, the network's guides and coordinators only)."""

import pytest

from maillage.commons import orientation
from maillage.commons.tests.campaign_helpers import bearer, give, new_campaign, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(network_a, dora, bob, alice, place):
    made = new_campaign(network_a, dora, match_funder="Région", match_cap_cents=10_000)
    secret = give(made, bob, 7_000, anonymous=True)
    give(made, alice, 20_000, by_kind="place", place=place, hours=4)
    receive(secret, dora, reference="VIR-SECRET")
    return made


def test_the_list_and_detail_give_the_figures_equal_to_the_pages(client, campaign):
    listed = client.get("/api/v1/campaigns").json()
    assert listed["count"] == 1
    figures = listed["items"][0]["figures"]
    assert figures["pledged_cents"] == 27_000
    assert figures["matched_cents"] == 10_000
    assert figures["received_cents"] == 14_000  # 7 000 + 7 000 matched
    assert figures["hours"] == 4
    assert figures["contributing_places"] == ["La Bobine"]
    detail = client.get(f"/api/v1/campaigns/{campaign.slug}").json()
    assert detail["pays_for"].startswith("La rétribution")
    assert client.get(f"/api/v1/campaigns/{campaign.pk}").json()["id"] == campaign.pk
    assert client.get("/api/v1/campaigns/inconnue").status_code == 404


@pytest.mark.parametrize(
    ("persona", "private"),
    [(None, False), ("bob", False), ("alice", False), ("erin", False), ("dora", True)],
)
def test_who_pledged_is_shown_only_to_the_coordinators(client, campaign, request, persona, private):
    headers = bearer(request.getfixturevalue(persona)) if persona else {}
    body = client.get(f"/api/v1/campaigns/{campaign.slug}/pledges", headers=headers).json()
    assert body["private"] is private
    totals = {row["by_kind"]: row for row in body["totals"]}
    assert totals["person"]["amount_cents"] == 7_000
    assert totals["place"]["hours"] == 4
    anonymous = next(p for p in body["pledges"] if p["by_kind"] == "person")
    assert anonymous["name"] == "Anonyme"
    assert (anonymous["made_by"] == "Bob") is private
    assert (anonymous["receipt_reference"] == "VIR-SECRET") is private
    assert ("VIR-SECRET" in str(body)) is private


@pytest.fixture
def requests_(network_a, network_b, commune, bob, charlie, gaelle):
    network_a.communes.add(commune)
    mine = orientation.file_request(
        by=bob,
        data=orientation.RequestData(
            need="Tenir nos comptes", maturity="young", commune=commune, domain="comptabilite"
        ),
    )
    theirs = orientation.file_request(
        by=charlie,
        data=orientation.RequestData(
            need="Un outil de réservation", maturity="idea", commune=commune
        ),
    )
    return mine, theirs


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("bob", {"mine"}),  # the requester: her own only
        ("charlie", {"theirs"}),
        ("gaelle", {"mine", "theirs"}),  # guide of network A
        ("dora", {"mine", "theirs"}),  # coordinator of network A
        ("erin", set()),  # coordinator of another network
        ("alice", set()),
    ],
)
def test_orientations_are_seen_by_the_requester_guides_and_coordinators(
    client, requests_, request, persona, sees, gaelle
):
    mine, theirs = requests_
    ids = {"mine": mine.pk, "theirs": theirs.pk}
    headers = bearer(request.getfixturevalue(persona))
    listed = client.get("/api/v1/orientations", headers=headers).json()
    assert {item["id"] for item in listed["items"]} == {ids[name] for name in sees}
    for name, pk in ids.items():
        response = client.get(f"/api/v1/orientations/{pk}", headers=headers)
        assert response.status_code == (200 if name in sees else 404)
        if name in sees:
            assert response.json()["need"]


def test_orientations_need_a_token(client, requests_):
    assert client.get("/api/v1/orientations").status_code == 401
    assert client.get(f"/api/v1/orientations/{requests_[0].pk}").status_code == 401
