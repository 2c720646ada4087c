"""The periodic job that moves the 18-month window of recurring events on."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from maillage.events import tasks
from maillage.events.models import Event, EventKind
from maillage.events.services import EventData, cancel_event, create_event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
START = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
SIX_MONTHS_LATER = datetime.datetime(2027, 5, 20, 10, 0, tzinfo=datetime.UTC)


def weekly(owner, by, title: str) -> Event:
    return create_event(
        by=by,
        owner=owner,
        data=EventData(
            kind=EventKind.CAFE,
            title=title,
            starts_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS),
            ends_at=datetime.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS),
            rrule="FREQ=WEEKLY;BYDAY=TU",
        ),
    )


def last_start(event: Event) -> datetime.datetime:
    return event.occurrences.order_by("-starts_at").values_list("starts_at", flat=True)[0]


@pytest.fixture
def series(network_a, dora):
    with time_machine.travel(START, tick=False):
        kept = weekly(network_a, dora, "Café du mardi")
        stopped = weekly(network_a, dora, "Café arrêté")
        cancel_event(by=dora, event=stopped)
    return kept, stopped


def test_the_command_keeps_eighteen_months_of_sessions_ahead(series, capsys):
    kept, stopped = series
    before, stopped_before = last_start(kept), last_start(stopped)
    assert before > START + datetime.timedelta(days=540 - 7)

    with time_machine.travel(SIX_MONTHS_LATER, tick=False):
        call_command("sync_event_series")

    assert "1 série synchronisée." in capsys.readouterr().out
    assert last_start(kept) > SIX_MONTHS_LATER + datetime.timedelta(days=540 - 7)
    assert last_start(kept) > before + datetime.timedelta(days=170)
    # A cancelled series is left as it was.
    assert last_start(stopped) == stopped_before


def test_the_task_does_the_same_and_says_how_many_series(series):
    kept, _stopped = series
    with time_machine.travel(SIX_MONTHS_LATER, tick=False):
        assert tasks.sync_event_series.enqueue().return_value == 1
    assert last_start(kept) > SIX_MONTHS_LATER + datetime.timedelta(days=540 - 7)


def test_running_it_twice_adds_nothing(series):
    kept, _stopped = series
    with time_machine.travel(SIX_MONTHS_LATER, tick=False):
        call_command("sync_event_series")
        count = kept.occurrences.count()
        call_command("sync_event_series")
    assert kept.occurrences.count() == count
