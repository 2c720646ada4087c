"""iCalendar (RFC 5545) feeds of events: per network, circle, place, event, occurrence, person.

Public feeds carry public events only and never the online link. A series is one VEVENT with its
RRULE and EXDATEs (cancelled sessions), and each session edited on its own is a VEVENT with the
same UID and a RECURRENCE-ID: calendar apps then show the same dates as our agenda, in
Europe/Paris wall-clock time across daylight-saving changes (VTIMEZONE included).

The private per-person feed lists the sessions the person is confirmed for, one VEVENT per
session, with the online link: its URL holds a secret token (`CalendarToken`) the person can
revoke.
"""

import datetime
import secrets
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.events.models import (
    Audience,
    CalendarToken,
    Event,
    Occurrence,
    Registration,
)
from maillage.lib.urls import absolute_url, site_url
from maillage.lib.validators import without_control_characters

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PRODID = "-//Maillage//Agenda des tiers-lieux//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8"


# --- Which events a feed carries ------------------------------------------------------------


# Feeds keep a year of history: enough for calendars, and a feed does not grow forever.
HISTORY = datetime.timedelta(days=365)


def _recent(now: datetime.datetime | None = None) -> Q:
    cutoff = (now or timezone.now()) - HISTORY
    recent_sessions = Occurrence.objects.filter(ends_at__gte=cutoff).values("event_id")
    return Q(ends_at__gte=cutoff) | Q(pk__in=recent_sessions)


def public_events() -> QuerySet[Event]:
    """Events anyone may see in a feed: public audience, published or cancelled (not drafts),
    with a session in the last year or to come."""
    return (
        Event.objects.filter(
            _recent(),
            audience=Audience.PUBLIC,
            status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        )
        .select_related("venue", "venue__commune")
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=Occurrence.objects.filter(Q(cancelled=True) | Q(is_modified=True)),
                to_attr="exceptions",
            )
        )
    )


def network_feed_events(*, network) -> QuerySet[Event]:
    """Public events of a network and of its circles."""
    return public_events().filter(Q(network=network) | Q(circle__network=network))


def circle_feed_events(*, circle) -> QuerySet[Event]:
    """Public events of a circle."""
    return public_events().filter(circle=circle)


def place_feed_events(*, place) -> QuerySet[Event]:
    """Public events a place organises or hosts."""
    return public_events().filter(Q(place=place) | Q(venue=place))


def personal_occurrences(*, user: User) -> QuerySet[Occurrence]:
    """The sessions this person is confirmed for, from a year ago on. Cancelling an event or a
    session cancels its registrations, so it leaves the feed (clients drop it); a session that
    left its series on its own stays, marked cancelled."""
    return (
        Occurrence.objects.filter(
            registrations__user=user,
            registrations__status=Registration.Status.CONFIRMED,
            ends_at__gte=timezone.now() - HISTORY,
        )
        .select_related("event", "event__venue", "event__venue__commune")
        .distinct()
        .order_by("starts_at")
    )


# --- Building the calendar ------------------------------------------------------------------


def _text(value: object) -> str:
    """Any stored text as a calendar accepts it (a feed must never fail on what was written)."""
    return without_control_characters(str(value or ""))


def _host() -> str:
    return urlsplit(site_url()).hostname or "maillage"


def event_uid(event: Event) -> str:
    """A stable UID for an event (a series keeps it for all its sessions)."""
    return f"animation-{event.pk}@{_host()}"


def occurrence_uid(occurrence: Occurrence) -> str:
    """The UID of one session, the same in every feed: its event's.

    A public feed shows a series as one VEVENT (its event's UID) whose sessions are told apart
    by their RECURRENCE-ID; a session exported on its own (download, private feed) keeps that
    UID and RECURRENCE-ID, so a calendar subscribed to both feeds sees one session, not two.
    """
    return event_uid(occurrence.event)


def event_url(event: Event) -> str:
    try:
        path = reverse("events:event-detail", kwargs={"slug": event.slug})
    except NoReverseMatch:
        path = f"/agenda/{event.slug}/"
    return absolute_url(path)


def sequence(event: Event) -> int:
    """SEQUENCE grows with each edit: seconds between creation and the last change.

    The model keeps no revision counter; this number only ever grows, which is all RFC 5545
    asks so that calendar apps take the newer version.
    """
    if event.created_at is None or event.updated_at is None:
        return 0
    return max(0, int((event.updated_at - event.created_at).total_seconds()))


def _local(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(PARIS)


def _location(event: Event, *, with_online_link: bool) -> str:
    parts = []
    if event.venue_id:
        venue = event.venue
        commune = getattr(venue, "commune", None)
        parts.append(f"{venue.name}, {commune.name}" if commune else venue.name)
    if event.address:
        parts.append(event.address)
    if event.online_url:
        if with_online_link:
            parts.append(_("En ligne : %(url)s") % {"url": event.online_url})
        else:
            parts.append(_("En ligne (lien donné aux personnes inscrites)"))
    return " — ".join(parts)


def _exdates(event: Event) -> list[datetime.datetime]:
    """Local datetimes removed from the series: `exdates` and sessions cancelled one by one."""
    start = _local(event.starts_at)
    found: set[datetime.datetime] = set()
    for value in event.exdates or []:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            continue
        if moment.tzinfo is None:
            if len(str(value)) <= 10:  # a bare date: the series' own time that day
                moment = datetime.datetime.combine(moment.date(), start.time())
            moment = moment.replace(tzinfo=PARIS)
        found.add(_local(moment))
    for occurrence in getattr(event, "exceptions", None) or []:
        if occurrence.cancelled:
            found.add(_local(occurrence.original_start))
    return sorted(found)


def _base_vevent(
    event: Event, *, uid: str, start: datetime.datetime, end: datetime.datetime
) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", (event.updated_at or timezone.now()).astimezone(datetime.UTC))
    if event.updated_at:
        vevent.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    vevent.add("sequence", sequence(event))
    vevent.add("dtstart", _local(start))
    vevent.add("dtend", _local(end))
    vevent.add("url", event_url(event))
    if event.tags:
        vevent.add("categories", [_text(str(tag)) for tag in event.tags])
    return vevent


def _describe(event: Event, *, note: str = "", online_url: str = "") -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if note:
        parts.append(note)
    if online_url:
        parts.append(_("Lien de visio : %(url)s") % {"url": online_url})
    parts.append(event_url(event))
    return "\n\n".join(parts)


def event_vevents(event: Event) -> list[icalendar.Event]:
    """The VEVENTs of one event for a public feed: the series and its edited sessions."""
    status = "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED"
    master = _base_vevent(event, uid=event_uid(event), start=event.starts_at, end=event.ends_at)
    master.add("summary", _text(event.title))
    master.add("description", _text(_describe(event)))
    location = _location(event, with_online_link=False)
    if location:
        master.add("location", _text(location))
    master.add("status", status)
    vevents = [master]
    if not event.rrule:
        return vevents
    master.add("rrule", icalendar.vRecur.from_ical(event.rrule))
    exdates = _exdates(event)
    if exdates:
        master.add("exdate", exdates)
    for occurrence in getattr(event, "exceptions", None) or []:
        if occurrence.cancelled or not occurrence.is_modified:
            continue
        override = _base_vevent(
            event, uid=event_uid(event), start=occurrence.starts_at, end=occurrence.ends_at
        )
        override.add("recurrence-id", _local(occurrence.original_start))
        override.add("summary", _text(occurrence.title_override or event.title))
        override.add("description", _text(_describe(event, note=occurrence.note)))
        if location:
            override.add("location", _text(location))
        override.add("status", status)
        vevents.append(override)
    return vevents


def occurrence_vevent(occurrence: Occurrence, *, with_online_link: bool) -> icalendar.Event:
    """One session as a standalone VEVENT (download, private feed)."""
    event = occurrence.event
    vevent = _base_vevent(
        event, uid=occurrence_uid(occurrence), start=occurrence.starts_at, end=occurrence.ends_at
    )
    if event.rrule:
        vevent.add("recurrence-id", _local(occurrence.original_start))
    vevent.add("summary", _text(occurrence.title_override or event.title))
    online_url = event.online_url if with_online_link else ""
    vevent.add("description", _text(_describe(event, note=occurrence.note, online_url=online_url)))
    location = _location(event, with_online_link=with_online_link)
    if location:
        vevent.add("location", _text(location))
    if online_url:
        vevent.add("conference", online_url, parameters={"VALUE": "URI"})
    cancelled = occurrence.cancelled or event.status == Event.Status.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def build_calendar(*, name: str, vevents: Iterable[icalendar.Event]) -> bytes:
    """A VCALENDAR with the VTIMEZONE of Europe/Paris, serialised."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # An x- property is not escaped by icalendar: one line, always.
    calendar.add("x-wr-calname", " ".join(_text(name).split()))
    calendar.add("x-wr-timezone", "Europe/Paris")
    for vevent in vevents:
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def events_calendar(*, name: str, events: Iterable[Event]) -> bytes:
    """A public calendar of these events."""
    return build_calendar(name=name, vevents=[v for event in events for v in event_vevents(event)])


def personal_calendar(*, user: User) -> bytes:
    """The private calendar of the sessions this person is confirmed for, with online links."""
    return build_calendar(
        name=_("Mes animations — Maillage"),
        vevents=[
            occurrence_vevent(occurrence, with_online_link=True)
            for occurrence in personal_occurrences(user=user)
        ],
    )


# --- The secret token of the private feed ---------------------------------------------------


def calendar_token_for(*, user: User) -> CalendarToken:
    """Return the person's calendar token, creating it on first use."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


def revoke_calendar_token(*, user: User) -> CalendarToken:
    """Replace the person's token: the old private feed URL stops answering (404)."""
    with transaction.atomic():
        token, created = CalendarToken.objects.select_for_update().get_or_create(user=user)
        if not created:
            token.token = secrets.token_urlsafe(32)
            token.created_at = timezone.now()
            token.save(update_fields=["token", "created_at"])
    return token


def user_for_calendar_token(*, token: str) -> User | None:
    """The person whose private feed this token opens, or None."""
    found = (
        CalendarToken.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    return found.user if found else None


def with_exceptions(event: Event) -> Event:
    """Attach the sessions cancelled or edited on their own, as `public_events` does."""
    event.exceptions = list(event.occurrences.filter(Q(cancelled=True) | Q(is_modified=True)))
    return event


def shows_online_link(*, user, occurrence: Occurrence) -> bool:
    """Whether a session's download may carry the online link: confirmed registrants and
    organisers only, as on the pages."""
    from maillage.events.selectors import can_organise

    if not user.is_authenticated:
        return False
    if occurrence.registrations.filter(user=user, status=Registration.Status.CONFIRMED).exists():
        return True
    return can_organise(user, occurrence.event)
