"""The aiguillage's pages: who may open what, and the whole way through the browser-free client
— file, claim, answer, decide, consent — with personal data only where it belongs."""

import pytest
from django.urls import reverse

from maillage.commons.models import Contact, OrientationRequest, Suggestion
from maillage.conftest import PERSONAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(network_a, commune):
    network_a.communes.add(commune)
    return commune


@pytest.fixture
def waiting(bob, territory, gaelle):
    from maillage.commons import orientation

    return orientation.file_request(
        by=bob,
        data=orientation.RequestData(
            need="Monter une comptabilité",
            maturity="young",
            commune=territory,
            domain="comptabilite",
        ),
    )


# persona → status of: request form, queue, request page, dashboard, dashboard CSV
MATRIX = {
    "anonymous": (200, 302, 302, 302, 302),
    "bob": (200, 403, 403, 403, 403),
    "charlie": (200, 403, 403, 403, 403),
    "alice": (200, 403, 403, 403, 403),
    "erin": (200, 200, 403, 200, 200),
    "dora": (200, 200, 200, 200, 200),
    "root": (200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(persona, persona_client, waiting):
    client = persona_client(persona)
    urls = [
        reverse("commons:request-create"),
        reverse("commons:queue"),
        reverse("commons:request-detail", args=[waiting.pk]),
        reverse("commons:dashboard"),
        reverse("commons:dashboard-csv"),
    ]

    assert tuple(client.get(url).status_code for url in urls) == MATRIX[persona]


def test_the_orientation_page_needs_its_secret_link(client, waiting):
    assert client.get(reverse("commons:orientation", args=["mauvais"])).status_code == 404
    page = client.get(reverse("commons:orientation", args=[waiting.token]))
    assert "Monter une comptabilité" in page.content.decode()


def test_an_unknown_commune_is_said_beside_its_field(client, gaelle, territory):
    response = client.post(
        reverse("commons:request-create"),
        {"need": "Aide", "commune": "Atlantide", "maturity": "idea", "email": "a@b.fr"},
    )

    assert "Commune introuvable" in response.content.decode()
    assert not OrientationRequest.objects.exists()


def test_a_guide_claims_answers_and_the_requester_accepts_a_person(
    client, gaelle, alice, waiting, paheko
):
    contact = Contact.objects.create(commons=paheko, user=alice, helps_with="Paramétrer")
    client.force_login(gaelle)
    url = reverse("commons:request-detail", args=[waiting.pk])
    client.post(url, {"step": "claim"})
    page = client.get(url).content.decode()
    assert "Paheko" in page

    client.post(
        url,
        {"commons": str(paheko.pk), "contacts": str(contact.pk), "message": "Voici."}
        | {"confirm": "oui"},
    )
    waiting.refresh_from_db()
    assert waiting.status == "answered"

    client.logout()
    person = Suggestion.objects.get(contact=contact)
    client.post(
        reverse("commons:orientation", args=[waiting.token]),
        {"suggestion": person.pk, "decision": "accept"},
    )
    client.force_login(alice)
    client.post(reverse("commons:introduction", args=[person.pk]), {"decision": "accept"})
    person.refresh_from_db()
    assert person.introduced_at is not None


def test_the_dashboard_csv_carries_no_personal_data(client, dora, waiting):
    client.force_login(dora)
    body = b"".join(client.get(reverse("commons:dashboard-csv")).streaming_content).decode(
        "utf-8-sig"
    )

    assert "bob@example.org" not in body
    assert "comptabilité" not in body.lower()
    assert "comptabilite" in body  # the domain code, not the need's words


def test_sending_an_orientation_asks_first_and_sends_nothing_until_confirmed(
    client, gaelle, alice, waiting, paheko, mailoutbox, django_capture_on_commit_callbacks
):
    contact = Contact.objects.create(commons=paheko, user=alice, helps_with="Paramétrer")
    client.force_login(gaelle)
    url = reverse("commons:request-detail", args=[waiting.pk])
    mailoutbox.clear()

    page = client.post(
        url, {"commons": [paheko.pk], "contacts": [contact.pk], "message": "Voici\nla piste."}
    ).content.decode()

    assert "Avant de confirmer" in page
    assert "Les bilans à 30 et 90 jours sont programmés." in page
    assert f'name="commons" value="{paheko.pk}"' in page
    waiting.refresh_from_db()
    assert waiting.status == "new"
    assert not waiting.suggestions.exists()
    assert not mailoutbox

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "commons": str(paheko.pk),
                "contacts": str(contact.pk),
                "places": "",
                "message": "Voici\nla piste.",
                "confirm": "oui",
            },
        )

    waiting.refresh_from_db()
    assert waiting.status == "answered"
    assert {s.commons_id or s.contact_id for s in waiting.suggestions.all()} == {
        paheko.pk,
        contact.pk,
    }
    assert "Voici\nla piste." in mailoutbox[-1].body


def test_an_orientation_without_any_suggestion_is_refused_before_the_confirmation(
    client, gaelle, waiting
):
    client.force_login(gaelle)
    url = reverse("commons:request-detail", args=[waiting.pk])

    page = client.post(url, {"message": "Rien à proposer ?"}).content.decode()

    assert "Avant de confirmer" not in page
    assert "Choisissez au moins un commun" in page
