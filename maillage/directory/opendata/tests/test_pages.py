from django.urls import reverse

from maillage.networks.models import Network, OpenDataLicence


def test_index_lists_each_network_with_its_licence_and_files(client, rich_place, network_b):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Données ouvertes</h1>" in page
    assert reverse("opendata:network", args=["reseau-a"]) in page
    assert reverse("opendata:download", args=["reseau-b", "geojson"]) in page
    assert "Licence Ouverte / Open Licence 2.0 (Etalab)" in page
    # The whole directory, under the ODbL, with every format.
    assert "Open Database License (ODbL)" in page
    for url in [
        reverse("opendata:directory-download", args=["csv"]),
        reverse("opendata:directory-download", args=["geojson"]),
        reverse("opendata:directory-download", args=["json"]),
        reverse("opendata:directory-download-mediation"),
    ]:
        assert f'href="{url}' in page


def test_index_counts_only_published_member_places(client, rich_place, hidden_place):
    response = client.get(reverse("opendata:index"))
    network = next(n for n in response.context["networks"] if n.slug == "reseau-a")
    assert network.place_count == 1
    assert response.context["summary"].places == 1


def test_network_page_shows_licence_counts_last_update_and_credit_line(client, rich_place):
    response = client.get(reverse("opendata:network", args=["reseau-a"]))
    assert response.status_code == 200
    page = response.content.decode()
    summary = response.context["summary"]
    assert (summary.places, summary.spaces, summary.equipment) == (1, 1, 2)
    assert summary.updated_at is not None
    assert 'rel="license"' in page
    assert "Licence Ouverte / Open Licence 2.0 (Etalab)" in page
    assert (
        "Annuaire des tiers-lieux de Réseau A — Maillage, Licence Ouverte 2.0, données du" in page
    )
    assert reverse("opendata:download-mediation", args=["reseau-a"]) in page
    assert f"{reverse('opendata:download', args=['reseau-a', 'csv'])}?sep=%3B" in page
    # Visitors see no licence form.
    assert "Enregistrer la licence" not in page


def test_coordinators_see_the_licence_form(persona_client):
    page = persona_client("dora").get(reverse("opendata:network", args=["reseau-a"])).content
    assert "Enregistrer la licence" in page.decode()


def test_a_coordinator_switches_the_network_to_odbl(persona_client):
    client = persona_client("dora")
    response = client.post(reverse("opendata:licence", args=["reseau-a"]), {"licence": "odbl"})
    assert response.status_code == 302
    assert response["Location"] == reverse("opendata:network", args=["reseau-a"])
    assert Network.objects.get(slug="reseau-a").open_data_licence == OpenDataLicence.ODBL
    page = client.get(response["Location"]).content.decode()
    assert "Licence enregistrée." in page
    assert "Open Database License (ODbL)" in page
    assert "partagée sous la même licence" in page


def test_an_unknown_licence_is_refused_in_french_and_changes_nothing(persona_client):
    client = persona_client("dora")
    response = client.post(reverse("opendata:licence", args=["reseau-a"]), {"licence": "cc-by-nc"})
    assert response.status_code == 400
    assert "Choisissez la Licence Ouverte 2.0 ou l&#x27;ODbL." in response.content.decode()
    assert Network.objects.get(slug="reseau-a").open_data_licence == OpenDataLicence.ETALAB
    response = client.post(reverse("opendata:licence", args=["reseau-a"]), {})
    assert "Choisissez une licence." in response.content.decode()


def test_the_licence_form_refuses_get(persona_client):
    response = persona_client("dora").get(reverse("opendata:licence", args=["reseau-a"]))
    assert response.status_code == 405


def test_unknown_network_page_is_not_found(client, db):
    assert client.get(reverse("opendata:network", args=["inconnu"])).status_code == 404
