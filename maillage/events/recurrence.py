"""Recurring events: RRULE validation, expansion in local wall-clock time, and the materialised
occurrences.

A series is expanded in Europe/Paris wall-clock time and each date is then made aware, so a café
at 09:00 stays at 09:00 after the March and October clock changes (its UTC time moves instead).
Exceptions are kept by `original_start` (the RECURRENCE-ID): an occurrence cancelled or edited on
its own survives every re-expansion.
"""

import datetime
import re
import types
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import dateutil.rrule
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrulestr
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.events.models import Event, Occurrence

PARIS = ZoneInfo("Europe/Paris")
# Occurrences are kept this far ahead; a periodic job (or any edit) extends the window.
HORIZON = datetime.timedelta(days=548)  # about 18 months
# No expansion ever yields more than this many dates (a daily rule over 18 months fits).
MAX_OCCURRENCES = 600
ALLOWED_FREQUENCIES = {DAILY, WEEKLY, MONTHLY, YEARLY}


class InvalidRecurrence(ValueError):
    """The RRULE cannot be read or would make no sense for an event."""


Span = tuple[datetime.datetime, datetime.datetime, datetime.datetime]


def local_naive(moment: datetime.datetime) -> datetime.datetime:
    """The wall-clock time in Paris of an aware datetime, without time zone."""
    return moment.astimezone(PARIS).replace(tzinfo=None)


def aware(naive: datetime.datetime) -> datetime.datetime:
    """A Paris wall-clock time made aware (a time skipped in March moves an hour later)."""
    moment = naive.replace(tzinfo=PARIS)
    # Normalise a time that does not exist (02:30 on the March change) through UTC.
    return moment.astimezone(datetime.UTC).astimezone(PARIS)


def exdate_key(naive: datetime.datetime) -> str:
    """How an excluded date is written in `Event.exdates`: local, to the minute."""
    return naive.strftime("%Y-%m-%dT%H:%M")


UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)


def _until_in_local_time(match: re.Match) -> str:
    moment = datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(
        tzinfo=datetime.UTC
    )
    return "UNTIL=" + local_naive(moment).strftime("%Y%m%dT%H%M%S")


def _rule(rrule: str, dtstart: datetime.datetime):
    text = rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "\n" in text:
        raise InvalidRecurrence(_("La récurrence est vide ou illisible."))
    # An UNTIL written in UTC (…Z, as iCalendar wants): compare it in wall-clock time instead.
    text = UNTIL_UTC.sub(_until_in_local_time, text)
    try:
        rule = rrulestr(text, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise InvalidRecurrence(
            _("Cette règle de récurrence n'est pas valide (%(rule)s).") % {"rule": text}
        ) from error
    if not isinstance(rule, dateutil.rrule.rrule) or rule._freq not in ALLOWED_FREQUENCIES:
        raise InvalidRecurrence(
            _(
                "Une animation se répète au plus une fois par jour : choisissez une fréquence "
                "quotidienne, hebdomadaire, mensuelle ou annuelle."
            )
        )
    return rule


class _CalendarEndingIn:
    """Stands for the `datetime` module inside dateutil's loop, with the end of time moved."""

    def __init__(self, last_year: int) -> None:
        self.MAXYEAR = last_year

    def __getattr__(self, name: str) -> Any:
        return getattr(datetime, name)


def _dates(rule: dateutil.rrule.rrule, *, last_year: int) -> Iterator[datetime.datetime]:
    """The rule's dates up to the end of `last_year`, in a time bounded by that year.

    dateutil stops looking only at a date past UNTIL or at year 9999: a rule that matches no
    day (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) walks every day until then, seconds of CPU per
    request. Its own loop is run here with year 9999 replaced by `last_year` (dateutil reads
    it from its `datetime` module, the only thing changed); tests hold it to dateutil's
    answers."""
    namespace = {**vars(dateutil.rrule), "datetime": _CalendarEndingIn(last_year)}
    bounded = types.FunctionType(dateutil.rrule.rrule._iter.__code__, namespace, "bounded_iter")
    return bounded(rule)


def validate_rrule(rrule: str, *, starts_at: datetime.datetime) -> str:
    """Return the normalised rule (without "RRULE:") or raise InvalidRecurrence with a French
    message: unreadable, more often than daily, or no date within HORIZON of the start."""
    first = local_naive(starts_at)
    rule = _rule(rrule, first)
    horizon = first + HORIZON
    if not any(first <= naive <= horizon for naive in _until(rule, horizon)):
        raise InvalidRecurrence(
            _("Cette règle de récurrence ne donne aucune date dans les 18 mois qui suivent.")
        )
    text = rrule.strip()
    return text[6:] if text.upper().startswith("RRULE:") else text


def first_dates(rrule: str, *, starts_at: datetime.datetime, count: int) -> list[datetime.datetime]:
    """The first `count` dates of a valid rule (aware), within HORIZON of its start."""
    first = local_naive(starts_at)
    dates = (aware(naive) for naive in _until(_rule(rrule, first), first + HORIZON))
    return [moment for moment, _index in zip(dates, range(count), strict=False)]


def _until(rule: dateutil.rrule.rrule, end: datetime.datetime) -> Iterator[datetime.datetime]:
    """The rule's dates up to `end`, found in a time bounded by `end`."""
    for naive in _dates(rule, last_year=end.year):
        if naive > end:
            return
        yield naive


def expand(event: Event, start: datetime.datetime, end: datetime.datetime) -> list[Span]:
    """The dates of the event between `start` and `end` (aware), excluded dates left out, as
    (original_start, starts_at, ends_at); at most MAX_OCCURRENCES of them."""
    first = local_naive(event.starts_at)
    duration = local_naive(event.ends_at) - first
    if not event.rrule:
        if event.starts_at < end and event.ends_at > start:
            return [(event.starts_at, event.starts_at, event.ends_at)]
        return []
    rule = _rule(event.rrule, first)
    excluded = {str(value)[:16] for value in event.exdates or []}
    excluded_days = {str(value) for value in event.exdates or [] if len(str(value)) == 10}
    spans: list[Span] = []
    # Start a duration early so an occurrence already running at `start` is included.
    window_start = max(first, local_naive(start) - duration)
    window_end = local_naive(end)
    for naive in _until(rule, window_end):
        if naive < window_start:
            continue
        if naive >= window_end or len(spans) >= MAX_OCCURRENCES:
            break
        if exdate_key(naive) in excluded or naive.date().isoformat() in excluded_days:
            continue
        begins = aware(naive)
        finishes = aware(naive + duration)
        if finishes <= start:
            continue
        spans.append((begins, begins, finishes))
    return spans


def horizon_end() -> datetime.datetime:
    return timezone.now() + HORIZON


def sync_occurrences(event: Event) -> list[Occurrence]:
    """Materialise the event's occurrences from its first date to 18 months ahead.

    Past occurrences are kept as they are. Occurrences cancelled or edited on their own keep
    their times and overrides (matched by `original_start`). A future date that left the series
    is deleted, or marked cancelled if people registered to it. Return the occurrences in force.
    """
    with transaction.atomic():
        now = timezone.now()
        end = max(horizon_end(), event.ends_at + datetime.timedelta(minutes=1))
        spans = expand(event, event.starts_at, end)
        wanted = {original: (begins, finishes) for original, begins, finishes in spans}
        existing = {
            occurrence.original_start: occurrence
            for occurrence in Occurrence.objects.select_for_update().filter(event=event)
        }
        if not event.rrule and len(existing) == 1 and event.starts_at not in existing:
            # A one-off event whose date moved: its only session moves with it.
            (occurrence,) = existing.values()
            existing = {event.starts_at: occurrence}
            occurrence.original_start = event.starts_at
            if not occurrence.is_modified:
                occurrence.starts_at, occurrence.ends_at = event.starts_at, event.ends_at
            occurrence.save(update_fields=["original_start", "starts_at", "ends_at"])
        to_create = []
        for original, (begins, finishes) in wanted.items():
            occurrence = existing.get(original)
            if occurrence is None:
                to_create.append(
                    Occurrence(
                        event=event, original_start=original, starts_at=begins, ends_at=finishes
                    )
                )
            elif not occurrence.is_modified and (
                (occurrence.starts_at, occurrence.ends_at) != (begins, finishes)
            ):
                occurrence.starts_at, occurrence.ends_at = begins, finishes
                occurrence.save(update_fields=["starts_at", "ends_at"])
        Occurrence.objects.bulk_create(to_create)
        for original, occurrence in existing.items():
            if original in wanted or occurrence.starts_at < now or occurrence.is_modified:
                continue
            if occurrence.cancelled or occurrence.registrations.exists():
                if not occurrence.cancelled:
                    occurrence.cancelled = True
                    occurrence.save(update_fields=["cancelled"])
                continue
            occurrence.delete()
        return list(Occurrence.objects.filter(event=event).order_by("starts_at"))


def sync_all_series() -> int:
    """Re-expand every recurring event that is not cancelled, so the 18-month window moves on
    (for a periodic job); return how many series were synchronised."""
    count = 0
    series = Event.objects.exclude(rrule="").exclude(status=Event.Status.CANCELLED)
    for event in series.iterator():
        sync_occurrences(event)
        count += 1
    return count
