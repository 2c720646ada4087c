"""Registrations to sessions: register (people with an account, guests by e-mail), confirm a
guest's address, approve or refuse, cancel, promote the waiting list, take attendance; and the
reads the registration pages need.

Capacity holds under concurrency because every change of a seat runs in one transaction that
first locks the occurrence row (SELECT … FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE
transaction mode of our settings serialises writers), then reads and writes the registrations and
keeps `Occurrence.confirmed_count` in step with the confirmed ones. Lock order is always the
occurrence first, then its registrations, so two services never wait on each other crosswise.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.events.models import Audience, Event, Invitation, Occurrence, Registration
from maillage.events.selectors import (
    AnyUser,
    can_organise,
    can_see_event,
    is_invited,
    is_peer_for,
    occurrence_key,
)
from maillage.lib.french import date_format
from maillage.lib.refusals import Refusal
from maillage.lib.urls import absolute_url
from maillage.networks.selectors import coordinators
from maillage.notifications.mail import send_email
from maillage.notifications.services import notify
from maillage.places.audiences import PEERS, managed_place_ids
from maillage.places.models import PlaceRole

Status = Registration.Status
# Statuses that hold or wait for a seat: one such registration per person and session.
ACTIVE = (Status.PENDING, Status.UNCONFIRMED, Status.CONFIRMED, Status.WAITLISTED)
# A guest who never clicks the confirmation link loses the registration after this delay.
GUEST_CONFIRMATION_DELAY = datetime.timedelta(hours=24)


class RegistrationError(Refusal):
    """A rule of registration refused the request; `message` says why, in the user's language."""


class RegistrationClosed(RegistrationError):
    """The session is past, cancelled, or its event is not published."""

    status = 409  # the state of the session, not the request


class NotAllowed(RegistrationError):
    """The event's audience does not include this person."""

    status = 403


class NotInvited(NotAllowed):
    """The event is "sur invitation" and this person holds no invitation."""


class NotAPeer(NotAllowed):
    """The event is reserved to the managers of some places and this person manages none."""


class GuestsNotAllowed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    """The person already holds a registration: `registration` is the one to show."""

    def __init__(self, message: str, *, registration: Registration) -> None:
        super().__init__(message)
        self.registration = registration


class RegistrationRefused(RegistrationError):
    status = 409  # the state of the session, not the request


class LinkExpired(RegistrationError):
    pass


class NotCancellable(RegistrationError):
    status = 409  # the state of the session, not the request


class NotPending(RegistrationError):
    pass


class AttendanceTooEarly(RegistrationError):
    pass


# --- reads ------------------------------------------------------------------------------------


def capacity_of(occurrence: Occurrence) -> int | None:
    """The session's seats: its own capacity, else the event's; None means no limit."""
    if occurrence.capacity is not None:
        return occurrence.capacity
    return occurrence.event.capacity


def seats_left(occurrence: Occurrence) -> int | None:
    """Free seats of the session (never below 0), or None when there is no limit."""
    capacity = capacity_of(occurrence)
    if capacity is None:
        return None
    return max(capacity - occurrence.confirmed_count, 0)


def is_open_for_registration(occurrence: Occurrence) -> bool:
    event = occurrence.event
    return (
        event.status == Event.Status.PUBLISHED
        and not occurrence.cancelled
        and occurrence.starts_at > timezone.now()
    )


def not_a_peer_message(*, user: AnyUser, event: Event) -> str:
    """Why a person may not register to an event reserved to peers."""
    peers = PEERS[event.peer_audience]
    if not managed_place_ids(user=user):
        return _(
            "Cette animation est réservée aux %(peers)s : vous ne gérez aucun lieu de l'annuaire."
        ) % {"peers": peers}
    return _(
        "Cette animation est réservée aux %(peers)s : aucun des lieux que vous gérez n'en fait "
        "partie."
    ) % {"peers": peers}


def registration_of(*, user: AnyUser, occurrence: Occurrence) -> Registration | None:
    """The person's registration to the session (whatever its status), or None."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(occurrence=occurrence, user=user).first()


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting, and so on; None when not on the waiting list."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = (
        Registration.objects.filter(
            occurrence_id=registration.occurrence_id, status=Status.WAITLISTED
        )
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
    )
    return ahead + 1


def registrations_of(*, user: User) -> QuerySet[Registration]:
    """The person's registrations, soonest session first, with what the list page shows."""
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Status.REFUSED, occurrence__starts_at__lt=timezone.now())
        .select_related("occurrence", "occurrence__event")
        .order_by("occurrence__starts_at", "pk")
    )


def registrants(*, occurrence: Occurrence) -> QuerySet[Registration]:
    """Every registration of the session, for its organisers, in order of arrival."""
    return (
        Registration.objects.filter(occurrence=occurrence)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def person_name(registration: Registration) -> str:
    if registration.user_id is not None:
        user = registration.user
        return user.display_name or user.get_full_name() or user.email.split("@")[0]
    return registration.guest_name or registration.guest_email.split("@")[0]


def person_email(registration: Registration) -> str:
    return registration.user.email if registration.user_id is not None else registration.guest_email


EXPORTED = (Status.CONFIRMED, Status.PENDING, Status.WAITLISTED)


def export_header() -> list[str]:
    return [_("Nom"), _("E-mail"), _("Statut"), _("Inscription le"), _("Présence")]


def export_rows(*, occurrence: Occurrence) -> Iterator[list[str]]:
    """One row per registrant holding or waiting for a seat; contact details only for the people
    who agreed to share them (`share_contact`)."""
    presence = {True: _("présent·e"), False: _("absent·e"), None: ""}
    for registration in registrants(occurrence=occurrence).filter(status__in=EXPORTED):
        shared = registration.share_contact
        yield [
            person_name(registration),
            person_email(registration) if shared else "",
            registration.get_status_display(),
            date_format(timezone.localtime(registration.created_at), "Y-m-d H:i"),
            presence[registration.attended],
        ]


def occurrence_path(occurrence: Occurrence) -> str:
    """The session's page on this site (the person's registrations if the agenda has none)."""
    try:
        return reverse(
            "events:occurrence-detail", args=[occurrence.event.slug, occurrence_key(occurrence)]
        )
    except NoReverseMatch:
        return reverse("events:my-registrations")


def session_label(occurrence: Occurrence) -> str:
    """ "Café des tiers-lieux, mardi 3 mars 2026 à 09:00" in the active language."""
    title = occurrence.title_override or occurrence.event.title
    start = date_format(timezone.localtime(occurrence.starts_at), "l j F Y à H:i")
    return _("%(title)s, %(start)s") % {"title": title, "start": start}


def organisers_to_tell(event: Event) -> list[User]:
    """Who hears about registrations waiting for approval: the named organisers, else the
    owner's coordinators (network or circle's network) or managers (place)."""
    named = list(event.organisers.all())
    if named:
        return named
    network = event.network or (event.circle.network if event.circle_id else None)
    if network is not None:
        return [role.user for role in coordinators(network=network).select_related("user")]
    return [
        role.user
        for role in PlaceRole.objects.filter(
            place_id=event.place_id, role=PlaceRole.Role.MANAGER
        ).select_related("user")
    ]


# --- e-mails to guests (people without an account get no in-app notification) ---------------


def _mail_guest(registration: Registration, template: str, *, subject: str) -> None:
    """Send a guest an e-mail after the transaction commits, through the task worker."""
    context = {
        "registration": registration,
        "occurrence": registration.occurrence,
        "session": session_label(registration.occurrence),
        "name": person_name(registration),
        "cancel_url": absolute_url(
            reverse("events:registration-cancel-guest", args=[registration.token])
        ),
        "confirm_url": absolute_url(
            reverse("events:registration-confirm", args=[registration.token])
        ),
    }
    body = render_to_string(f"events/email/{template}.txt", context)
    to = registration.guest_email
    send_email(subject=subject, body=body, to=[to])


def _tell(registration: Registration, *, template: str, topic: str, title: str) -> None:
    """Tell the person about their registration: in-app + e-mail, or e-mail for a guest."""
    if registration.user_id is None:
        _mail_guest(registration, template, subject=title)
        return
    body = render_to_string(
        f"events/email/{template}.txt",
        {
            "registration": registration,
            "occurrence": registration.occurrence,
            "session": session_label(registration.occurrence),
            "name": person_name(registration),
        },
    )
    notify(
        users=[registration.user],
        topic=topic,
        title=title,
        body=body,
        url=occurrence_path(registration.occurrence),
    )


# --- writes -----------------------------------------------------------------------------------


def _locked_occurrence(occurrence: Occurrence) -> Occurrence:
    # Lock the session row: two requests for its last seat must not both get it.
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=occurrence.pk)
    )


def _check_open(occurrence: Occurrence) -> None:
    if occurrence.event.status != Event.Status.PUBLISHED or occurrence.cancelled:
        raise RegistrationClosed(_("Cette séance est annulée : on ne peut plus s'y inscrire."))
    if occurrence.starts_at <= timezone.now():
        raise RegistrationClosed(_("Cette séance a déjà eu lieu : on ne peut plus s'y inscrire."))


def _seat_status(occurrence: Occurrence, *, approval: bool) -> str:
    """Where a new (or approved) registration goes: pending, confirmed, or waiting list."""
    if approval and occurrence.event.requires_approval:
        return Status.PENDING
    left = seats_left(occurrence)
    return Status.CONFIRMED if left is None or left > 0 else Status.WAITLISTED


def _take_seat(occurrence: Occurrence, registration: Registration, status: str) -> None:
    """Set the status (under the occurrence lock) and count the seat if it is confirmed."""
    now = timezone.now()
    registration.status = status
    registration.confirmed_at = now if status == Status.CONFIRMED else None
    if status == Status.CONFIRMED:
        Occurrence.objects.filter(pk=occurrence.pk).update(confirmed_count=F("confirmed_count") + 1)
        occurrence.confirmed_count += 1


def _already(registration: Registration) -> AlreadyRegistered:
    messages = {
        Status.CONFIRMED: _("Vous êtes déjà inscrit·e à cette séance."),
        Status.WAITLISTED: _("Vous êtes déjà sur la liste d'attente de cette séance."),
        Status.PENDING: _("Votre inscription attend déjà la validation de l'organisation."),
        Status.UNCONFIRMED: _(
            "Cette adresse est déjà inscrite : cliquez sur le lien de l'e-mail de confirmation."
        ),
    }
    return AlreadyRegistered(messages[registration.status], registration=registration)


def _reuse_or_new(existing: Registration | None, **fields: object) -> Registration:
    """A person who cancelled (or whose guest link expired) registers again on the same row,
    at the back of the queue; a refused person may not."""
    if existing is not None and existing.status in ACTIVE:
        raise _already(existing)
    if existing is not None and existing.status == Status.REFUSED:
        raise RegistrationRefused(_("L'organisation a refusé votre inscription à cette séance."))
    registration = existing or Registration(**fields)
    registration.created_at = timezone.now()
    registration.cancelled_at = None
    registration.attended = None
    return registration


def register(*, occurrence: Occurrence, user: User, share_contact: bool = False) -> Registration:
    """Register a person: confirmed if a seat is free, waiting list if full, pending if the event
    asks for approval.

    Raise RegistrationClosed, NotAllowed (NotInvited for an event "sur invitation" the person
    is not invited to), AlreadyRegistered (carrying the existing registration: a repeated
    submission registers once) or RegistrationRefused; nothing is written then.
    """
    event = occurrence.event
    if (
        event.audience == Audience.INVITED
        and not is_invited(user=user, event=event)
        and not can_organise(user, event)
    ):
        raise NotInvited(
            _("Cette animation est sur invitation : seules les personnes invitées s'y inscrivent.")
        )
    if not can_see_event(user, occurrence.event):
        raise NotAllowed(_("Cette animation est réservée à un autre public que le vôtre."))
    if not is_peer_for(user, event):
        raise NotAPeer(not_a_peer_message(user=user, event=event))
    with transaction.atomic():
        occurrence = _locked_occurrence(occurrence)
        _check_open(occurrence)
        existing = Registration.objects.filter(occurrence=occurrence, user=user).first()
        registration = _reuse_or_new(existing, occurrence=occurrence, user=user)
        registration.share_contact = share_contact
        _take_seat(occurrence, registration, _seat_status(occurrence, approval=True))
        registration.save()
        if registration.status == Status.PENDING:
            _tell_organisers_pending(registration, exclude=user)
    return registration


def _tell_organisers_pending(registration: Registration, *, exclude: User | None) -> None:
    occurrence = registration.occurrence
    notify(
        users=organisers_to_tell(occurrence.event),
        topic="events.registration",
        title=_("Inscription à valider : %(session)s") % {"session": session_label(occurrence)},
        body=_("%(name)s demande à participer.") % {"name": person_name(registration)},
        url=reverse("events:registrants", args=[occurrence.event.slug, occurrence_key(occurrence)]),
        exclude=exclude,
    )


def register_guest(
    *,
    occurrence: Occurrence,
    name: str,
    email: str,
    share_contact: bool = False,
    invitation: Invitation | None = None,
) -> Registration:
    """Register a guest without an account to a public event: the registration waits for the
    guest to click the link we e-mail (and holds no seat until then).

    With an `invitation` to the session's event, the guest registers with the invited address
    (`email` is ignored) to an event of any audience, and the registration takes its seat at
    once: the invitation's secret link already proved the address.

    Raise GuestsNotAllowed, RegistrationClosed, AlreadyRegistered or RegistrationRefused.
    """
    if invitation is not None:
        if invitation.event_id != occurrence.event_id:
            raise NotInvited(_("Cette invitation concerne une autre animation."))
        email = invitation.email
    email = email.strip().lower()
    name = name.strip()
    if invitation is None and occurrence.event.audience != Audience.PUBLIC:
        raise GuestsNotAllowed(
            _("Cette animation n'est pas publique : connectez-vous pour vous inscrire.")
        )
    if invitation is None and occurrence.event.peer_audience:
        raise GuestsNotAllowed(
            _("Cette animation est réservée aux %(peers)s : connectez-vous pour vous inscrire.")
            % {"peers": PEERS[occurrence.event.peer_audience]}
        )
    if not email:
        raise RegistrationError(_("Indiquez votre adresse e-mail."), field="email")
    with transaction.atomic():
        occurrence = _locked_occurrence(occurrence)
        _check_open(occurrence)
        existing = Registration.objects.filter(
            occurrence=occurrence, user__isnull=True, guest_email=email
        ).first()
        registration = _reuse_or_new(existing, occurrence=occurrence, guest_email=email)
        if existing is not None:
            # A fresh link: the old one (perhaps forwarded) must not confirm the new request.
            registration.token = Registration._meta.get_field("token").get_default()
        registration.guest_name = name
        registration.share_contact = share_contact
        if invitation is not None:
            registration.occurrence = occurrence
            _take_seat(occurrence, registration, _seat_status(occurrence, approval=True))
            registration.save()
            if registration.status == Status.PENDING:
                _tell_organisers_pending(registration, exclude=None)
            return registration
        registration.status = Status.UNCONFIRMED
        registration.confirmed_at = None
        registration.save()
        registration.occurrence = occurrence
        _mail_guest(
            registration,
            "registration_confirm",
            subject=_("Confirmez votre inscription : %(session)s")
            % {"session": session_label(occurrence)},
        )
    return registration


def confirm_guest(*, registration: Registration) -> Registration:
    """Confirm a guest's address (the link of the e-mail): the registration takes a seat, goes to
    the waiting list, or waits for approval. Confirming twice changes nothing.

    Raise LinkExpired or RegistrationClosed.
    """
    with transaction.atomic():
        occurrence = _locked_occurrence(registration.occurrence)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.occurrence = occurrence
        if registration.status in (Status.CONFIRMED, Status.WAITLISTED, Status.PENDING):
            return registration
        if registration.status != Status.UNCONFIRMED or (
            registration.created_at < timezone.now() - GUEST_CONFIRMATION_DELAY
        ):
            raise LinkExpired(
                _("Ce lien a expiré : inscrivez-vous de nouveau depuis la page de la séance.")
            )
        _check_open(occurrence)
        _take_seat(occurrence, registration, _seat_status(occurrence, approval=True))
        registration.save(update_fields=["status", "confirmed_at"])
    return registration


def _promote(occurrence: Occurrence) -> list[Registration]:
    """Give free seats to the waiting list, first come first served (under the lock)."""
    promoted = []
    while (left := seats_left(occurrence)) is None or left > 0:
        first = (
            # of=self: the person is an outer join (guests have none), which can't be locked.
            Registration.objects.select_for_update(of=("self",))
            .filter(occurrence=occurrence, status=Status.WAITLISTED)
            .select_related("user")
            .order_by("created_at", "pk")
            .first()
        )
        if first is None:
            break
        first.occurrence = occurrence
        _take_seat(occurrence, first, Status.CONFIRMED)
        first.save(update_fields=["status", "confirmed_at"])
        _tell(
            first,
            template="waitlist_promoted",
            topic="events.waitlist",
            title=_("Une place s'est libérée : vous êtes inscrit·e à %(session)s")
            % {"session": session_label(occurrence)},
        )
        promoted.append(first)
    return promoted


def promote_waitlisted(*, occurrence: Occurrence) -> list[Registration]:
    """Give the session's free seats to the people waiting (after its capacity grew)."""
    with transaction.atomic():
        occurrence = _locked_occurrence(occurrence)
        if occurrence.cancelled or occurrence.starts_at <= timezone.now():
            return []
        return _promote(occurrence)


def cancel_registration(*, registration: Registration) -> Registration:
    """Cancel a registration (the person's own, or a guest's through their link): a confirmed
    seat goes to the first person waiting. Cancelling twice changes nothing.

    The caller checks that the registration is the person's (or that the token matched).
    Raise NotCancellable once the session has started.
    """
    with transaction.atomic():
        occurrence = _locked_occurrence(registration.occurrence)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.occurrence = occurrence
        if registration.status in (Status.CANCELLED, Status.REFUSED):
            return registration
        if occurrence.starts_at <= timezone.now():
            raise NotCancellable(
                _("La séance a commencé : l'inscription ne peut plus être annulée.")
            )
        held_seat = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if held_seat:
            Occurrence.objects.filter(pk=occurrence.pk).update(
                confirmed_count=F("confirmed_count") - 1
            )
            occurrence.confirmed_count -= 1
            if not occurrence.cancelled:
                _promote(occurrence)
    return registration


def decide_registration(*, registration: Registration, by: User, approve: bool) -> Registration:
    """Approve (a seat, or the waiting list when full) or refuse a pending registration, and tell
    the person. Raise NotAllowed or NotPending."""
    if not can_organise(by, registration.occurrence.event):
        raise NotAllowed(_("Seule l'organisation de l'animation valide les inscriptions."))
    with transaction.atomic():
        occurrence = _locked_occurrence(registration.occurrence)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=registration.pk)
        )
        registration.occurrence = occurrence
        if registration.status != Status.PENDING:
            raise NotPending(
                _("Cette inscription n'attend plus de décision (%(status)s).")
                % {"status": registration.get_status_display()}
            )
        session = session_label(occurrence)
        if approve:
            _take_seat(occurrence, registration, _seat_status(occurrence, approval=False))
            registration.save(update_fields=["status", "confirmed_at"])
            if registration.status == Status.CONFIRMED:
                title = _("Inscription validée : %(session)s") % {"session": session}
            else:
                title = _("Inscription validée, sur liste d'attente : %(session)s") % {
                    "session": session
                }
            template = "registration_approved"
        else:
            registration.status = Status.REFUSED
            registration.save(update_fields=["status"])
            title = _("Inscription refusée : %(session)s") % {"session": session}
            template = "registration_refused"
        _tell(registration, template=template, topic="events.registration", title=title)
    return registration


@dataclass(frozen=True)
class AttendanceResult:
    present: int
    absent: int


def record_attendance(
    *, occurrence: Occurrence, by: User, present_ids: Iterable[int]
) -> AttendanceResult:
    """Mark the confirmed registrants present (the ticked ones) or absent (the others), from the
    day of the session on. Raise NotAllowed or AttendanceTooEarly."""
    if not can_organise(by, occurrence.event):
        raise NotAllowed(_("Seule l'organisation de l'animation note les présences."))
    if timezone.localdate() < timezone.localtime(occurrence.starts_at).date():
        raise AttendanceTooEarly(_("Les présences se notent le jour de la séance."))
    present = set(present_ids)
    with transaction.atomic():
        confirmed = Registration.objects.filter(occurrence=occurrence, status=Status.CONFIRMED)
        here = confirmed.filter(pk__in=present).update(attended=True)
        away = confirmed.exclude(pk__in=present).update(attended=False)
    return AttendanceResult(present=here, absent=away)


def expire_unconfirmed_guests(*, now: datetime.datetime | None = None) -> int:
    """Cancel guest registrations whose address was not confirmed within 24 hours."""
    now = now or timezone.now()
    return Registration.objects.filter(
        status=Status.UNCONFIRMED, created_at__lt=now - GUEST_CONFIRMATION_DELAY
    ).update(status=Status.CANCELLED, cancelled_at=now)


@dataclass(frozen=True)
class BoxState:
    """What the registration box of a session shows to one viewer."""

    registration: Registration | None
    is_open: bool
    capacity: int | None
    seats_left: int | None
    is_full: bool
    show_online_link: bool
    is_organiser: bool
    guests_allowed: bool
    waitlist_position: int | None
    key: str
    # Empty when the person may register; else why not (an event reserved to peers).
    not_a_peer: str = ""

    @property
    def is_active(self) -> bool:
        return self.registration is not None and self.registration.status in ACTIVE


def box_state(*, user: AnyUser, occurrence: Occurrence) -> BoxState:
    """The viewer's registration, seats, and whether they may see the online link."""
    event = occurrence.event
    registration = registration_of(user=user, occurrence=occurrence)
    left = seats_left(occurrence)
    organiser = can_organise(user, event)
    confirmed = registration is not None and registration.status == Status.CONFIRMED
    return BoxState(
        registration=registration,
        is_open=is_open_for_registration(occurrence),
        capacity=capacity_of(occurrence),
        seats_left=left,
        is_full=left == 0,
        show_online_link=confirmed or organiser,
        is_organiser=organiser,
        guests_allowed=event.audience == Audience.PUBLIC and not event.peer_audience,
        waitlist_position=waitlist_position(registration) if registration else None,
        key=occurrence_key(occurrence),
        not_a_peer=""
        if organiser or not user.is_authenticated or is_peer_for(user, event)
        else not_a_peer_message(user=user, event=event),
    )
