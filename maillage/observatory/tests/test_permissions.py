"""Who sees what in the observatory: public indicators for everyone, the coordinators' ones
(freshness…) for the coordinators of the scope's network and admins only."""

import pytest
from django.urls import reverse

from maillage.conftest import PERSONAS

pytestmark = pytest.mark.django_db

COORDINATORS = {"dora", "root"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_pages_answer_everyone(persona_client, persona):
    client = persona_client(persona)
    for url in [
        reverse("observatory:index"),
        reverse("observatory:methodology"),
        reverse("observatory:scope", args=["reseau", "reseau-a"]),
        reverse("observatory:indicator", args=["reseau", "reseau-a", "places.by_type"]),
        reverse("observatory:coverage", args=["reseau", "reseau-a"]),
        reverse("observatory:compare", args=["reseau", "reseau-a"]),
        reverse("observatory:scope", args=["departement", "59"]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_coordinators_indicators_only_for_the_networks_coordinators(persona_client, persona):
    client = persona_client(persona)
    page = client.get(reverse("observatory:scope", args=["reseau", "reseau-a"]))
    assert ("Fraîcheur des fiches" in page.content.decode()) == (persona in COORDINATORS)
    detail = client.get(
        reverse("observatory:indicator", args=["reseau", "reseau-a", "directory.freshness"])
    )
    assert detail.status_code == (200 if persona in COORDINATORS else 403)
    download = client.get(
        reverse(
            "observatory:indicator-data", args=["reseau", "reseau-a", "directory.freshness", "csv"]
        )
    )
    assert download.status_code == (200 if persona in COORDINATORS else 403)
    api = client.get("/api/v1/observatory/indicators", {"perimetre": "reseau", "cle": "reseau-a"})
    keys = {one["key"] for one in api.json()["indicators"]}
    assert ("directory.freshness" in keys) == (persona in COORDINATORS)


def test_a_coordinators_indicator_is_never_embedded(persona_client):
    client = persona_client("dora")
    url = reverse("observatory:indicator-embed", args=["reseau", "reseau-a", "directory.freshness"])
    assert client.get(url).status_code == 404
    public = reverse("observatory:indicator-embed", args=["reseau", "reseau-a", "places.by_type"])
    response = client.get(public)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers


def test_unknown_scope_or_indicator_is_404(client, db):
    assert client.get(reverse("observatory:scope", args=["reseau", "nope"])).status_code == 404
    assert client.get(reverse("observatory:scope", args=["departement", "00"])).status_code == 404
    assert client.get("/observatoire/planete/terre/").status_code == 404
    assert (
        client.get(reverse("observatory:indicator", args=["reseau", "nope", "x.y"])).status_code
        == 404
    )


def test_network_page_and_my_space_lead_a_coordinator_to_the_observatory(persona_client):
    client = persona_client("dora")
    scope_url = reverse("observatory:scope", args=["reseau", "reseau-a"])
    coverage_url = reverse("observatory:coverage", args=["reseau", "reseau-a"])
    network_page = client.get(
        reverse("networks:network-detail", args=["reseau-a"])
    ).content.decode()
    assert scope_url in network_page and coverage_url in network_page
    hub = client.get(reverse("accounts:profile")).content.decode()
    assert coverage_url in hub
    visitor = persona_client("anonymous")
    public_page = visitor.get(
        reverse("networks:network-detail", args=["reseau-a"])
    ).content.decode()
    assert scope_url in public_page and coverage_url not in public_page


def test_a_circle_page_leads_to_its_observatory_and_coverage(client, db):
    from maillage.circles.tests.factories import CircleFactory

    circle = CircleFactory()
    scope_url = reverse("observatory:scope", args=["cercle", circle.slug])
    circle_page = client.get(reverse("circles:circle-detail", args=[circle.slug]))
    assert scope_url in circle_page.content.decode()
    observatory = client.get(scope_url)
    assert observatory.status_code == 200
    coverage_url = reverse("observatory:coverage", args=["cercle", circle.slug])
    assert coverage_url in observatory.content.decode()
    assert client.get(coverage_url).status_code == 200
