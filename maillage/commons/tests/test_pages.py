"""The catalogue's pages: who sees and does what (permission matrix), the public page's JSON-LD,
the exports, and the API."""

import csv
import io
import json

import pytest
from django.urls import reverse

from maillage.commons.models import Contact, Usage
from maillage.conftest import PERSONAS

pytestmark = pytest.mark.django_db

# persona → expected status for: list, detail, create, edit, declare usage, offer help
MATRIX = {
    "anonymous": (200, 200, 302, 302, 302, 302),
    "bob": (200, 200, 403, 403, 200, 200),
    "charlie": (200, 200, 403, 403, 200, 200),
    "alice": (200, 200, 403, 403, 200, 200),
    "erin": (200, 200, 200, 403, 200, 200),
    "dora": (200, 200, 200, 200, 200, 200),
    "root": (200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(persona, persona_client, paheko):
    client = persona_client(persona)
    urls = [
        reverse("commons:list"),
        reverse("commons:detail", args=[paheko.slug]),
        reverse("commons:create"),
        reverse("commons:edit", args=[paheko.slug]),
        reverse("commons:usage-declare", args=[paheko.slug]),
        reverse("commons:help-offer", args=[paheko.slug]),
    ]
    statuses = tuple(client.get(url).status_code for url in urls)

    assert statuses == MATRIX[persona]


def test_the_public_page_describes_the_commons_in_json_ld(client, paheko):
    html = client.get(paheko.get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json"')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    data = json.loads(payload)

    assert data["@type"] == "SoftwareApplication"
    assert data["license"] == "https://spdx.org/licenses/AGPL-3.0.html"
    assert "Qui appeler : personne" in html


def test_a_guide_gets_an_unpublished_page_a_visitor_a_404(client, gaelle, paheko):
    paheko.is_published = False
    paheko.save()

    assert client.get(paheko.get_absolute_url()).status_code == 404
    client.force_login(gaelle)
    assert client.get(paheko.get_absolute_url()).status_code == 200


def test_offering_help_from_the_page_shows_the_person_to_call(client, bob, paheko):
    client.force_login(bob)
    response = client.post(
        reverse("commons:help-offer", args=[paheko.slug]), {"helps_with": "Installer Paheko"}
    )

    assert response.status_code == 302
    assert (
        "Bob</strong> — Installer Paheko" in client.get(paheko.get_absolute_url()).content.decode()
    )
    client.post(reverse("commons:help-withdraw", args=[paheko.slug]))
    assert not Contact.objects.exists()


def test_a_manager_declares_a_usage_from_the_page_with_a_date_in_error_kept_out(
    client, alice, place, paheko
):
    client.force_login(alice)
    url = reverse("commons:usage-declare", args=[paheko.slug])
    bad = client.post(url, {"place": place.pk, "since": "2999-01-01"})

    assert "futur" in bad.content.decode()
    assert not Usage.objects.exists()
    client.post(
        url, {"place": place.pk, "since": "2023-05-01", "testimonial": "Nos comptes tiennent."}
    )
    assert Usage.objects.get().place == place


def test_the_csv_export_names_places_and_counts_contacts_without_naming_them(
    client, bob, paheko, place
):
    Contact.objects.create(commons=paheko, user=bob, helps_with="x")
    Usage.objects.create(commons=paheko, place=place)

    body = b"".join(client.get(reverse("commons:export", args=["csv"])).streaming_content).decode(
        "utf-8-sig"
    )

    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["lieux_utilisateurs"] == "La Bobine"
    assert rows[0]["personnes_a_appeler"] == "1"
    assert not any("Bob" in value.split("|") for value in rows[0].values())
    data = client.get(reverse("commons:export", args=["json"])).json()
    assert data["communs"][0]["personnes_a_appeler"] == 1


def test_the_api_lists_with_facets_and_gives_one_commons(client, paheko, bob):
    Contact.objects.create(commons=paheko, user=bob, helps_with="Installer")

    listed = client.get("/api/v1/commons", {"q": "comptabilité"}).json()
    assert [item["slug"] for item in listed["items"]] == ["paheko"]
    assert client.get("/api/v1/commons", {"nature": "method"}).json()["count"] == 0
    detail = client.get("/api/v1/commons/paheko").json()
    assert detail["contacts"] == [{"name": "Bob", "helps_with": "Installer"}]
    assert client.get("/api/v1/commons/inconnu").status_code == 404
