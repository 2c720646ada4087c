"""Invitations: organisers invite several addresses (bad ones refused in French, nothing saved;
already invited said, not duplicated), each invitee gets one e-mail (and an in-app notice with an
account), registers through the link as themselves or as a guest (confirmed at once) or declines;
revoking cancels; nobody else registers to an event "sur invitation", through the API neither."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from maillage.accounts.api_tokens import create_api_token
from maillage.accounts.tests.factories import UserFactory
from maillage.events import invitations
from maillage.events import registration as registrations
from maillage.events.models import Audience, Invitation, Registration
from maillage.events.selectors import can_see_event
from maillage.events.tests.conftest import GUEST, SECRET_LINK
from maillage.notifications.models import Notification


def test_addresses_are_read_from_lines_commas_and_semicolons_lowercased_once():
    text = "Ines@Example.org\nbob@example.org, carla@example.net;\n\n ines@example.org ;dan@x.fr"
    assert invitations.parse_addresses(text) == [
        "ines@example.org",
        "bob@example.org",
        "carla@example.net",
        "dan@x.fr",
    ]


def test_bad_addresses_are_all_listed_in_french_and_nobody_is_invited(invited_event, dora):
    with pytest.raises(invitations.BadAddresses) as refused:
        invitations.invite(
            event=invited_event, by=dora, addresses="ok@example.org, pas-une-adresse; x@y"
        )
    assert refused.value.bad == ["pas-une-adresse", "x@y"]
    assert "Ces adresses ne sont pas des adresses e-mail : pas-une-adresse, x@y" in str(
        refused.value.message
    )
    assert not Invitation.objects.exists()


def test_an_empty_list_is_refused(invited_event, dora):
    with pytest.raises(invitations.InvitationError, match="au moins une adresse"):
        invitations.invite(event=invited_event, by=dora, addresses=" ,; \n")


def test_an_address_already_invited_is_said_and_not_invited_twice(
    invited_event, dora, django_capture_on_commit_callbacks
):
    invitations.invite(event=invited_event, by=dora, addresses="carla@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations.invite(
            event=invited_event, by=dora, addresses="CARLA@example.net\ndan@example.net"
        )
    assert result.already == ["carla@example.net"]
    assert [row.email for row in result.invited] == ["dan@example.net"]
    assert Invitation.objects.filter(event=invited_event).count() == 2
    assert [message.to for message in mail.outbox] == [["dan@example.net"]]


def test_only_organisers_invite_and_only_to_events_on_invitation(invited_event, bob, dora):
    with pytest.raises(invitations.NotOrganiser):
        invitations.invite(event=invited_event, by=bob, addresses="carla@example.net")
    invited_event.audience = Audience.NETWORK
    invited_event.save()
    with pytest.raises(invitations.NotInvitable, match="sur invitation"):
        invitations.invite(event=invited_event, by=dora, addresses="carla@example.net")
    assert not Invitation.objects.exists()


def test_an_account_is_matched_by_its_verified_address_only(
    invited_event, dora, ines, django_capture_on_commit_callbacks
):
    UserFactory(email="unverified@example.org", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite(
            event=invited_event,
            by=dora,
            addresses="INES@example.org, unverified@example.org, " + GUEST,
        )
    rows = {row.email: row for row in Invitation.objects.all()}
    assert rows["ines@example.org"].user == ines
    assert rows["unverified@example.org"].user is None
    assert rows[GUEST].user is None
    # One e-mail each; Inès also has the invitation in the app, with her link.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["ines@example.org", "unverified@example.org", GUEST]
    )
    note = Notification.objects.get(user=ines, topic="events.invitation")
    assert note.url == f"/agenda/invitation/{rows['ines@example.org'].token}/"
    guest_mail = next(m for m in mail.outbox if m.to == [GUEST])
    assert f"/agenda/invitation/{rows[GUEST].token}/" in guest_mail.body
    assert "Codev des fondateurs" in guest_mail.subject


def test_the_invitee_registers_as_themselves_when_logged_in_with_the_address(
    invitations_sent, invited_session, ines
):
    invitation = invitations_sent["ines@example.org"]
    registration = invitations.accept(invitation=invitation, occurrence=invited_session, user=ines)
    assert registration.user == ines
    assert registration.status == Registration.Status.CONFIRMED
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_someone_invited_before_having_an_account_is_recognised_once_verified(
    invitations_sent, invited_session, client, django_capture_on_commit_callbacks
):
    invitation = invitations_sent[GUEST]
    newcomer = UserFactory(email=GUEST)
    assert invitations.is_invitee(user=newcomer, invitation=invitation)
    with django_capture_on_commit_callbacks(execute=True):
        registration = invitations.accept(
            invitation=invitation, occurrence=invited_session, user=newcomer
        )
    assert registration.user == newcomer
    invitation.refresh_from_db()
    assert invitation.user == newcomer


def test_a_guest_registers_with_the_invited_address_without_a_second_confirmation(
    invitations_sent, invited_session, bob, django_capture_on_commit_callbacks
):
    invitation = invitations_sent[GUEST]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # Logged in as someone else: still a guest with the invited address.
        registration = invitations.accept(
            invitation=invitation, occurrence=invited_session, user=bob, name="Gaby"
        )
    assert registration.user is None
    assert registration.guest_email == GUEST
    assert registration.guest_name == "Gaby"
    assert registration.status == Registration.Status.CONFIRMED
    invited_session.refresh_from_db()
    assert invited_session.confirmed_count == 1
    assert mail.outbox == []
    with pytest.raises(registrations.AlreadyRegistered):
        invitations.accept(invitation=invitation, occurrence=invited_session, user=bob, name="Gaby")


def test_declining_is_recorded_and_the_invitee_may_still_register(
    invitations_sent, invited_session, ines
):
    invitation = invitations.decline(invitation=invitations_sent["ines@example.org"], user=ines)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert invitation.responded_at is not None
    invitations.accept(invitation=invitation, occurrence=invited_session, user=ines)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED


def test_revoking_forgets_the_address_and_cancels_the_coming_registrations(
    invitations_sent, invited_session, dora, ines
):
    invitation = invitations_sent["ines@example.org"]
    invitations.accept(invitation=invitation, occurrence=invited_session, user=ines)
    assert invitations.revoke(invitation=invitation, by=dora) == 1
    assert not Invitation.objects.filter(email="ines@example.org").exists()
    registration = Registration.objects.get(user=ines)
    assert registration.status == Registration.Status.CANCELLED
    invited_session.refresh_from_db()
    assert invited_session.confirmed_count == 0
    assert not can_see_event(ines, invited_session.event)


def test_only_organisers_revoke(invitations_sent, bob):
    with pytest.raises(invitations.NotOrganiser):
        invitations.revoke(invitation=invitations_sent[GUEST], by=bob)
    assert Invitation.objects.filter(email=GUEST).exists()


def test_registration_refuses_people_not_invited_in_french(
    invitations_sent, invited_session, bob, root, dora
):
    with pytest.raises(registrations.NotInvited) as refused:
        registrations.register(occurrence=invited_session, user=bob)
    assert str(refused.value.message) == (
        "Cette animation est sur invitation : seules les personnes invitées s'y inscrivent."
    )
    assert not Registration.objects.exists()
    # Organisers may register themselves.
    assert registrations.register(occurrence=invited_session, user=dora).user == dora


def test_an_unverified_address_does_not_make_someone_invited(invitations_sent, invited_session):
    impostor = UserFactory(email="other@example.org")
    EmailAddress.objects.create(user=impostor, email=GUEST, verified=False)
    with pytest.raises(registrations.NotInvited):
        registrations.register(occurrence=invited_session, user=impostor)


def test_an_invitation_to_another_event_does_not_register(invitations_sent, network_a):
    from maillage.events.tests.factories import EventFactory, OccurrenceFactory

    other = OccurrenceFactory(event=EventFactory(network=network_a, audience=Audience.INVITED))
    with pytest.raises(registrations.NotInvited):
        invitations.accept(
            invitation=invitations_sent[GUEST], occurrence=other, user=AnonymousUser()
        )


def test_the_api_refuses_people_not_invited_and_registers_the_invitee(
    client, invitations_sent, invited_session, bob, ines
):
    def post(user):
        _token, key = create_api_token(user=user, name="test")
        return client.post(
            "/api/v1/events/registrations",
            {"occurrence_id": invited_session.pk},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
            HTTP_IDEMPOTENCY_KEY=f"key-{user.pk}",
        )

    # Hidden from people not invited: unknown (404), as any event they may not see.
    refused = post(bob)
    assert refused.status_code == 404
    assert not Registration.objects.filter(user=bob).exists()
    accepted = post(ines)
    assert accepted.status_code == 201
    assert accepted.json()["online_url"] == SECRET_LINK
