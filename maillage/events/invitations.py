"""Invitations to events "sur invitation": organisers invite e-mail addresses, each invitee gets
a secret link (`/agenda/invitation/<token>/`) that shows the event and lets them register — as
themselves when logged in with the invited address, else as a guest with that address (the link
proves it: no confirmation e-mail) — or decline. Revoking an invitation forgets the address and
cancels the invitee's coming registrations, so the event disappears for them.
"""

import re
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.events import registration as registrations
from maillage.events.models import Audience, Event, Invitation, Occurrence, Registration
from maillage.events.selectors import AnyUser, can_organise
from maillage.lib.refusals import Refusal
from maillage.lib.urls import absolute_url
from maillage.notifications.mail import send_email
from maillage.notifications.services import notify

# Addresses one form may invite at once (a long list is a mistake, or spam).
MAX_PER_REQUEST = 200
SEPARATORS = re.compile(r"[\s,;]+")


class InvitationError(Refusal):
    """A rule of invitations refused the request; `message` says why, in French by default."""


class NotOrganiser(InvitationError):
    pass


class NotInvitable(InvitationError):
    """The event is not "sur invitation", or it is cancelled."""


class BadAddresses(InvitationError):
    """Some addresses are not e-mail addresses: `bad` lists them; nothing was saved."""

    field = "emails"

    def __init__(self, message: str, *, bad: list[str]) -> None:
        super().__init__(message)
        self.bad = bad


@dataclass
class InviteResult:
    invited: list[Invitation] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def parse_addresses(text: str) -> list[str]:
    """The addresses of a text (one per line, or separated by commas or semicolons), lowercased,
    without repeats, in order. Raise BadAddresses listing those that are not addresses."""
    seen: list[str] = []
    bad: list[str] = []
    for chunk in SEPARATORS.split(text or ""):
        address = chunk.strip().strip("<>").lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            bad.append(chunk.strip())
            continue
        if address not in seen:
            seen.append(address)
    if bad:
        raise BadAddresses(
            _("Ces adresses ne sont pas des adresses e-mail : %(bad)s. Personne n'a été invité.")
            % {"bad": ", ".join(bad)},
            bad=bad,
        )
    if not seen:
        raise InvitationError(_("Indiquez au moins une adresse e-mail."), field="emails")
    if len(seen) > MAX_PER_REQUEST:
        raise InvitationError(
            _("%(max)s adresses au plus à la fois.") % {"max": MAX_PER_REQUEST}, field="emails"
        )
    return seen


def _accounts_by_address(addresses: list[str]) -> dict[str, User]:
    """The account whose verified address each is (unverified addresses prove nothing)."""
    rows = (
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(address__in=addresses, verified=True, user__is_active=True)
        .select_related("user")
    )
    return {row.address: row.user for row in rows}


def invitation_path(invitation: Invitation) -> str:
    return reverse("events:invitation", args=[invitation.token])


def _send(invitation: Invitation, *, by: User) -> None:
    """E-mail the link; an invitee with an account also sees it in the app (one e-mail)."""
    event = invitation.event
    title = _("Invitation : %(title)s") % {"title": event.title}
    context = {
        "event": event,
        "by": by.display_name or by.get_full_name() or by.email,
        "url": absolute_url(invitation_path(invitation)),
    }
    if invitation.user_id is not None:
        notify(
            users=[invitation.user],
            topic="events.invitation",
            title=title,
            body=render_to_string("events/email/invitation.txt", {**context, "url": ""}),
            url=invitation_path(invitation),
            exclude=by,
        )
        return
    body = render_to_string("events/email/invitation.txt", context)
    to = invitation.email
    send_email(subject=title, body=body, to=[to])


def invite(*, event: Event, by: User, addresses: str) -> InviteResult:
    """Invite the addresses of `addresses` (see `parse_addresses`) to the event and e-mail each
    its link. Addresses already invited are listed in `already`, never invited twice.

    Raise NotOrganiser, NotInvitable, BadAddresses or InvitationError; nothing is saved then.
    """
    if not can_organise(by, event):
        raise NotOrganiser(_("Seule l'organisation de l'animation invite des personnes."))
    if event.audience != Audience.INVITED:
        raise NotInvitable(
            _("On n'invite qu'à une animation « sur invitation » : changez son public d'abord.")
        )
    if event.status == Event.Status.CANCELLED:
        raise NotInvitable(_("Cette animation est annulée : on ne peut plus y inviter."))
    emails = parse_addresses(addresses)
    result = InviteResult()
    with transaction.atomic():
        # Lock the event: two organisers inviting the same address at once invite it once.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        taken = set(
            Invitation.objects.filter(event=event, email__in=emails).values_list("email", flat=True)
        )
        accounts = _accounts_by_address([e for e in emails if e not in taken])
        for email in emails:
            if email in taken:
                result.already.append(email)
                continue
            invitation = Invitation.objects.create(
                event=event, email=email, user=accounts.get(email), invited_by=by
            )
            invitation.event = event
            _send(invitation, by=by)
            result.invited.append(invitation)
    return result


def invitations_for(*, event: Event) -> QuerySet[Invitation]:
    """The event's invitations, for its organisers, by address."""
    return Invitation.objects.filter(event=event).select_related("user").order_by("email")


def _registrations_of_invitee(invitation: Invitation) -> QuerySet[Registration]:
    own = Registration.objects.filter(
        occurrence__event_id=invitation.event_id, user__isnull=True, guest_email=invitation.email
    )
    if invitation.user_id is not None:
        own = own | Registration.objects.filter(
            occurrence__event_id=invitation.event_id, user_id=invitation.user_id
        )
    return own


def revoke(*, invitation: Invitation, by: User) -> int:
    """Withdraw an invitation: its link stops working, the address is forgotten, and the
    invitee's registrations to coming sessions are cancelled (their seats go to the waiting
    list). Return how many registrations were cancelled. Raise NotOrganiser."""
    if not can_organise(by, invitation.event):
        raise NotOrganiser(_("Seule l'organisation de l'animation retire une invitation."))
    cancelled = 0
    with transaction.atomic():
        coming = _registrations_of_invitee(invitation).filter(
            status__in=registrations.ACTIVE, occurrence__starts_at__gt=timezone.now()
        )
        for registration in coming.select_related("occurrence", "occurrence__event"):
            registrations.cancel_registration(registration=registration)
            cancelled += 1
        Invitation.objects.filter(pk=invitation.pk).delete()
    return cancelled


def get_invitation(*, token: str) -> Invitation:
    """The invitation of a link; Http404 for an unknown (or revoked) token."""
    invitation = (
        Invitation.objects.select_related(
            "event", "event__network", "event__circle", "event__place", "event__venue"
        )
        .filter(token=token)
        .first()
    )
    if invitation is None or invitation.event.status == Event.Status.DRAFT:
        raise Http404
    return invitation


def is_invitee(*, user: AnyUser, invitation: Invitation) -> bool:
    """Whether the logged-in person is the invitee: the invitation names their account, or the
    invited address is one of their verified addresses."""
    if not user.is_authenticated:
        return False
    if invitation.user_id is not None:
        return invitation.user_id == user.pk
    return EmailAddress.objects.filter(
        user=user, verified=True, email__iexact=invitation.email
    ).exists()


def registration_for(*, user: AnyUser, invitation: Invitation, occurrence: Occurrence):
    """The invitee's registration to the session (theirs if they are the logged-in person, else
    the guest one with the invited address), or None."""
    if is_invitee(user=user, invitation=invitation):
        return Registration.objects.filter(occurrence=occurrence, user=user).first()
    return Registration.objects.filter(
        occurrence=occurrence, user__isnull=True, guest_email=invitation.email
    ).first()


def _respond(invitation: Invitation, status: str, user: AnyUser) -> None:
    fields = {"status": status, "responded_at": timezone.now()}
    if invitation.user_id is None and is_invitee(user=user, invitation=invitation):
        fields["user"] = user
    Invitation.objects.filter(pk=invitation.pk).update(**fields)
    for name, value in fields.items():
        setattr(invitation, name, value)


def accept(
    *,
    invitation: Invitation,
    occurrence: Occurrence,
    user: AnyUser,
    name: str = "",
    share_contact: bool = False,
) -> Registration:
    """Register the invitee to a session of the event: as themselves when `user` is the invitee,
    else as a guest with the invited address (confirmed at once). The invitation is accepted.

    Raise the registration errors (RegistrationClosed, AlreadyRegistered, …); nothing changes
    then.
    """
    if occurrence.event_id != invitation.event_id:
        raise registrations.NotInvited(_("Cette invitation concerne une autre animation."))
    with transaction.atomic():
        if is_invitee(user=user, invitation=invitation):
            registration = registrations.register(
                occurrence=occurrence, user=user, share_contact=share_contact
            )
        else:
            registration = registrations.register_guest(
                occurrence=occurrence,
                name=name,
                email=invitation.email,
                share_contact=share_contact,
                invitation=invitation,
            )
        _respond(invitation, Invitation.Status.ACCEPTED, user)
    return registration


def decline(*, invitation: Invitation, user: AnyUser) -> Invitation:
    """Say no to the invitation (the organisers see it); the link keeps working, so the invitee
    may still change their mind and register."""
    with transaction.atomic():
        _respond(invitation, Invitation.Status.DECLINED, user)
    return invitation
