"""Reads of events and the permission checkpoints every events view, feed and API call uses.

Who sees an event (its audience), once it is published or cancelled:
- public: everyone;
- network members: people in the owner's network(s) — the owning network, the circle's network,
  the networks the owning place is an accepted member of — and those networks' coordinators;
- circle members: the circle's current members and its network's coordinators;
- invited: the organisers, the people invited (an invitation to their account or to one of
  their verified addresses) and the people registered to one of its sessions.
A draft is seen by the people who may organise it only. Organisers always see their events.

Who organises (edits, cancels, sees registrations): the event's organisers, coordinators of the
owning network (or of the circle's network), soucieux·ses of the owning circle, managers of the
owning place, and admins.
"""

import datetime
import json
import math
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles.selectors import current_circle_ids, is_circle
from maillage.events.models import (
    Audience,
    Event,
    EventKind,
    Invitation,
    Occurrence,
    Registration,
)
from maillage.lib.french import date_format
from maillage.networks.models import Membership, MembershipStatus, Network
from maillage.networks.selectors import networks_coordinated_by, networks_of
from maillage.places.audiences import person_in_audience
from maillage.places.models import PlaceRole
from maillage.territory.models import Commune

AnyUser = User | AnonymousUser

# Registrations that still count as "registered" (an invited event stays visible to them).
ACTIVE_REGISTRATION = [
    Registration.Status.PENDING,
    Registration.Status.UNCONFIRMED,
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
]


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
    stewarded = current_circle_ids(user=user, stewarded=True)
    managed = PlaceRole.objects.filter(user=user, role=PlaceRole.Role.MANAGER).values("place_id")
    return (
        Q(pk__in=organised)
        | Q(network_id__in=coordinated)
        | Q(circle__network_id__in=coordinated)
        | Q(circle_id__in=stewarded)
        | Q(place_id__in=managed)
    )


def invitations_of(user: User) -> QuerySet[Invitation]:
    """The invitations to this person: to their account, or to one of their verified addresses
    (someone invited before they had an account finds them once the address is verified)."""
    verified = (
        EmailAddress.objects.filter(user=user, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )
    return Invitation.objects.filter(Q(user=user) | Q(email__in=verified))


def is_invited(*, user: AnyUser, event: Event) -> bool:
    """Whether this person holds an invitation to the event."""
    if not user.is_authenticated:
        return False
    return invitations_of(user).filter(event=event).exists()


def _audience_q(user: User) -> Q:
    """A filter on Event: the non-draft events this (logged-in, non-admin) person may see."""
    coordinated = networks_coordinated_by(user=user).values("pk")
    mine = networks_of(user=user).values("pk")
    my_circles = current_circle_ids(user=user)
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
        | (
            Q(audience=Audience.INVITED)
            & (Q(pk__in=registered) | Q(pk__in=invitations_of(user).values("event_id")))
        )
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


def is_peer_for(user: AnyUser, event: Event) -> bool:
    """Whether the event's reservation to peers lets this person register: no reservation, a
    manager of a place in its audience, one of its organisers, or an invited person."""
    if not event.peer_audience:
        return True
    if not user.is_authenticated:
        return False
    return (
        person_in_audience(user=user, audience=event.peer_audience)
        or can_organise(user, event)
        or is_invited(user=user, event=event)
    )


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


def event_kind_choices() -> list[tuple[str, str]]:
    """The kinds of events (value, label), for other features' forms and checks."""
    return [(value, str(label)) for value, label in EventKind.choices]


def upcoming_occurrences(*, event: Event, limit: int = 10) -> list[Occurrence]:
    """The next sessions of the event (cancelled ones too, so people see they are cancelled)."""
    return list(event.occurrences.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:limit])


NEAR_RADIUS_KM = 30


@dataclass(frozen=True)
class AgendaFilters:
    """The agenda's filters, read from the query string (unknown values are ignored)."""

    network: str = ""
    circle: str = ""
    kind: str = ""
    department: str = ""
    commune: str = ""
    mode: str = ""  # "en-ligne" | "sur-place" | ""

    @classmethod
    def from_query(cls, query) -> "AgendaFilters":
        mode = query.get("mode", "").strip()
        kind = query.get("type", "").strip()
        return cls(
            network=query.get("reseau", "").strip()[:220],
            circle=query.get("cercle", "").strip()[:220],
            kind=kind if kind in EventKind.values else "",
            department=query.get("departement", "").strip().upper()[:3],
            commune=query.get("commune", "").strip()[:5],
            mode=mode if mode in ("en-ligne", "sur-place") else "",
        )

    def to_query(self) -> dict[str, str]:
        names = {
            "reseau": self.network,
            "cercle": self.circle,
            "type": self.kind,
            "departement": self.department,
            "commune": self.commune,
            "mode": self.mode,
        }
        return {name: value for name, value in names.items() if value}

    @property
    def is_empty(self) -> bool:
        return not self.to_query()


def _filter_events(events: QuerySet[Event], filters: AgendaFilters) -> QuerySet[Event]:
    if filters.network:
        network = Network.objects.filter(slug=filters.network).first()
        events = events.filter(_owned_by_networks([network.pk] if network else []))
    if filters.circle:
        events = events.filter(circle__slug=filters.circle)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.department:
        events = events.filter(
            Q(venue__commune__department_code=filters.department)
            | Q(venue__isnull=True, place__commune__department_code=filters.department)
        )
    if filters.commune:
        commune = Commune.objects.filter(code_insee=filters.commune).first()
        if commune is None or commune.latitude is None:
            return events.none()
        # A bounding box around the commune: cheap in SQL, close enough for "near".
        dlat = NEAR_RADIUS_KM / 111.0
        dlon = NEAR_RADIUS_KM / (111.0 * max(math.cos(math.radians(commune.latitude)), 0.1))
        events = events.filter(
            venue__latitude__range=(commune.latitude - dlat, commune.latitude + dlat),
            venue__longitude__range=(commune.longitude - dlon, commune.longitude + dlon),
        )
    if filters.mode == "en-ligne":
        events = events.exclude(online_url="")
    elif filters.mode == "sur-place":
        events = events.filter(Q(venue__isnull=False) | ~Q(address=""))
    return events


def agenda_occurrences(
    *,
    user: AnyUser,
    filters: AgendaFilters,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> QuerySet[Occurrence]:
    """The sessions the agenda shows: of events the person may see, published or cancelled
    (not drafts), matching the filters, ending after `start` (now by default) and starting
    before `end`; with what a list needs in the same query."""
    events = _filter_events(
        visible_events(user).exclude(status=Event.Status.DRAFT), filters
    ).values("pk")
    occurrences = Occurrence.objects.filter(
        event_id__in=events, ends_at__gt=start or timezone.now()
    )
    if end is not None:
        occurrences = occurrences.filter(starts_at__lt=end)
    return occurrences.select_related(
        "event",
        "event__venue",
        "event__venue__commune",
        "event__network",
        "event__circle",
        "event__place",
    ).order_by("starts_at", "pk")


# Dates in French and calendar grids


def _hour(moment: datetime.datetime) -> str:
    return _("%(h)s h %(m)02d") % {"h": moment.hour, "m": moment.minute}


def day_label(day: datetime.date) -> str:
    """ "mardi 3 mars 2026"; the first of the month reads "1er" in French."""
    text = date_format(day, "l j F Y")
    if day.day == 1 and translation.get_language() == "fr":
        weekday, _one, rest = text.split(" ", 2)
        text = f"{weekday} 1er {rest}"
    return text


def when_label(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    """ "mardi 3 mars 2026, 9 h 00 – 10 h 00" (or from one day to another), in Paris time."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    day = day_label(start.date())
    if start.date() == end.date():
        return _("%(day)s, %(start)s – %(end)s") % {
            "day": day,
            "start": _hour(start),
            "end": _hour(end),
        }
    return _("du %(day)s, %(start)s au %(end_day)s, %(end)s") % {
        "day": day,
        "start": _hour(start),
        "end_day": day_label(end.date()),
        "end": _hour(end),
    }


@dataclass
class AgendaDay:
    day: datetime.date
    occurrences: list[Occurrence] = field(default_factory=list)
    in_month: bool = True
    is_today: bool = False

    @property
    def label(self) -> str:
        return day_label(self.day)


@dataclass
class CalendarGrid:
    """Weeks of days (Monday first) between `start` and `end`, filled with sessions."""

    kind: str  # "semaine" | "mois"
    first: datetime.date
    last: datetime.date
    previous: datetime.date
    next: datetime.date
    title: str
    weeks: list[list[AgendaDay]] = field(default_factory=list)

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.first, datetime.time()))

    @property
    def end(self) -> datetime.datetime:
        day_after = self.last + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time()))

    def fill(self, occurrences) -> None:
        by_day: dict[datetime.date, AgendaDay] = {d.day: d for w in self.weeks for d in w}
        for occurrence in occurrences:
            day = by_day.get(timezone.localtime(occurrence.starts_at).date())
            if day is not None:
                day.occurrences.append(occurrence)

    @property
    def days(self) -> list[AgendaDay]:
        return [d for w in self.weeks for d in w]


def _weeks(first: datetime.date, last: datetime.date, month: int | None) -> list[list[AgendaDay]]:
    today = timezone.localdate()
    weeks, day = [], first
    while day <= last:
        weeks.append(
            [
                AgendaDay(
                    day=day + datetime.timedelta(days=i),
                    in_month=month is None or (day + datetime.timedelta(days=i)).month == month,
                    is_today=day + datetime.timedelta(days=i) == today,
                )
                for i in range(7)
            ]
        )
        day += datetime.timedelta(days=7)
    return weeks


def week_grid(day: datetime.date) -> CalendarGrid:
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    return CalendarGrid(
        kind="semaine",
        first=monday,
        last=sunday,
        previous=monday - datetime.timedelta(days=7),
        next=monday + datetime.timedelta(days=7),
        title=_("Semaine du %(start)s au %(end)s")
        % {"start": date_format(monday, "j F"), "end": date_format(sunday, "j F Y")},
        weeks=_weeks(monday, sunday, None),
    )


def month_grid(day: datetime.date) -> CalendarGrid:
    first_of_month = day.replace(day=1)
    next_month = (first_of_month + datetime.timedelta(days=32)).replace(day=1)
    last_of_month = next_month - datetime.timedelta(days=1)
    first = first_of_month - datetime.timedelta(days=first_of_month.weekday())
    last = last_of_month + datetime.timedelta(days=6 - last_of_month.weekday())
    previous = (first_of_month - datetime.timedelta(days=1)).replace(day=1)
    return CalendarGrid(
        kind="mois",
        first=first,
        last=last,
        previous=previous,
        next=next_month,
        title=date_format(first_of_month, "F Y").capitalize(),
        weeks=_weeks(first, last, first_of_month.month),
    )


def group_by_day(occurrences) -> list[AgendaDay]:
    """Sessions of a list page grouped under their (local) day."""
    days: list[AgendaDay] = []
    for occurrence in occurrences:
        day = timezone.localtime(occurrence.starts_at).date()
        if not days or days[-1].day != day:
            days.append(AgendaDay(day=day))
        days[-1].occurrences.append(occurrence)
    return days


# schema.org


def event_jsonld(*, event: Event, occurrence: Occurrence | None, request) -> SafeString:
    """The schema.org Event of the page: never the online link (only registered people see it)."""
    starts_at = occurrence.starts_at if occurrence else event.starts_at
    ends_at = occurrence.ends_at if occurrence else event.ends_at
    cancelled = event.status == Event.Status.CANCELLED or bool(occurrence and occurrence.cancelled)
    online, on_site = bool(event.online_url), bool(event.venue_id or event.address)
    mode = (
        "MixedEventAttendanceMode"
        if online and on_site
        else "OnlineEventAttendanceMode"
        if online
        else "OfflineEventAttendanceMode"
    )
    locations: list[dict] = []
    if event.venue_id:
        venue = event.venue
        place: dict = {
            "@type": "Place",
            "name": venue.name,
            "url": request.build_absolute_uri(reverse("places:place-detail", args=[venue.slug])),
        }
        address = {"@type": "PostalAddress", "addressCountry": "FR"}
        if getattr(venue, "address", ""):
            address["streetAddress"] = venue.address
        if venue.commune_id:
            address["addressLocality"] = venue.commune.name
        place["address"] = address
        if venue.latitude is not None and venue.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": venue.latitude,
                "longitude": venue.longitude,
            }
        locations.append(place)
    elif event.address:
        locations.append({"@type": "Place", "name": event.address, "address": event.address})
    if online:
        # The page itself, never the video link.
        locations.append(
            {
                "@type": "VirtualLocation",
                "url": request.build_absolute_uri(
                    reverse("events:event-detail", args=[event.slug])
                ),
            }
        )
    page_url = request.build_absolute_uri(request.path)
    owner = event.network or event.circle or event.place
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": (occurrence.title_override if occurrence and occurrence.title_override else "")
        or event.title,
        "description": event.description[:500],
        "url": page_url,
        "startDate": timezone.localtime(starts_at).isoformat(),
        "endDate": timezone.localtime(ends_at).isoformat(),
        "eventAttendanceMode": f"https://schema.org/{mode}",
        "eventStatus": "https://schema.org/EventCancelled"
        if cancelled
        else "https://schema.org/EventScheduled",
        "location": locations[0] if len(locations) == 1 else locations,
        "offers": {
            "@type": "Offer",
            "price": f"{event.price_cents / 100:.2f}",
            "priceCurrency": "EUR",
            "url": page_url,
            "availability": "https://schema.org/InStock",
        },
        "organizer": {"@type": "Organization", "name": str(owner)},
        "inLanguage": "fr",
    }
    if event.tags:
        data["keywords"] = ", ".join(event.tags)
    # json_script-style escaping so the JSON cannot close the <script> element.
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(  # noqa: S308 (escaped just below)
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def with_labels(occurrences):
    """Give each session its URL key and its French dates (`url_key`, `when`) for templates."""
    for occurrence in occurrences:
        occurrence.url_key = occurrence_key(occurrence)
        occurrence.when = when_label(occurrence.starts_at, occurrence.ends_at)
    return occurrences


def upcoming_for_owner(*, user: AnyUser, owner, limit: int = 5) -> list[Occurrence]:
    """The next sessions a network, circle or place shows on its page (those the person may
    see; a network's include its circles' and member places', as the agenda filter does; a
    place's include those it hosts), in two queries whatever their number."""
    from maillage.places.models import Place

    if isinstance(owner, Network):
        filters = AgendaFilters(network=owner.slug)
    elif is_circle(owner):
        filters = AgendaFilters(circle=owner.slug)
    elif isinstance(owner, Place):
        filters = None
    else:
        raise TypeError(owner)
    if filters is not None:
        occurrences = agenda_occurrences(user=user, filters=filters)
    else:
        events = (
            visible_events(user)
            .exclude(status=Event.Status.DRAFT)
            .filter(Q(place=owner) | Q(venue=owner))
            .values("pk")
        )
        occurrences = (
            Occurrence.objects.filter(event_id__in=events, ends_at__gt=timezone.now())
            .select_related("event", "event__network", "event__circle", "event__place")
            .order_by("starts_at", "pk")
        )
    return with_labels(list(occurrences[:limit]))
