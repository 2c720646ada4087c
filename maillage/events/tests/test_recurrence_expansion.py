"""Recurring events expand in Paris wall-clock time, respect exclusions and refuse nonsense."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from maillage.events.models import Occurrence
from maillage.events.recurrence import (
    MAX_OCCURRENCES,
    InvalidRecurrence,
    expand,
    sync_occurrences,
    validate_rrule,
)
from maillage.events.tests.factories import EventFactory

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.mark.django_db
def test_weekly_event_stays_at_nine_across_the_march_change():
    event = EventFactory(
        starts_at=paris(2026, 3, 17, 9, 0), ends_at=paris(2026, 3, 17, 10, 0), rrule="FREQ=WEEKLY"
    )
    spans = expand(event, paris(2026, 3, 1), paris(2026, 4, 8))
    starts = [begins for _, begins, _ in spans]
    assert [s.astimezone(PARIS).time() for s in starts] == [datetime.time(9, 0)] * 4
    # 17 and 24 March are winter time (UTC+1), 31 March and 7 April summer time (UTC+2).
    assert [s.astimezone(UTC).hour for s in starts] == [8, 8, 7, 7]
    assert all(ends - begins == datetime.timedelta(hours=1) for _, begins, ends in spans)


@pytest.mark.django_db
def test_first_tuesday_stays_at_nine_across_the_october_change():
    event = EventFactory(
        starts_at=paris(2026, 9, 1, 9, 0),
        ends_at=paris(2026, 9, 1, 10, 30),
        rrule="FREQ=MONTHLY;BYDAY=1TU",
    )
    spans = expand(event, paris(2026, 9, 1), paris(2026, 12, 31))
    days = [begins.astimezone(PARIS) for _, begins, _ in spans]
    assert [d.date() for d in days] == [
        datetime.date(2026, 9, 1),
        datetime.date(2026, 10, 6),
        datetime.date(2026, 11, 3),
        datetime.date(2026, 12, 1),
    ]
    assert {d.time() for d in days} == {datetime.time(9, 0)}
    # October is summer time (07:00 UTC), November winter time (08:00 UTC).
    assert spans[1][1].astimezone(UTC).hour == 7
    assert spans[2][1].astimezone(UTC).hour == 8


@pytest.mark.django_db
def test_excluded_dates_are_left_out():
    event = EventFactory(
        starts_at=paris(2026, 3, 17, 9, 0),
        ends_at=paris(2026, 3, 17, 10, 0),
        rrule="FREQ=WEEKLY;COUNT=4",
        exdates=["2026-03-24T09:00", "2026-04-07"],
    )
    spans = expand(event, paris(2026, 1, 1), paris(2027, 1, 1))
    assert [b.astimezone(PARIS).date().day for _, b, _ in spans] == [17, 31]


@pytest.mark.django_db
def test_until_written_in_utc_is_understood():
    starts = paris(2026, 3, 3, 9, 0)
    rule = validate_rrule("RRULE:FREQ=WEEKLY;UNTIL=20260317T080000Z", starts_at=starts)
    event = EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=1), rrule=rule)
    assert len(expand(event, starts, paris(2027, 1, 1))) == 3


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("n'importe quoi", "n'est pas valide"),
        ("FREQ=WEEKLY;BYDAY=XX", "n'est pas valide"),
        ("FREQ=MINUTELY", "au plus une fois par jour"),
        ("FREQ=WEEKLY;UNTIL=20200101", "aucune date"),
        ("", "vide"),
    ],
)
def test_nonsense_rules_are_refused_in_french(rule, message):
    with pytest.raises(InvalidRecurrence, match=message):
        validate_rrule(rule, starts_at=paris(2026, 3, 3, 9, 0))


@pytest.mark.django_db
def test_expansion_is_capped():
    event = EventFactory(
        starts_at=paris(2026, 1, 1, 9, 0), ends_at=paris(2026, 1, 1, 10, 0), rrule="FREQ=DAILY"
    )
    assert len(expand(event, paris(2026, 1, 1), paris(2036, 1, 1))) == MAX_OCCURRENCES


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 3, 1, tzinfo=UTC), tick=False)
def test_sync_materialises_eighteen_months_and_keeps_cancelled_and_modified_ones():
    event = EventFactory(
        starts_at=paris(2026, 3, 3, 9, 0),
        ends_at=paris(2026, 3, 3, 10, 0),
        rrule="FREQ=MONTHLY;BYDAY=1TU",
    )
    occurrences = sync_occurrences(event)
    # March 2026 to August 2027 (1 March + 548 days = 31 August 2027): 18 first Tuesdays.
    assert len(occurrences) == 18
    second, third = occurrences[1], occurrences[2]
    second.cancelled = True
    second.save()
    event.exdates = [second.original_start.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")]
    event.save()
    third.starts_at += datetime.timedelta(hours=2)
    third.ends_at += datetime.timedelta(hours=2)
    third.is_modified = True
    third.save()

    sync_occurrences(event)

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.cancelled
    assert third.starts_at.astimezone(PARIS).time() == datetime.time(11, 0)
    assert Occurrence.objects.filter(event=event).count() == 18


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=UTC), tick=False)
def test_sync_keeps_past_occurrences_when_the_rule_changes():
    event = EventFactory(
        starts_at=paris(2026, 3, 3, 9, 0), ends_at=paris(2026, 3, 3, 10, 0), rrule="FREQ=WEEKLY"
    )
    sync_occurrences(event)
    past = Occurrence.objects.filter(event=event, starts_at__lt=paris(2026, 6, 1)).count()
    event.rrule = "FREQ=WEEKLY;INTERVAL=2"
    event.save()
    sync_occurrences(event)
    assert Occurrence.objects.filter(event=event, starts_at__lt=paris(2026, 6, 1)).count() == past
    future = Occurrence.objects.filter(event=event, starts_at__gte=paris(2026, 6, 1))
    days = [(o.starts_at.astimezone(PARIS).date() - datetime.date(2026, 3, 3)).days for o in future]
    assert all(day % 14 == 0 for day in days)


@pytest.mark.django_db
def test_periodic_sync_moves_the_window_on():
    from maillage.events.recurrence import sync_all_series

    with time_machine.travel(datetime.datetime(2026, 3, 1, tzinfo=UTC), tick=False):
        event = EventFactory(
            starts_at=paris(2026, 3, 3, 9, 0),
            ends_at=paris(2026, 3, 3, 10, 0),
            rrule="FREQ=MONTHLY;BYDAY=1TU",
        )
        sync_occurrences(event)
    assert Occurrence.objects.filter(event=event).count() == 18
    with time_machine.travel(datetime.datetime(2026, 6, 1, tzinfo=UTC), tick=False):
        assert sync_all_series() == 1
    # Three months later the window reaches November 2027: three more first Tuesdays, and the
    # past ones are kept.
    assert Occurrence.objects.filter(event=event).count() == 21
