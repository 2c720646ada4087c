"""Reads of events and the permission checkpoints every events view, feed and API call uses.

Who sees an event (its audience), once it is published or cancelled:
- public: everyone;
- network members: people in the owner's network(s) — the owning network, the circle's network,
  the networks the owning place is an accepted member of — and those networks' coordinators;
- circle members: the circle's current members and its network's coordinators;
- invited: the organisers and the people registered to one of its sessions.
A draft is seen by the people who may organise it only. Organisers always see their events.

Who organises (edits, cancels, sees registrations): the event's organisers, coordinators of the
owning network (or of the circle's network), soucieux·ses of the owning circle, managers of the
owning place, and admins.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.selectors import networks_of
from maillage.circles.models import CircleMember, CircleRole
from maillage.events.models import Audience, Event, Occurrence, Registration
from maillage.networks.models import Membership, MembershipStatus
from maillage.networks.selectors import networks_coordinated_by
from maillage.places.models import PlaceRole

AnyUser = User | AnonymousUser

# Registrations that still count as "registered" (an invited event stays visible to them).
ACTIVE_REGISTRATION = [
    Registration.Status.PENDING,
    Registration.Status.UNCONFIRMED,
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
]


def _current_circle_roles(user: User) -> QuerySet[CircleMember]:
    today = timezone.localdate()
    return CircleMember.objects.filter(
        user=user, ended_at__isnull=True, starts_on__lte=today
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _owned_by_networks(network_ids) -> Q:
    """Events whose owner belongs to one of these networks (directly, by circle or by place)."""
    accepted_places = Membership.objects.filter(
        status=MembershipStatus.ACCEPTED, network_id__in=network_ids
    ).values("place_id")
    return (
        Q(network_id__in=network_ids)
        | Q(circle__network_id__in=network_ids)
        | Q(place_id__in=accepted_places)
    )


def _organise_q(user: User) -> Q:
    """A filter on Event: the events this (logged-in, non-admin) person may organise."""
    coordinated = networks_coordinated_by(user=user).values("pk")
    organised = Event.organisers.through.objects.filter(user_id=user.pk).values("event_id")
    stewarded = _current_circle_roles(user).filter(role=CircleRole.STEWARD).values("circle_id")
    managed = PlaceRole.objects.filter(user=user, role=PlaceRole.Role.MANAGER).values("place_id")
    return (
        Q(pk__in=organised)
        | Q(network_id__in=coordinated)
        | Q(circle__network_id__in=coordinated)
        | Q(circle_id__in=stewarded)
        | Q(place_id__in=managed)
    )


def _audience_q(user: User) -> Q:
    """A filter on Event: the non-draft events this (logged-in, non-admin) person may see."""
    coordinated = networks_coordinated_by(user=user).values("pk")
    mine = networks_of(user=user).values("pk")
    my_circles = _current_circle_roles(user).values("circle_id")
    registered = Registration.objects.filter(user=user, status__in=ACTIVE_REGISTRATION).values(
        "occurrence__event_id"
    )
    return (
        Q(audience=Audience.PUBLIC)
        | (
            Q(audience=Audience.NETWORK)
            & (_owned_by_networks(mine) | _owned_by_networks(coordinated))
        )
        | (
            Q(audience=Audience.CIRCLE)
            & (Q(circle_id__in=my_circles) | Q(circle__network_id__in=coordinated))
        )
        | (Q(audience=Audience.INVITED) & Q(pk__in=registered))
    )


def visible_events(user: AnyUser) -> QuerySet[Event]:
    """The events this person may see (audience and status rules above), as one query."""
    events = Event.objects.all()
    if not user.is_authenticated:
        return events.filter(audience=Audience.PUBLIC).exclude(status=Event.Status.DRAFT)
    if user.is_superuser:
        return events
    organise = _organise_q(user)
    return events.filter((~Q(status=Event.Status.DRAFT) & _audience_q(user)) | organise)


def organised_events(user: AnyUser) -> QuerySet[Event]:
    """The events this person may organise (all of them for an admin)."""
    if not user.is_authenticated:
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(_organise_q(user))


def can_see_event(user: AnyUser, event: Event) -> bool:
    """Whether this person may see the event (its page, sessions, feeds)."""
    if event.status != Event.Status.DRAFT and event.audience == Audience.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return visible_events(user).filter(pk=event.pk).exists()


def can_organise(user: AnyUser, event: Event) -> bool:
    """Whether this person may edit the event, cancel it and see its registrations."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Event.objects.filter(pk=event.pk).filter(_organise_q(user)).exists()


def _event_queryset() -> QuerySet[Event]:
    return Event.objects.select_related(
        "network", "circle", "circle__network", "place", "venue", "venue__commune", "continues"
    )


def get_event_for_viewer(*, user: AnyUser, slug: str) -> Event:
    """Return an event the person may see; raise Http404 otherwise (hidden = unknown)."""
    event = _event_queryset().filter(slug=slug).first()
    if event is None or not can_see_event(user, event):
        raise Http404
    return event


def get_event_for_organiser(*, user: AnyUser, slug: str) -> Event:
    """Return an event for editing; Http404 if the person may not see it, PermissionDenied if
    they see it but may not organise it."""
    event = get_event_for_viewer(user=user, slug=slug)
    if not can_organise(user, event):
        raise PermissionDenied
    return event


OCCURRENCE_KEY_FORMAT = "%Y-%m-%dT%H%M"


def occurrence_key(occurrence: Occurrence) -> str:
    """The occurrence's part of its URL: its local start, e.g. 2026-03-03T0900."""
    return timezone.localtime(occurrence.starts_at).strftime(OCCURRENCE_KEY_FORMAT)


def parse_occurrence_key(key: str) -> datetime.datetime:
    """The aware local start a URL key names; raise Http404 if it is not a date."""
    try:
        naive = datetime.datetime.strptime(key, OCCURRENCE_KEY_FORMAT)  # noqa: DTZ007
    except ValueError as error:
        raise Http404 from error
    return timezone.make_aware(naive)


def get_occurrence_for_viewer(*, user: AnyUser, slug: str, key: str) -> Occurrence:
    """Return the session of a visible event that starts at `key` (local time, see
    `occurrence_key`), or whose recurrence date it was; raise Http404 otherwise."""
    event = get_event_for_viewer(user=user, slug=slug)
    start = parse_occurrence_key(key)
    window = (start, start + datetime.timedelta(minutes=1))
    occurrences = event.occurrences.all()
    occurrence = (
        occurrences.filter(starts_at__gte=window[0], starts_at__lt=window[1]).first()
        or occurrences.filter(original_start__gte=window[0], original_start__lt=window[1]).first()
    )
    if occurrence is None:
        raise Http404
    occurrence.event = event
    return occurrence


def upcoming_occurrences(*, event: Event, limit: int = 10) -> list[Occurrence]:
    """The next sessions of the event (cancelled ones too, so people see they are cancelled)."""
    return list(event.occurrences.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:limit])


@dataclass(frozen=True)
class AgendaFilters:
    """The agenda's filters, read from the query string."""

    network: str = ""
    circle: str = ""
    kind: str = ""
    department: str = ""
    commune: str = ""
    mode: str = ""  # "en-ligne" | "sur-place" | ""

    @classmethod
    def from_query(cls, query) -> "AgendaFilters":
        return cls(
            network=query.get("reseau", "").strip(),
            circle=query.get("cercle", "").strip(),
            kind=query.get("type", "").strip(),
            department=query.get("departement", "").strip(),
            commune=query.get("commune", "").strip(),
            mode=query.get("mode", "").strip(),
        )
