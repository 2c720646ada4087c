"""Privacy of events "sur invitation": only organisers, invitations_sent people (by account or through
their link) and admins see the event and its sessions; a revoked invitee no longer does; the
online link only once registered; never in the public agenda or feeds of others."""

import pytest
from django.urls import reverse

from maillage.conftest import PERSONAS
from maillage.events import invitations
from maillage.events.selectors import can_see_event, occurrence_key, visible_events
from maillage.events.tests.conftest import GUEST, SECRET_LINK

SEES = {
    "anonymous": False,
    "bob": False,
    "charlie": False,
    "alice": False,
    "erin": False,
    "dora": True,
    "root": True,
    "ines": True,
    "remi": False,
}


@pytest.mark.parametrize("persona", [*PERSONAS, "ines", "remi"])
def test_only_organisers_invitees_and_admins_see_the_event_and_its_sessions(
    persona, persona_client, invitations_sent, invited_event, invited_session, request
):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    client = persona_client(persona) if persona in PERSONAS else persona_client("anonymous")
    if persona not in PERSONAS:
        client.force_login(user)
    expected = SEES[persona]
    assert can_see_event(user, invited_event) is expected
    assert visible_events(user).filter(pk=invited_event.pk).exists() is expected
    status = 200 if expected else 404
    assert client.get(reverse("events:event-detail", args=[invited_event.slug])).status_code == (
        status
    )
    session_url = reverse(
        "events:occurrence-detail", args=[invited_event.slug, occurrence_key(invited_session)]
    )
    assert client.get(session_url).status_code == status
    agenda = client.get(reverse("events:agenda")).content.decode()
    assert ("Codev des fondateurs" in agenda) is expected


def test_the_event_never_appears_in_public_feeds(client, invitations_sent, network_a, ines):
    client.force_login(ines)
    feed = client.get(reverse("events:feed-network", args=[network_a.slug]))
    assert feed.status_code == 200
    assert b"Codev des fondateurs" not in feed.content
    client.logout()
    assert b"Codev des fondateurs" not in client.get(reverse("events:agenda")).content
    assert client.get(f"/api/v1/events/events/{'codev-fondateurs'}").status_code == 404


def test_the_link_shows_the_event_to_a_guest_and_the_online_link_once_registered(
    client, invitations_sent, invited_session
):
    url = reverse("events:invitation", args=[invitations_sent[GUEST].token])
    page = client.get(url).content.decode()
    assert "Codev des fondateurs" in page
    assert SECRET_LINK not in page
    response = client.post(
        reverse("events:invitation-accept", args=[invitations_sent[GUEST].token]),
        {"occurrence": invited_session.pk, "name": "Gaby"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Inscrit·e" in page
    assert SECRET_LINK in page
    # Registered: they cancel the session (guest link) instead of declining the invitation.
    assert "Décliner l’invitation" not in page
    assert "annuler mon inscription" in page


def test_an_invitee_with_an_account_gets_the_online_link_on_the_event_page_once_confirmed(
    client, invitations_sent, invited_event, invited_session, ines
):
    client.force_login(ines)
    url = reverse("events:event-detail", args=[invited_event.slug])
    assert SECRET_LINK not in client.get(url).content.decode()
    invitations.accept(
        invitation=invitations_sent["ines@example.org"], occurrence=invited_session, user=ines
    )
    assert SECRET_LINK in client.get(url).content.decode()


def test_a_revoked_link_answers_404(client, invited_event, dora, invitations_sent):
    token = invitations_sent[GUEST].token
    invitations.revoke(invitation=invitations_sent[GUEST], by=dora)
    assert client.get(reverse("events:invitation", args=[token])).status_code == 404
