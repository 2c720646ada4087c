"""Writes of events: create, edit, cancel; one session cancelled or edited on its own; a series
split for "this and following"; tour stops. Registrations live in `registration.py`."""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles.selectors import is_circle, is_steward
from maillage.events import recurrence, registration
from maillage.events.models import Audience, Event, EventKind, Occurrence, Registration, TourStop
from maillage.events.selectors import ACTIVE_REGISTRATION, AnyUser, can_organise, occurrence_key
from maillage.lib.french import date_format
from maillage.lib.refusals import Refusal
from maillage.lib.urls import absolute_url
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator
from maillage.notifications.mail import send_email
from maillage.notifications.services import notify
from maillage.places.audiences import PeerAudience
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place

if TYPE_CHECKING:
    from maillage.circles.models import Circle

# Evaluated lazily (a `type` statement): circles' model is named for the type checker only.
type Owner = Network | Circle | Place

# Words used by the agenda's own URLs: never an event's slug.
RESERVED_SLUGS = {
    "nouvelle",
    "flux",
    "mes-inscriptions",
    "recapitulatif",
    "inscription",
    "invitation",
}


class EventError(Refusal):
    """A refused change, with a French message; `field` names the form field it belongs to."""


class InvalidDates(EventError):
    field = "ends_at"


class RecurrenceRefused(EventError):
    field = "rrule"


class CapacityBelowRegistrations(EventError):
    field = "capacity"


class OwnerRefused(EventError):
    field = "owner"


class StopRefused(EventError):
    pass


@dataclass(frozen=True, kw_only=True)
class EventData:
    """What the event form says (times aware; price in cents)."""

    kind: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    description: str = ""
    rrule: str = ""
    online_url: str = ""
    venue: Place | None = None
    address: str = ""
    capacity: int | None = None
    audience: str = Audience.PUBLIC
    peer_audience: str = ""
    price_cents: int = 0
    requires_approval: bool = False
    status: str = Event.Status.PUBLISHED
    tags: list[str] = field(default_factory=list)
    organisers: list[User] = field(default_factory=list)

    @classmethod
    def from_event(cls, event: Event) -> "EventData":
        return cls(
            kind=event.kind,
            title=event.title,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            description=event.description,
            rrule=event.rrule,
            online_url=event.online_url,
            venue=event.venue,
            address=event.address,
            capacity=event.capacity,
            audience=event.audience,
            peer_audience=event.peer_audience,
            price_cents=event.price_cents,
            requires_approval=event.requires_approval,
            status=event.status,
            tags=list(event.tags or []),
            organisers=list(event.organisers.all()),
        )


def can_own_events(*, user: AnyUser, owner: Owner) -> bool:
    """Whether this person may create events for the owner: coordinators of a network, the
    soucieux·ses of a circle (and its network's coordinators), managers of a place; admins."""
    if not user.is_authenticated:
        return False
    if isinstance(owner, Network):
        return is_coordinator(user=user, network=owner)
    if is_circle(owner):
        return is_steward(user=user, circle=owner) or is_coordinator(
            user=user, network=owner.network
        )
    return can_edit_place(user=user, place=owner)


def _check_data(data: EventData) -> str:
    """Validate dates, recurrence and audience; return the normalised RRULE."""
    if data.ends_at <= data.starts_at:
        raise InvalidDates(_("La fin doit être après le début."))
    if data.kind not in EventKind.values:
        raise EventError(_("Type d'animation inconnu."), field="kind")
    rule = ""
    if data.rrule.strip():
        try:
            rule = recurrence.validate_rrule(data.rrule, starts_at=data.starts_at)
        except recurrence.InvalidRecurrence as error:
            raise RecurrenceRefused(str(error)) from error
    return rule


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "animation"
    if base in RESERVED_SLUGS:
        base = f"{base}-animation"
    slug, n = base, 2
    taken = Event.objects.exclude(pk=exclude_pk) if exclude_pk else Event.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _confirmed(occurrences) -> dict[int, int]:
    rows = Registration.objects.filter(
        occurrence__in=occurrences, status=Registration.Status.CONFIRMED
    ).values_list("occurrence_id", flat=True)
    counts: dict[int, int] = {}
    for pk in rows:
        counts[pk] = counts.get(pk, 0) + 1
    return counts


def _check_capacity(event: Event, capacity: int | None) -> None:
    """Refuse an event capacity below the confirmed registrations of a coming session that
    uses the event's capacity."""
    if capacity is None or event.pk is None:
        return
    coming = event.occurrences.filter(ends_at__gte=timezone.now(), capacity__isnull=True)
    counts = _confirmed(coming)
    worst = max(counts.values(), default=0)
    if worst > capacity:
        raise CapacityBelowRegistrations(
            _(
                "Impossible de descendre à %(capacity)s places : %(count)s personnes sont déjà "
                "inscrites à une séance."
            )
            % {"capacity": capacity, "count": worst}
        )


def _apply(event: Event, data: EventData, rule: str) -> None:
    for name in (
        "kind",
        "title",
        "description",
        "starts_at",
        "ends_at",
        "online_url",
        "venue",
        "address",
        "capacity",
        "audience",
        "peer_audience",
        "price_cents",
        "requires_approval",
        "status",
    ):
        setattr(event, name, getattr(data, name))
    event.rrule = rule
    event.tags = [tag for tag in dict.fromkeys(t.strip() for t in data.tags) if tag]


def _check_audience(data: EventData, owner: Owner) -> None:
    if data.peer_audience and data.peer_audience not in PeerAudience.values:
        raise EventError(
            _("Choisissez à quels pairs l'animation est réservée."), field="peer_audience"
        )
    if data.audience == Audience.CIRCLE and not is_circle(owner):
        raise EventError(
            _("Seule une animation d'un cercle peut être réservée à ses membres."),
            field="audience",
        )


def event_url(event: Event) -> str:
    return reverse("events:event-detail", args=[event.slug])


def occurrence_url(occurrence: Occurrence) -> str:
    return reverse(
        "events:occurrence-detail", args=[occurrence.event.slug, occurrence_key(occurrence)]
    )


def create_event(*, by: User, owner: Owner, data: EventData) -> Event:
    """Create an event for a network, circle or place, with its sessions; raise OwnerRefused,
    InvalidDates, RecurrenceRefused or EventError."""
    if not can_own_events(user=by, owner=owner):
        raise OwnerRefused(_("Vous ne pouvez pas créer d'animation pour ce propriétaire."))
    rule = _check_data(data)
    _check_audience(data, owner)
    with transaction.atomic():
        event = Event(created_by=by, slug=_unique_slug(data.title))
        if isinstance(owner, Network):
            event.network = owner
        elif is_circle(owner):
            event.circle = owner
        else:
            event.place = owner
        _apply(event, data, rule)
        event.save()
        event.organisers.set({by, *data.organisers})
        recurrence.sync_occurrences(event)
    return event


def _owner(event: Event) -> Owner:
    return event.network or event.circle or event.place


def _shift_series(event: Event, delta: datetime.timedelta) -> None:
    """Move the recurrence ids (and excluded dates) of a series by a wall-clock delta, so the
    sessions — and their registrations — follow a change of the series' time."""
    occurrences = list(Occurrence.objects.select_for_update().filter(event=event))
    occurrences.sort(key=lambda o: o.original_start, reverse=delta > datetime.timedelta(0))
    for occurrence in occurrences:
        occurrence.original_start = recurrence.aware(
            recurrence.local_naive(occurrence.original_start) + delta
        )
        occurrence.save(update_fields=["original_start"])
    shifted = []
    for value in event.exdates or []:
        text = str(value)
        if len(text) == 10:
            shifted.append(text)
            continue
        moment = datetime.datetime.fromisoformat(text[:16]) + delta
        shifted.append(recurrence.exdate_key(moment))
    event.exdates = shifted


def update_event(*, by: User, event: Event, data: EventData) -> Event:
    """Change an event and re-expand its sessions; raise InvalidDates, RecurrenceRefused,
    CapacityBelowRegistrations or EventError. Cancelling goes through `cancel_event`."""
    if not can_organise(by, event):
        raise PermissionDenied
    rule = _check_data(data)
    _check_audience(data, _owner(event))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        _check_capacity(event, data.capacity)
        becomes_cancelled = (
            data.status == Event.Status.CANCELLED and event.status != Event.Status.CANCELLED
        )
        delta = recurrence.local_naive(data.starts_at) - recurrence.local_naive(event.starts_at)
        if delta and event.rrule and rule:
            _shift_series(event, delta)
        was_cancelled = event.status == Event.Status.CANCELLED
        old_capacity = event.capacity
        _apply(event, data, rule)
        if becomes_cancelled:
            event.status = Event.Status.PUBLISHED  # cancel_event does it, with the notices
        elif was_cancelled:
            event.status = Event.Status.CANCELLED  # editing never revives a cancelled event
        event.save()
        event.organisers.set({*data.organisers} or {by})
        recurrence.sync_occurrences(event)
        if becomes_cancelled:
            cancel_event(by=by, event=event)
        elif event.status != Event.Status.CANCELLED and _grew(old_capacity, event.capacity):
            _promote_series(event)
    return event


def _grew(before: int | None, after: int | None) -> bool:
    """Whether a capacity went up (None means no limit)."""
    return before is not None and (after is None or after > before)


def _promote_series(event: Event) -> None:
    """Give the seats a larger event capacity frees to the people waiting, session by session
    (the coming sessions that use the event's capacity and have a waiting list)."""
    waiting = (
        event.occurrences.filter(
            starts_at__gt=timezone.now(),
            cancelled=False,
            capacity__isnull=True,
            registrations__status=Registration.Status.WAITLISTED,
        )
        .distinct()
        .order_by("starts_at")
    )
    for occurrence in waiting:
        registration.promote_waitlisted(occurrence=occurrence)


def _registrants(occurrences) -> list[User]:
    return list(
        User.objects.filter(
            event_registrations__occurrence__in=occurrences,
            event_registrations__status__in=ACTIVE_REGISTRATION,
        ).distinct()
    )


# Registrations told when their session is cancelled. A guest address never confirmed is not
# written to (it may not be the guest's); its registration is cancelled all the same.
TOLD_OF_CANCELLATION = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
    Registration.Status.PENDING,
)


@dataclass
class _Cancelled:
    users: list[User]
    guests: list[Registration]


def _cancel_registrations(occurrence_ids: list[int]) -> _Cancelled:
    """Cancel every active registration of these sessions (locking them, sessions first, as the
    registration services do) and return who must be told: people and guest registrations."""
    list(Occurrence.objects.select_for_update().filter(pk__in=occurrence_ids).values("pk"))
    rows = list(
        # of=self: guests have no user row to lock (outer join).
        Registration.objects.select_for_update(of=("self",))
        .filter(occurrence_id__in=occurrence_ids, status__in=ACTIVE_REGISTRATION)
        .select_related("user")
    )
    Registration.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )
    Occurrence.objects.filter(pk__in=occurrence_ids).update(confirmed_count=0)
    told = [row for row in rows if row.status in TOLD_OF_CANCELLATION]
    return _Cancelled(
        users=[row.user for row in told if row.user_id is not None],
        guests=[row for row in told if row.user_id is None],
    )


def _mail_guests(guests: list[Registration], *, subject: str, message: str, url: str) -> None:
    """E-mail each guest address once (guests have no account, so no in-app notice), after
    the transaction commits, through the task worker."""
    seen: set[str] = set()
    for guest in guests:
        if guest.guest_email in seen:
            continue
        seen.add(guest.guest_email)
        body = render_to_string(
            "events/email/cancelled.txt",
            {
                "name": guest.guest_name or guest.guest_email,
                "message": message,
                "url": absolute_url(url),
            },
        )
        send_email(subject=subject, body=body, to=[guest.guest_email])


def cancel_event(*, by: User, event: Event) -> Event:
    """Cancel the whole event and notify the people registered to its coming sessions."""
    if not can_organise(by, event):
        raise PermissionDenied
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status == Event.Status.CANCELLED:
            return event
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        coming = list(
            event.occurrences.filter(ends_at__gte=timezone.now()).values_list("pk", flat=True)
        )
        cancelled = _cancel_registrations(coming)
        title = _("Animation annulée : %(title)s") % {"title": event.title}
        body = _(
            "L'animation « %(title)s » est annulée. Toutes ses séances à venir le sont, et vos "
            "inscriptions avec."
        ) % {"title": event.title}
        notify(
            users=cancelled.users,
            topic="events.cancelled",
            title=title,
            body=body,
            url=event_url(event),
            exclude=by,
        )
        _mail_guests(cancelled.guests, subject=title, message=body, url=event_url(event))
    return event


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, H \\h i")


def cancel_occurrence(*, by: User, occurrence: Occurrence) -> Occurrence:
    """Cancel one session of a series (its date joins the excluded dates) and notify the people
    registered to it."""
    event = occurrence.event
    if not can_organise(by, event):
        raise PermissionDenied
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if occurrence.cancelled:
            return occurrence
        occurrence.cancelled = True
        occurrence.save(update_fields=["cancelled"])
        if event.rrule:
            key = recurrence.exdate_key(recurrence.local_naive(occurrence.original_start))
            if key not in event.exdates:
                event.exdates = [*event.exdates, key]
                event.save(update_fields=["exdates", "updated_at"])
        occurrence.event = event
        cancelled = _cancel_registrations([occurrence.pk])
        occurrence.confirmed_count = 0
        title = _("Séance annulée : %(title)s") % {"title": event.title}
        body = _("La séance du %(when)s est annulée, et votre inscription avec.") % {
            "when": _when(occurrence.starts_at)
        }
        url = occurrence_url(occurrence)
        notify(
            users=cancelled.users,
            topic="events.cancelled",
            title=title,
            body=body,
            url=url,
            exclude=by,
        )
        _mail_guests(cancelled.guests, subject=title, message=body, url=url)
    return occurrence


def edit_occurrence(
    *,
    by: User,
    occurrence: Occurrence,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    title: str = "",
    note: str = "",
    capacity: int | None = None,
) -> Occurrence:
    """Change one session only (times, title, note, places); raise InvalidDates or
    CapacityBelowRegistrations. People registered are told when the time changes."""
    if not can_organise(by, occurrence.event):
        raise PermissionDenied
    if ends_at <= starts_at:
        raise InvalidDates(_("La fin doit être après le début."))
    with transaction.atomic():
        occurrence = (
            Occurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)
        )
        if capacity is not None:
            count = _confirmed([occurrence]).get(occurrence.pk, 0)
            if count > capacity:
                raise CapacityBelowRegistrations(
                    _(
                        "Impossible de descendre à %(capacity)s places : %(count)s personnes "
                        "sont déjà inscrites."
                    )
                    % {"capacity": capacity, "count": count}
                )
        moved = (occurrence.starts_at, occurrence.ends_at) != (starts_at, ends_at)
        seats_before = registration.capacity_of(occurrence)
        occurrence.starts_at, occurrence.ends_at = starts_at, ends_at
        occurrence.title_override = title.strip()
        occurrence.note = note.strip()
        occurrence.capacity = capacity
        occurrence.is_modified = True
        occurrence.save()
        if not occurrence.cancelled and _grew(seats_before, registration.capacity_of(occurrence)):
            registration.promote_waitlisted(occurrence=occurrence)
        if moved:
            notify(
                users=_registrants([occurrence]),
                topic="events.changed",
                title=_("Séance déplacée : %(title)s") % {"title": occurrence.event.title},
                body=_("La séance a lieu désormais le %(when)s.")
                % {"when": _when(occurrence.starts_at)},
                url=occurrence_url(occurrence),
                exclude=by,
            )
    return occurrence


def _without_end(rule: str) -> str:
    return ";".join(
        part for part in rule.split(";") if part.split("=")[0].upper() not in {"UNTIL", "COUNT"}
    )


def _rule_count(rule: str) -> int | None:
    for part in rule.split(";"):
        name, _sep, value = part.partition("=")
        if name.upper() == "COUNT" and value.isdigit():
            return int(value)
    return None


def split_series(*, by: User, occurrence: Occurrence, data: EventData) -> Event:
    """Edit "this session and all following": the old series ends before it (UNTIL), a new
    event continuing it takes the rest; coming sessions move to it in order, with their
    registrations. Raise InvalidDates, RecurrenceRefused or EventError."""
    old = occurrence.event
    if not can_organise(by, old):
        raise PermissionDenied
    if not old.rrule:
        raise EventError(_("Cette animation n'a qu'une séance : modifiez-la directement."))
    if occurrence.original_start <= old.starts_at:
        # The first session: the whole series changes.
        return update_event(by=by, event=old, data=data)
    rule = _check_data(data)
    owner = _owner(old)
    _check_audience(data, owner)
    with transaction.atomic():
        old = Event.objects.select_for_update().get(pk=old.pk)
        before = old.occurrences.filter(original_start__lt=occurrence.original_start).count()
        if rule == old.rrule and (count := _rule_count(rule)) is not None:
            rule = _without_end(rule) + f";COUNT={max(count - before, 1)}"
        until = recurrence.local_naive(occurrence.original_start) - datetime.timedelta(seconds=1)
        old.rrule = _without_end(old.rrule) + ";UNTIL=" + until.strftime("%Y%m%dT%H%M%S")
        old.save(update_fields=["rrule", "updated_at"])

        new = Event(created_by=by, continues=old, slug=_unique_slug(data.title))
        new.network, new.circle, new.place = old.network, old.circle, old.place
        new.source = None
        _apply(new, data, rule)
        new.save()
        new.organisers.set({*data.organisers} or {by})

        following = list(
            Occurrence.objects.select_for_update()
            .filter(event=old, original_start__gte=occurrence.original_start)
            .order_by("original_start")
        )
        now = timezone.now()
        spans = recurrence.expand(new, new.starts_at, recurrence.horizon_end())
        for moving, (original, begins, finishes) in zip(following, spans, strict=False):
            if moving.starts_at < now:
                continue
            moving.event = new
            moving.original_start = original
            if not moving.is_modified:
                moving.starts_at, moving.ends_at = begins, finishes
            moving.save(update_fields=["event", "original_start", "starts_at", "ends_at"])
        recurrence.sync_occurrences(old)
        recurrence.sync_occurrences(new)
    return new


# Tours


def _check_stop_times(event: Event, arrives_at: datetime.datetime, leaves_at: datetime.datetime):
    if leaves_at < arrives_at:
        raise StopRefused(_("Le départ doit être après l'arrivée."), field="leaves_at")
    if arrives_at < event.starts_at or leaves_at > event.ends_at:
        raise StopRefused(
            _("L'étape doit se tenir pendant la tournée (du %(start)s au %(end)s).")
            % {"start": _when(event.starts_at), "end": _when(event.ends_at)},
            field="arrives_at",
        )


def add_stop(
    *,
    by: User,
    event: Event,
    place: Place,
    arrives_at: datetime.datetime,
    leaves_at: datetime.datetime,
    note: str = "",
) -> TourStop:
    """Add a stop at the end of a tour; raise StopRefused when the times do not fit."""
    if not can_organise(by, event):
        raise PermissionDenied
    if event.kind != EventKind.TOUR:
        raise StopRefused(_("Seule une tournée a des étapes."))
    _check_stop_times(event, arrives_at, leaves_at)
    with transaction.atomic():
        # Lock the event: two stops added at once must not take the same position.
        Event.objects.select_for_update().get(pk=event.pk)
        last = event.stops.aggregate(last=Max("position"))["last"] or 0
        return TourStop.objects.create(
            event=event,
            place=place,
            position=last + 1,
            arrives_at=arrives_at,
            leaves_at=leaves_at,
            note=note.strip(),
        )


def _renumber(event: Event) -> None:
    stops = list(TourStop.objects.select_for_update().filter(event=event).order_by("position"))
    # Park them out of the way first: positions are unique per tour.
    offset = 1000
    for stop in stops:
        stop.position += offset
        stop.save(update_fields=["position"])
    for index, stop in enumerate(stops, start=1):
        stop.position = index
        stop.save(update_fields=["position"])


def move_stop(*, by: User, stop: TourStop, offset: int) -> None:
    """Move a stop one place earlier (-1) or later (+1) in the tour."""
    if not can_organise(by, stop.event):
        raise PermissionDenied
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=stop.event_id)
        stops = list(TourStop.objects.filter(event_id=stop.event_id).order_by("position"))
        index = next(i for i, s in enumerate(stops) if s.pk == stop.pk)
        target = index + (1 if offset > 0 else -1)
        if not 0 <= target < len(stops):
            return
        stops[index], stops[target] = stops[target], stops[index]
        for position, item in enumerate(stops, start=1):
            item.position = 1000 + position
            item.save(update_fields=["position"])
        for position, item in enumerate(stops, start=1):
            item.position = position
            item.save(update_fields=["position"])


def remove_stop(*, by: User, stop: TourStop) -> None:
    """Remove a stop; the following ones move up."""
    if not can_organise(by, stop.event):
        raise PermissionDenied
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=stop.event_id)
        event = stop.event
        stop.delete()
        _renumber(event)


def can_confirm_stop(*, user: AnyUser, stop: TourStop) -> bool:
    return can_edit_place(user=user, place=stop.place)


def confirm_stop(*, by: User, stop: TourStop) -> TourStop:
    """Confirm a stop on behalf of its place (its managers only); tell the organisers."""
    if not can_confirm_stop(user=by, stop=stop):
        raise PermissionDenied
    with transaction.atomic():
        stop = TourStop.objects.select_for_update().select_related("event", "place").get(pk=stop.pk)
        if stop.confirmed_at is None:
            stop.confirmed_at = timezone.now()
            stop.confirmed_by = by
            stop.save(update_fields=["confirmed_at", "confirmed_by"])
            notify(
                users=stop.event.organisers.all(),
                topic="events.tour",
                title=_("Étape confirmée : %(place)s") % {"place": stop.place.name},
                body=_("%(place)s confirme son étape de la tournée « %(title)s ».")
                % {"place": stop.place.name, "title": stop.event.title},
                url=event_url(stop.event),
                exclude=by,
            )
    return stop
