"""/api/v1/permanences, /resources and /cases: public reads of what is planned or published,
nothing pending, requested or refused."""

import datetime

import pytest
import time_machine

from maillage.communication import kit, services
from maillage.communication.models import Permanence


@pytest.fixture
def planned(rota, place, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=3, half="am", purpose="Accueil")
    services.generate_permanences(by=dora, rota=rota)


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
def test_permanences_lists_planned_half_days_only(client, planned, place, alice, rota):
    asked = services.request_permanence(
        by=alice, rota=rota, place=place, date=datetime.date(2027, 3, 9), half="pm"
    )
    body = client.get("/api/v1/permanences?network=reseau-a&page_size=100").json()
    items = body["items"]
    assert items and all(item["place"] == "La Bobine" for item in items)
    assert items[0] == {
        "id": items[0]["id"], "date": "2027-03-04", "half": "am", "place": "La Bobine",
        "place_slug": "la-bobine", "network": "reseau-a", "facilitator": "Fanny",
        "stand_in": False, "purpose": "Accueil",
    }  # fmt: skip
    assert asked.pk not in {item["id"] for item in items}
    assert Permanence.objects.filter(status="planned").count() == body["count"]
    assert client.get("/api/v1/permanences?place=le-hangar").json()["count"] == 0


@pytest.mark.django_db
def test_resources_and_cases_show_only_what_is_published(
    client, alice, dora, network_a, membership, place
):
    pitch = kit.contribute(
        by=dora, network=network_a,
        data=kit.ResourceData(kind="pitch", title="Le pitch", summary="S.", licence="CC-BY-4.0", actions=["animer"]),
    )  # fmt: skip
    pending = kit.contribute(
        by=alice, network=network_a,
        data=kit.ResourceData(kind="pitch", title="En attente", summary="S.", licence="CC-BY-4.0"),
    )  # fmt: skip
    case = kit.contribute(
        by=dora, network=network_a,
        data=kit.ResourceData(kind="case", title="Le cas", summary="S.", licence="CC-BY-4.0",
                              context="C.", what_they_did="F.", results="R."),
    )  # fmt: skip
    resources = client.get("/api/v1/resources").json()
    assert [r["slug"] for r in resources["items"]] == [pitch.slug]
    assert resources["items"][0]["actions"] == ["animer"]
    assert client.get(f"/api/v1/resources/{pending.slug}").status_code == 404
    assert client.get(f"/api/v1/resources/{case.slug}").status_code == 404  # a case, not a resource
    cases = client.get("/api/v1/cases").json()
    assert [c["slug"] for c in cases["items"]] == [case.slug]
    detail = client.get(f"/api/v1/cases/{case.pk}").json()
    assert detail["what_they_did"] == "F." and detail["results"] == "R."
    assert client.get("/api/v1/resources?action=gerer").json()["count"] == 0
