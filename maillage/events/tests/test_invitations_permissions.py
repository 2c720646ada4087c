"""Permission matrix of the invitation pages for the personas (plus Inès, invitations_sent), and the
organisers' pages: inviting from the form (French errors, nothing saved), the list, revoking."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.events.models import Invitation
from maillage.events.tests.conftest import GUEST

HIDDEN = {"bob": 404, "charlie": 404, "alice": 404, "erin": 404}


def _client(persona, persona_client, request):
    if persona in PERSONAS:
        return persona_client(persona)
    client = persona_client("anonymous")
    client.force_login(request.getfixturevalue(persona))
    return client


# (name, method, expected status per persona)
MATRIX = [
    (
        "invitations",
        "get",
        {"anonymous": 302, **HIDDEN, "dora": 200, "root": 200, "ines": 403},
    ),
    (
        "invitations",
        "post",
        {"anonymous": 302, **HIDDEN, "dora": 302, "root": 302, "ines": 403},
    ),
    (
        "invitation-revoke",
        "post",
        {"anonymous": 302, **HIDDEN, "dora": 302, "root": 302, "ines": 403},
    ),
    # The secret link is the proof: whoever holds it sees the invitation.
    ("invitation", "get", dict.fromkeys([*PERSONAS, "ines"], 200)),
    ("invitation-accept", "post", dict.fromkeys([*PERSONAS, "ines"], 302)),
    ("invitation-decline", "post", dict.fromkeys([*PERSONAS, "ines"], 302)),
]


@pytest.mark.parametrize("persona", [*PERSONAS, "ines"])
@pytest.mark.parametrize(
    ("name", "method", "expected"), MATRIX, ids=[f"{n}-{m}" for n, m, _e in MATRIX]
)
def test_permission_matrix(
    persona,
    name,
    method,
    expected,
    persona_client,
    request,
    invitations_sent,
    invited_event,
    invited_session,
):
    client = _client(persona, persona_client, request)
    guest = invitations_sent[GUEST]
    args = {
        "invitations": [invited_event.slug],
        "invitation-revoke": [invited_event.slug, guest.pk],
        "invitation": [guest.token],
        "invitation-accept": [guest.token],
        "invitation-decline": [guest.token],
    }[name]
    data = {
        "invitations": {"emails": "nouvelle@example.org"},
        "invitation-accept": {"occurrence": invited_session.pk, "name": "Gaby"},
    }.get(name, {})
    response = getattr(client, method)(reverse(f"events:{name}", args=args), data)
    assert response.status_code == expected[persona]
    if response.status_code == 302 and persona == "anonymous" and name == "invitations":
        assert reverse("account_login") in response["Location"]


def test_unknown_links_answer_404(client, invitations_sent):
    for name in ("invitation", "invitation-accept", "invitation-decline"):
        method = client.get if name == "invitation" else client.post
        assert method(reverse(f"events:{name}", args=["inconnu"])).status_code == 404


def test_the_event_page_offers_organisers_the_invitation_form(persona_client, invited_event):
    page = persona_client("dora").get(reverse("events:event-detail", args=[invited_event.slug]))
    assert 'name="emails"' in page.content.decode()
    assert reverse("events:invitations", args=[invited_event.slug]) in page.content.decode()


def test_bad_addresses_are_shown_next_to_the_field_and_nothing_is_saved(
    persona_client, invited_event
):
    response = persona_client("dora").post(
        reverse("events:invitations", args=[invited_event.slug]),
        {"emails": "bonne@example.org\nmauvaise@\nencore une"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ces adresses ne sont pas des adresses e-mail : mauvaise@, encore, une" in text
    assert not Invitation.objects.exists()


def test_inviting_again_says_who_was_already_invited(
    persona_client, invitations_sent, invited_event
):
    client = persona_client("dora")
    response = client.post(
        reverse("events:invitations", args=[invited_event.slug]),
        {"emails": f"{GUEST}, nouvelle@example.org"},
        follow=True,
    )
    text = response.content.decode()
    assert "1 invitation envoyée." in text
    assert f"Déjà invitée : {GUEST}." in text
    assert Invitation.objects.filter(event=invited_event, email=GUEST).count() == 1


def test_the_list_shows_each_answer_in_a_bounded_number_of_queries(
    persona_client, invitations_sent, invited_event, dora, django_assert_max_num_queries
):
    from maillage.events import invitations

    invitations.invite(
        event=invited_event,
        by=dora,
        addresses="\n".join(f"personne{n}@example.com" for n in range(30)),
    )
    invitations.decline(invitation=invitations_sent[GUEST], user=AnonymousUser())
    client = persona_client("dora")
    url = reverse("events:invitations", args=[invited_event.slug])
    with django_assert_max_num_queries(20):
        text = client.get(url).content.decode()
    assert "32 personnes invitées" in text
    assert "Déclinée" in text
    assert "personne29@example.com" in text


def test_revoking_from_the_list_removes_the_invitation(
    persona_client, invitations_sent, invited_event
):
    guest = invitations_sent[GUEST]
    response = persona_client("dora").post(
        reverse("events:invitation-revoke", args=[invited_event.slug, guest.pk]), follow=True
    )
    assert f"Invitation de {GUEST} retirée." in response.content.decode()
    assert not Invitation.objects.filter(pk=guest.pk).exists()


def test_declining_through_the_link_is_shown_to_the_invitee(client, invitations_sent):
    token = invitations_sent[GUEST].token
    response = client.post(reverse("events:invitation-decline", args=[token]), follow=True)
    assert "vous déclinez l" in response.content.decode()
    assert Invitation.objects.get(token=token).status == Invitation.Status.DECLINED
