"""Import of a place's public iCalendar URL into its own events (periodic, de-duplicated by UID).

Each VEVENT becomes an event of the place (`source`, `source_uid`); a later import updates it,
and a future event that vanished from the feed is cancelled. Recurring VEVENTs keep their RRULE
and EXDATEs; sessions edited in the feed (RECURRENCE-ID) are applied to our occurrences. A feed
that cannot be read (not iCalendar, a web page, a timeout, a 404, too big) leaves everything as it
was and stores a French message on the source: one transaction per feed.
"""

import datetime
import hashlib
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import User
from maillage.events.models import Audience, Event, EventKind, FeedSource, Occurrence
from maillage.events.recurrence import exdate_key, sync_occurrences
from maillage.lib import outbound
from maillage.lib.refusals import Refusal
from maillage.places.models import Place

logger = logging.getLogger(__name__)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TIMEOUT_SECONDS = 10
MAX_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 500
USER_AGENT = "Maillage (import d'agenda iCalendar)"


class FeedError(Refusal):
    """A feed that cannot be added or imported; the message is a French sentence."""


@dataclass
class ImportResult:
    source: FeedSource
    status: str
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    error: str = ""


@dataclass
class FeedItem:
    """One event read from a feed: its master VEVENT and the sessions edited on their own."""

    uid: str
    title: str
    description: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    rrule: str
    exdates: list[str]
    location: str
    cancelled: bool
    overrides: list[dict[str, Any]] = field(default_factory=list)


# --- Managing sources -----------------------------------------------------------------------


def add_feed_source(*, place: Place, url: str, by: User | None) -> FeedSource:
    """Add a public iCalendar URL to a place; raise FeedError if the URL is unusable or known."""
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise FeedError(
            gettext_lazy("Indiquez une adresse web complète, commençant par https://.")
        ) from exc
    if len(url) > 500:
        raise FeedError(gettext_lazy("Cette adresse est trop longue (500 caractères au plus)."))
    with transaction.atomic():
        if FeedSource.objects.filter(place=place, url=url).exists():
            raise FeedError(gettext_lazy("Ce calendrier est déjà importé pour ce lieu."))
        try:
            with transaction.atomic():
                return FeedSource.objects.create(place=place, url=url, created_by=by)
        except IntegrityError as exc:  # the same URL added twice at once
            raise FeedError(gettext_lazy("Ce calendrier est déjà importé pour ce lieu.")) from exc


def remove_feed_source(*, source: FeedSource) -> None:
    """Remove a source and the events imported from it."""
    with transaction.atomic():
        source.delete()


# --- Fetching -------------------------------------------------------------------------------


@dataclass
class Fetched:
    body: bytes
    etag: str
    not_modified: bool = False


def fetch_feed(*, url: str, etag: str = "") -> Fetched:
    """Read the feed through the outbound guard (lib/outbound.py: public addresses only, pinned,
    10 s, size cap), conditional with ETag; raise FeedError."""
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    try:
        response = outbound.fetch(
            url,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            max_bytes=MAX_BYTES,
            # Tests serve feeds from this machine.
            allow_private=getattr(settings, "EVENT_FEEDS_ALLOW_PRIVATE_HOSTS", False),
        )
    except outbound.OutboundRefused as exc:
        raise FeedError(exc.message) from exc
    if response.status == 304:
        return Fetched(body=b"", etag=etag, not_modified=True)
    if response.status == 404:
        raise FeedError(gettext_lazy("Le calendrier est introuvable à cette adresse (erreur 404)."))
    if response.status >= 400:
        raise FeedError(
            gettext_lazy("Le serveur du calendrier a répondu par une erreur %(code)s.")
            % {"code": response.status}
        )
    return Fetched(body=response.body, etag=response.headers.get("etag", "")[:200])


# --- Parsing --------------------------------------------------------------------------------


def _as_datetime(value: Any) -> datetime.datetime:
    """An iCalendar DATE or DATE-TIME as an aware datetime (floating times are Paris times)."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=PARIS)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(0, 0), tzinfo=PARIS)
    raise ValueError(value)


def _text(component: icalendar.Event, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def parse_feed(body: bytes) -> list[FeedItem]:
    """Read the VEVENTs of an iCalendar body; raise FeedError if it is not iCalendar."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        raise FeedError(
            gettext_lazy(
                "Cette adresse renvoie une page web, pas un calendrier iCalendar (.ics). "
                "Cherchez sur le site le lien « iCal » ou « S'abonner »."
            )
        )
    if not head.startswith(b"begin:vcalendar"):
        raise FeedError(
            gettext_lazy("Ce fichier n'est pas un calendrier iCalendar (.ics) : import impossible.")
        )
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, KeyError, IndexError) as exc:
        raise FeedError(
            gettext_lazy("Ce calendrier iCalendar est mal formé : import impossible.")
        ) from exc
    masters: dict[str, FeedItem] = {}
    overrides: list[tuple[str, dict[str, Any]]] = []
    for component in calendar.walk("VEVENT"):
        uid = _text(component, "UID")[:500]
        if not uid or component.get("DTSTART") is None:
            continue
        try:
            starts_at = _as_datetime(component.decoded("DTSTART"))
            if component.get("DTEND") is not None:
                ends_at = _as_datetime(component.decoded("DTEND"))
            elif component.get("DURATION") is not None:
                ends_at = starts_at + component.decoded("DURATION")
            elif not isinstance(component.decoded("DTSTART"), datetime.datetime):
                ends_at = starts_at + datetime.timedelta(days=1)
            else:
                ends_at = starts_at + datetime.timedelta(hours=1)
        except (ValueError, TypeError, KeyError) as exc:
            raise FeedError(
                gettext_lazy("L'animation « %(uid)s » a des dates illisibles : rien n'est importé.")
                % {"uid": uid[:80]}
            ) from exc
        if ends_at <= starts_at:
            ends_at = starts_at + datetime.timedelta(hours=1)
        cancelled = _text(component, "STATUS").upper() == "CANCELLED"
        title = _text(component, "SUMMARY")[:200] or _("Sans titre")
        if component.get("RECURRENCE-ID") is not None:
            original = _as_datetime(component.decoded("RECURRENCE-ID"))
            overrides.append(
                (
                    uid,
                    {
                        "original_start": original,
                        "starts_at": starts_at,
                        "ends_at": ends_at,
                        "title": title,
                        "cancelled": cancelled,
                    },
                )
            )
            continue
        rrule = ""
        if component.get("RRULE") is not None:
            rrule = component["RRULE"].to_ical().decode()[:300]
        exdates: list[str] = []
        raw_exdates = component.get("EXDATE") or []
        for entry in raw_exdates if isinstance(raw_exdates, list) else [raw_exdates]:
            for moment in entry.dts:
                local = _as_datetime(moment.dt).astimezone(PARIS).replace(tzinfo=None)
                exdates.append(exdate_key(local))
        masters[uid] = FeedItem(
            uid=uid,
            title=title,
            description=_text(component, "DESCRIPTION")[:20_000],
            starts_at=starts_at,
            ends_at=ends_at,
            rrule=rrule,
            exdates=exdates,
            location=_text(component, "LOCATION")[:300],
            cancelled=cancelled,
        )
        if len(masters) > MAX_EVENTS:
            raise FeedError(
                gettext_lazy("Ce calendrier compte plus de %(max)s animations : import refusé.")
                % {"max": MAX_EVENTS}
            )
    for uid, override in overrides:
        if uid in masters:
            masters[uid].overrides.append(override)
    return list(masters.values())


# --- Applying -------------------------------------------------------------------------------


def _slug_for(source: FeedSource, item: FeedItem) -> str:
    digest = hashlib.sha256(f"{source.pk}:{item.uid}".encode()).hexdigest()[:10]
    return f"{slugify(item.title)[:150] or 'animation'}-{digest}"


def _apply_overrides(event: Event, item: FeedItem) -> None:
    for override in item.overrides:
        occurrence = Occurrence.objects.filter(
            event=event, original_start=override["original_start"]
        ).first()
        if occurrence is None:
            continue
        occurrence.starts_at = override["starts_at"]
        occurrence.ends_at = override["ends_at"]
        occurrence.cancelled = override["cancelled"]
        occurrence.is_modified = True
        if override["title"] != item.title:
            occurrence.title_override = override["title"]
        occurrence.save(
            update_fields=["starts_at", "ends_at", "cancelled", "is_modified", "title_override"]
        )


def _apply(source: FeedSource, items: list[FeedItem], *, now: datetime.datetime) -> ImportResult:
    result = ImportResult(source=source, status="ok")
    existing = {event.source_uid: event for event in Event.objects.filter(source=source)}
    for item in items:
        values = {
            "title": item.title,
            "description": item.description,
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "rrule": item.rrule,
            "exdates": item.exdates,
            "address": item.location,
            "status": Event.Status.CANCELLED if item.cancelled else Event.Status.PUBLISHED,
        }
        event = existing.get(item.uid)
        if event is None:
            event = Event.objects.create(
                place=source.place,
                venue=source.place,
                kind=EventKind.OTHER,
                audience=Audience.PUBLIC,
                slug=_slug_for(source, item),
                source=source,
                source_uid=item.uid,
                **values,
            )
            result.created += 1
        else:
            changed = [name for name, value in values.items() if getattr(event, name) != value]
            if changed:
                for name in changed:
                    setattr(event, name, values[name])
                event.save(update_fields=[*changed, "updated_at"])
                result.updated += 1
        sync_occurrences(event)
        _apply_overrides(event, item)
    # Vanished from the feed: cancel what is still to come, keep the past as it was.
    seen = {item.uid for item in items}
    vanished = (
        Event.objects.filter(source=source)
        .exclude(source_uid__in=seen)
        .exclude(status=Event.Status.CANCELLED)
        .filter(Q(starts_at__gte=now) | Q(occurrences__starts_at__gte=now))
        .distinct()
    )
    for event in vanished:
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        result.cancelled += 1
    return result


def import_feed(*, source: FeedSource, now: datetime.datetime | None = None) -> ImportResult:
    """Fetch and import one source in one transaction; store the outcome (or a French error)."""
    now = now or timezone.now()
    try:
        fetched = fetch_feed(url=source.url, etag=source.etag)
        if fetched.not_modified:
            result = ImportResult(source=source, status="unchanged")
        else:
            items = parse_feed(fetched.body)
            with transaction.atomic():
                try:
                    result = _apply(source, items, now=now)
                except FeedError:
                    raise
                except Exception as exc:
                    # Untrusted input (odd RRULEs, values our model refuses): roll the whole feed
                    # back and say so, instead of a half-imported calendar.
                    logger.warning("iCalendar import of %s failed", source.url, exc_info=True)
                    raise FeedError(
                        gettext_lazy(
                            "Une animation de ce calendrier n'a pas pu être importée : "
                            "rien n'a été enregistré."
                        )
                    ) from exc
                source.etag = fetched.etag
                source.last_count = len(items)
    except FeedError as exc:
        result = ImportResult(source=source, status="error", error=str(exc.message))
    source.last_fetched_at = now
    source.last_status = result.status
    source.last_error = result.error
    source.save(
        update_fields=["etag", "last_count", "last_fetched_at", "last_status", "last_error"]
    )
    return result


def import_all_feeds(
    *, progress: Callable[[int, int], None] | None = None, dry_run: bool = False
) -> list[ImportResult]:
    """Import every active source, one transaction each; return the results."""
    sources = list(FeedSource.objects.filter(is_active=True).select_related("place"))
    results = []
    for index, source in enumerate(sources, start=1):
        if dry_run:
            try:
                items = parse_feed(fetch_feed(url=source.url).body)
                results.append(ImportResult(source=source, status="ok", created=len(items)))
            except FeedError as exc:
                results.append(ImportResult(source=source, status="error", error=str(exc.message)))
        else:
            results.append(import_feed(source=source))
        if progress:
            progress(index, len(sources))
    return results


@task()
def import_event_feeds() -> int:
    """Import every active place calendar; return how many failed."""
    return sum(1 for result in import_all_feeds() if result.status == "error")
