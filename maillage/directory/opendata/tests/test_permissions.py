"""Every URL of the open data pages, for the seven personas."""

import pytest
from django.urls import reverse

from maillage.conftest import PERSONAS

LOGIN = "login"
EVERYONE = dict.fromkeys(PERSONAS, 200)
GET_URLS = {
    "index": lambda: reverse("opendata:index"),
    "network": lambda: reverse("opendata:network", args=["reseau-a"]),
    "directory-csv": lambda: reverse("opendata:directory-download", args=["csv"]),
    "directory-geojson": lambda: reverse("opendata:directory-download", args=["geojson"]),
    "directory-json": lambda: reverse("opendata:directory-download", args=["json"]),
    "directory-mediation": lambda: reverse("opendata:directory-download-mediation"),
    "network-csv": lambda: reverse("opendata:download", args=["reseau-a", "csv"]),
    "network-geojson": lambda: reverse("opendata:download", args=["reseau-a", "geojson"]),
    "network-json": lambda: reverse("opendata:download", args=["reseau-a", "json"]),
    "network-mediation": lambda: reverse("opendata:download-mediation", args=["reseau-a"]),
}
# Only coordinators of the network (dora) and admins choose the licence.
LICENCE_POST = {
    "anonymous": LOGIN,
    "bob": 403,
    "charlie": 403,
    "alice": 403,
    "erin": 403,
    "dora": 302,
    "root": 302,
}


def outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", GET_URLS)
def test_open_data_pages_and_files_are_public(persona_client, persona, url_name):
    response = persona_client(persona).get(GET_URLS[url_name]())
    assert outcome(response) == EVERYONE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_coordinators_change_the_licence(persona_client, persona):
    from maillage.networks.models import Network

    response = persona_client(persona).post(
        reverse("opendata:licence", args=["reseau-a"]), {"licence": "odbl"}
    )
    assert outcome(response) == LICENCE_POST[persona]
    changed = Network.objects.get(slug="reseau-a").open_data_licence == "odbl"
    assert changed == (LICENCE_POST[persona] == 302)
