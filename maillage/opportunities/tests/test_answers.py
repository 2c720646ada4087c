"""The answer workspace: private to its partners and the network's coordinators; invitations,
budget split against the call's ceiling, pieces, statuses that cannot go back; the API."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.api_tokens import create_api_token
from maillage.conftest import PERSONAS
from maillage.lib.money import format_cents
from maillage.opportunities import selectors, services
from maillage.opportunities.models import Answer, Partner, Track
from maillage.opportunities.tests.factories import CallFactory, SavedSearchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(answer, alice, other_place, charlie):
    """Le Hangar (Charlie's place) is invited as co-contractor, has not answered yet."""
    return services.invite_partner(answer=answer, by=alice, place=other_place, role="cocontractor")


# anonymous, bob, charlie (invited), alice (lead), erin, dora (network's coordinator), root
PAGES = [
    ("opportunities:answer-detail", [302, 404, 200, 200, 404, 200, 200]),
]
POSTS = [
    # (name, data, expected per persona: 302 = done (redirect), 403/404 refused)
    (
        "opportunities:piece-add",
        {"label": "Attestation URSSAF"},
        [302, 404, 403, 302, 404, 302, 302],
    ),
    (
        "opportunities:link-add",
        {"label": "Pad", "url": "https://pad.example/x"},
        [302, 404, 403, 302, 404, 302, 302],
    ),
    ("opportunities:work-package-add", {"title": "Lot 1"}, [302, 404, 403, 302, 404, 302, 302]),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_of_the_workspace(persona, persona_client, answer, invited):
    client = persona_client(persona)
    index = PERSONAS.index(persona)
    for name, expected in PAGES:
        response = client.get(reverse(name, args=[answer.pk]))
        assert response.status_code == expected[index], (name, persona)
    for name, data, expected in POSTS:
        before = (answer.pieces.count(), answer.links.count(), answer.work_packages.count())
        response = client.post(reverse(name, args=[answer.pk]), data)
        assert response.status_code == expected[index], (name, persona, response.status_code)
        after = (answer.pieces.count(), answer.links.count(), answer.work_packages.count())
        changed = before != after
        assert changed == (expected[index] == 302 and persona != "anonymous"), (name, persona)
    # Splitting the budget and changing the status: the lead and coordinators only.
    split = client.post(reverse("opportunities:budget-split", args=[answer.pk]), {})
    status = client.post(
        reverse("opportunities:status-change", args=[answer.pk]), {"status": "dropped"}
    )
    allowed = persona in ("alice", "dora", "root")
    if persona == "anonymous":
        assert split.status_code == status.status_code == 302
    elif allowed:
        assert split.status_code == 302 and status.status_code == 200  # the confirmation
    else:
        assert split.status_code in (403, 404) and status.status_code in (403, 404)


def test_invited_partners_accept_and_see_the_answer_in_their_list(client, answer, invited, charlie):
    assert charlie.notifications.filter(topic="opportunities.invitation").exists()
    client.force_login(charlie)
    assert invited in selectors.invitations_for(user=charlie)
    client.post(
        reverse("opportunities:invitation-answer", args=[answer.pk, invited.pk]), {"accept": "1"}
    )
    invited.refresh_from_db()
    assert invited.status == Partner.Status.ACCEPTED
    assert Track.objects.get(place=invited.place, call=answer.call).step == "preparing"
    assert answer in selectors.answers_visible_to(user=charlie)


def test_the_budget_split_is_checked_against_the_ceiling(client, answer, invited, alice):
    lead = answer.partners.get(role="lead")
    client.force_login(alice)
    url = reverse("opportunities:budget-split", args=[answer.pk])
    response = client.post(url, {f"share-{lead.pk}": "30 000", f"share-{invited.pk}": "25000"})
    page = html.unescape(response.content.decode())
    total, ceiling = format_cents(5_500_000), format_cents(5_000_000)
    assert f"Le total ({total}) dépasse le plafond de l'appel ({ceiling})." in page
    assert 'value="25000"' in page  # what was typed stays in the form
    assert set(answer.partners.values_list("budget_cents", flat=True)) == {0}
    client.post(url, {f"share-{lead.pk}": "30 000", f"share-{invited.pk}": "19999,50"})
    assert selectors.budget_total(answer=answer) == 4_999_950
    response = client.post(url, {f"share-{lead.pk}": "trente"})
    assert "Montant illisible" in html.unescape(
        client.get(reverse("opportunities:answer-detail", args=[answer.pk])).content.decode()
    )


def test_the_internal_deadline_must_precede_the_call(answer, alice):
    call_day = answer.call.deadline_local.date()
    with pytest.raises(services.InvalidCall, match="doit précéder celle de l'appel"):
        services.set_internal_deadline(answer=answer, by=alice, day=call_day)
    with pytest.raises(services.InvalidCall, match="déjà passée"):
        services.set_internal_deadline(
            answer=answer, by=alice, day=timezone.localdate() - datetime.timedelta(days=1)
        )
    services.set_internal_deadline(
        answer=answer, by=alice, day=call_day - datetime.timedelta(days=5)
    )


def test_the_required_pieces_become_the_checklist(answer, alice, client):
    assert list(answer.pieces.values_list("label", flat=True)) == ["Budget prévisionnel", "Statuts"]
    piece = answer.pieces.first()
    client.force_login(alice)
    client.post(reverse("opportunities:piece-toggle", args=[answer.pk, piece.pk]))
    piece.refresh_from_db()
    assert piece.done


def test_submitting_asks_to_confirm_waits_for_invitations_and_moves_the_tracks(
    client, answer, invited, alice, charlie
):
    client.force_login(alice)
    url = reverse("opportunities:status-change", args=[answer.pk])
    page = client.post(url, {"status": "submitted"})
    assert "Ce changement ne peut pas être annulé." in html.unescape(page.content.decode())
    answer.refresh_from_db()
    assert answer.status == "preparing"
    client.post(url, {"status": "submitted", "confirm": "oui"})
    answer.refresh_from_db()
    assert answer.status == "preparing"  # Le Hangar has not answered its invitation
    services.answer_invitation(partner=invited, by=charlie, accept=True)
    client.post(url, {"status": "submitted", "confirm": "oui"})
    answer.refresh_from_db()
    assert answer.status == "submitted" and answer.submitted_at
    steps = dict(Track.objects.filter(call=answer.call).values_list("place__name", "step"))
    assert steps == {"La Bobine": "submitted", "Le Hangar": "submitted"}
    with pytest.raises(services.Conflict):
        services.change_status(answer=answer, by=alice, status="preparing")
    with pytest.raises(services.InvalidCall, match="plafond"):
        services.change_status(answer=answer, by=alice, status="won", amount_won_cents=10**9)
    services.change_status(answer=answer, by=alice, status="won", amount_won_cents=4_000_000)
    track = Track.objects.get(place=invited.place, call=answer.call)
    assert [s for s, _d in track.steps()] == ["En préparation", "Déposé", "Retenu"]


def test_a_closed_call_cannot_be_answered(alice, place, network_a):
    closed = CallFactory(network=network_a, deadline=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(services.Conflict, match="clos"):
        services.open_answer(call=closed, by=alice, lead_place=place)


def test_the_partner_search_uses_the_directory_search(client, answer, alice, other_place):
    from maillage.directory.search.services import reindex_places

    reindex_places(place_ids=[other_place.pk])
    client.force_login(alice)
    response = client.get(reverse("opportunities:answer-detail", args=[answer.pk]), {"q": "Hangar"})
    assert [r.place for r in response.context["found"]] == [other_place]
    assert f"Inviter {other_place.name}" in html.unescape(response.content.decode())


def test_letters_of_commitment_must_be_real_documents(client, answer, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lead = answer.partners.get(role="lead")
    client.force_login(alice)
    url = reverse("opportunities:letter-upload", args=[answer.pk, lead.pk])
    client.post(url, {"letter": SimpleUploadedFile("lettre.pdf", b"<html>pas un pdf</html>")})
    lead.refresh_from_db()
    assert not lead.letter


def bearer(user) -> dict[str, str]:
    _token, key = create_api_token(user=user, name="tests")
    return {"Authorization": f"Bearer {key}"}


def test_api_calls_are_public_answers_and_alerts_private(
    client, answer, invited, alice, bob, dora, erin
):
    calls = client.get("/api/v1/calls").json()
    assert calls["count"] == 1 and calls["items"][0]["slug"] == "tiers-lieux-nourriciers"
    assert (
        client.get("/api/v1/calls/tiers-lieux-nourriciers").json()["amount_max_cents"] == 5_000_000
    )
    assert client.get("/api/v1/answers").status_code == 401
    for person, count in ((alice, 1), (dora, 1), (bob, 0), (erin, 0)):
        listing = client.get("/api/v1/answers", headers=bearer(person)).json()
        assert listing["count"] == count, person
    assert client.get(f"/api/v1/answers/{answer.pk}", headers=bearer(erin)).status_code == 404
    detail = client.get(f"/api/v1/answers/{answer.pk}", headers=bearer(alice)).json()
    assert {p["name"] for p in detail["partners"]} == {"La Bobine", "Le Hangar"}
    SavedSearchFactory(user=bob, name="De Bob")
    created = client.post(
        "/api/v1/alerts",
        {"name": "Culture", "themes": ["culture"]},
        headers=bearer(alice),
        content_type="application/json",
    )
    assert created.status_code == 201
    mine = client.get("/api/v1/alerts", headers=bearer(alice)).json()
    assert [a["name"] for a in mine["items"]] == ["Culture"]
    refused = client.post(
        "/api/v1/alerts",
        {"name": "X", "themes": ["inconnu"]},
        headers=bearer(alice),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"].startswith("Valeur inconnue")
    bobs = selectors.alerts_of(user=bob).get()
    assert client.delete(f"/api/v1/alerts/{bobs.pk}", headers=bearer(alice)).status_code == 404
    assert Answer.objects.count() == 1


def test_the_lead_invites_a_person_who_accepts_from_their_space(client, answer, alice, erin):
    client.force_login(alice)
    url = reverse("opportunities:person-invite", args=[answer.pk])
    unknown = client.post(url, {"email": "personne@example.org", "role": "subcontractor"})
    assert unknown.status_code == 422
    assert "Aucun compte n'utilise l'adresse personne@example.org" in html.unescape(
        unknown.content.decode()
    )
    assert (
        client.post(url, {"email": "ERIN@example.org", "role": "subcontractor"}).status_code == 302
    )
    partner = answer.partners.get(user=erin)
    assert partner.status == Partner.Status.INVITED and partner.role == "subcontractor"
    again = client.post(url, {"email": "erin@example.org", "role": "subcontractor"})
    assert "Ce partenaire est déjà invité." in html.unescape(again.content.decode())
    # Erin finds the invitation in Mon espace, opens the answer and accepts.
    client.force_login(erin)
    space = html.unescape(client.get(reverse("accounts:profile")).content.decode())
    assert f"Invitation à répondre ensemble — {answer.call.title}" in space
    assert answer.get_absolute_url() in space
    assert client.get(answer.get_absolute_url()).status_code == 200
    client.post(
        reverse("opportunities:invitation-answer", args=[answer.pk, partner.pk]), {"accept": "1"}
    )
    partner.refresh_from_db()
    assert partner.status == Partner.Status.ACCEPTED
    assert selectors.may_edit_answer(user=erin, answer=answer)
    space = html.unescape(client.get(reverse("accounts:profile")).content.decode())
    assert "Invitation à répondre ensemble" not in space


def test_only_the_lead_invites_people_and_never_themselves(answer, alice, charlie, erin):
    with pytest.raises(services.NotAllowed):
        services.invite_person(answer=answer, by=charlie, email=erin.email, role="cocontractor")
    with pytest.raises(services.InvalidCall, match="vous-même"):
        services.invite_person(answer=answer, by=alice, email=alice.email, role="cocontractor")
    with pytest.raises(services.InvalidCall, match="cotraitant ou sous-traitant"):
        services.invite_person(answer=answer, by=alice, email=erin.email, role="lead")
    assert not answer.partners.filter(user__isnull=False).exists()


def test_a_deleted_account_declines_its_waiting_invitations_and_loses_its_alerts(
    answer, alice, erin
):
    from maillage.accounts.personal_data import erase_account, sections

    partner = services.invite_person(answer=answer, by=alice, email=erin.email, role="cocontractor")
    SavedSearchFactory(user=erin, name="Culture")
    names = {s.name for s in sections()}
    assert {"appels_alertes", "appels_suivis", "appels_reponses"} <= names
    exported = next(s for s in sections() if s.name == "appels_reponses").export(erin)
    assert exported[0]["reponse"] == answer.title and exported[0]["invitation"] == "invited"
    erase_account(user=erin)
    partner.refresh_from_db()
    assert partner.status == Partner.Status.DECLINED
    assert not selectors.alerts_of(user=erin).exists()
