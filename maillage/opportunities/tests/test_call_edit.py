"""Editing a call (coordinators; who proposed it, while it waits) and its documents: checked by
content, bounded in size, kept private and served to whoever may see the call."""

import datetime
import html

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillage.circles.budget_services.documents import MAX_DOCUMENT_BYTES
from maillage.circles.tests.factories import ONE_PAGE_PDF
from maillage.conftest import PERSONAS
from maillage.opportunities import services
from maillage.opportunities.models import Call, CallDocument
from maillage.opportunities.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def form_data(call: Call, **changes) -> dict:
    """What the edit page posts back, unchanged unless told."""
    deadline = call.deadline_local
    data = {
        "title": call.title,
        "kind": call.kind,
        "funder": call.funder,
        "summary": call.summary,
        "amount_min_cents": "10 000",
        "amount_max_cents": "50 000",
        "deadline_day": deadline.date().isoformat() if deadline else "",
        "deadline_time": deadline.strftime("%H:%M") if deadline else "",
        "territory": services.territory_text(call),
        "themes": call.themes,
        "eligible": call.eligible,
        "consortium_allowed": "on",
        "mode": call.mode,
        "url": call.url,
        "required_pieces": "\n".join(call.required_pieces),
        "network": call.network_id,
    }
    data.update(changes)
    return data


# anonymous, bob, charlie, alice, erin, dora (network's coordinator), root
EDIT = [302, 403, 403, 403, 403, 200, 200]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_coordinators_edit_a_published_call(persona, persona_client, call):
    response = persona_client(persona).get(reverse("opportunities:call-edit", args=[call.slug]))
    assert response.status_code == EDIT[PERSONAS.index(persona)]


def test_the_edit_page_is_filled_and_saves_through_the_same_rules(client, call, dora):
    client.force_login(dora)
    url = reverse("opportunities:call-edit", args=[call.slug])
    shown = page(client.get(url))
    assert 'value="Tiers-lieux nourriciers"' in shown and "Budget prévisionnel" in shown
    response = client.post(url, form_data(call, title="Tiers-lieux nourriciers 2027"))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Tiers-lieux nourriciers 2027" and call.amount_max_cents == 5_000_000
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    refused = client.post(url, form_data(call, deadline_day=yesterday.isoformat()))
    assert "La date limite est déjà passée." in page(refused)
    refused = client.post(url, form_data(call, territory="Atlantide"))
    assert "Territoire inconnu : Atlantide." in page(refused)
    refused = client.post(url, form_data(call, amount_min_cents="90 000"))
    assert "Le montant minimum dépasse le montant maximum." in page(refused)
    call.refresh_from_db()
    assert call.deadline > timezone.now() and call.amount_min_cents == 1_000_000


def test_who_proposed_a_call_edits_it_while_it_waits_only(client, network_a, alice, membership):
    proposed = CallFactory(network=network_a, status=Call.Status.PROPOSED, created_by=alice)
    client.force_login(alice)
    url = reverse("opportunities:call-edit", args=[proposed.slug])
    assert client.get(url).status_code == 200
    client.post(url, form_data(proposed, funder="Fondation de France"))
    proposed.refresh_from_db()
    assert proposed.funder == "Fondation de France" and proposed.status == Call.Status.PROPOSED
    proposed.status = Call.Status.PUBLISHED
    proposed.save()
    assert client.get(url).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.update_call(call=proposed, by=alice, data=services.CallData(funder="X"))


def test_an_edit_may_not_duplicate_another_call(call, dora, network_a):
    other = CallFactory(network=network_a, url="https://exemple.fr/appel")
    with pytest.raises(services.Conflict, match="déjà sur le tableau"):
        services.update_call(
            call=call, by=dora, data=services.CallData(url="https://www.exemple.fr/appel/")
        )
    call.refresh_from_db()
    assert call.url == "" and other.url


def upload(client, call, name, content, label=""):
    return client.post(
        reverse("opportunities:call-document-add", args=[call.slug]),
        {"label": label, "file": SimpleUploadedFile(name, content)},
    )


def test_a_document_is_checked_by_content_and_served_to_who_sees_the_call(client, call, dora):
    client.force_login(dora)
    done = upload(client, call, "reglement.pdf", ONE_PAGE_PDF, label="Règlement de l'appel")
    assert done.status_code == 302
    document = call.files.get()
    assert document.label == "Règlement de l'appel" and document.file.name.endswith(".pdf")
    assert document.file.storage is storages["private"]
    client.logout()
    shown = page(client.get(call.get_absolute_url()))
    served_at = reverse("opportunities:call-document", args=[call.slug, document.pk])
    assert served_at in shown and "Règlement de l'appel" in shown
    served = client.get(served_at)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == ONE_PAGE_PDF


def test_a_document_of_a_wrong_type_is_refused_next_to_the_field(client, call, dora):
    client.force_login(dora)
    response = upload(client, call, "reglement.pdf", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 422
    assert "« reglement.pdf » n'est ni un PDF, ni une image" in page(response)
    response = upload(client, call, "macro.exe", b"MZ\x90\x00" + b"\x00" * 100)
    assert "« macro.exe » n'est ni un PDF" in page(response)
    assert not CallDocument.objects.exists()


def test_a_document_too_big_is_refused(client, call, dora, settings):
    client.force_login(dora)
    big = ONE_PAGE_PDF + b"%" * (MAX_DOCUMENT_BYTES + 1)
    response = upload(client, call, "enorme.pdf", big)
    assert response.status_code == 422
    assert "« enorme.pdf » dépasse la taille maximale de 10 Mo." in page(response)
    assert not CallDocument.objects.exists()


def test_documents_of_a_proposal_stay_hidden_and_others_may_not_add_any(
    client, network_a, alice, bob, dora, membership
):
    proposed = CallFactory(network=network_a, status=Call.Status.PROPOSED, created_by=alice)
    client.force_login(alice)
    assert upload(client, proposed, "dossier.pdf", ONE_PAGE_PDF).status_code == 302
    document = proposed.files.get()
    url = reverse("opportunities:call-document", args=[proposed.slug, document.pk])
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert upload(client, proposed, "autre.pdf", ONE_PAGE_PDF).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_removing_a_document_asks_to_confirm(client, call, dora):
    client.force_login(dora)
    upload(client, call, "reglement.pdf", ONE_PAGE_PDF)
    document = call.files.get()
    url = reverse("opportunities:call-document-remove", args=[call.slug, document.pk])
    assert "Retirer le document" in page(client.get(url))
    assert call.files.exists()
    client.post(url, {"confirm": "oui"})
    assert not call.files.exists()
