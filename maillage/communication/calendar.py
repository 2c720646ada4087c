"""Permanences as iCalendar (through the events' calendar builder): half days in Paris time."""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar
from django.utils.translation import gettext as _

from maillage.communication.models import Half, Permanence
from maillage.events.feeds import build_calendar
from maillage.lib.french import de
from maillage.lib.urls import absolute_url

PARIS = ZoneInfo("Europe/Paris")
HOURS = {Half.MORNING: (9, 12, 30), Half.AFTERNOON: (14, 17, 30)}


def bounds(permanence: Permanence) -> tuple[datetime.datetime, datetime.datetime]:
    start_hour, end_hour, end_minute = HOURS[Half(permanence.half)]
    day = permanence.date
    return (
        datetime.datetime(day.year, day.month, day.day, start_hour, tzinfo=PARIS),
        datetime.datetime(day.year, day.month, day.day, end_hour, end_minute, tzinfo=PARIS),
    )


def vevent(permanence: Permanence) -> icalendar.Event:
    start, end = bounds(permanence)
    event = icalendar.Event()
    event.add("uid", f"permanence-{permanence.pk}@maillage")
    event.add("dtstamp", permanence.updated_at)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add(
        "summary",
        _("Permanence %(de_who)s à %(place)s")
        % {"de_who": de(permanence.facilitator.public_name), "place": permanence.place.name},
    )
    if permanence.purpose:
        event.add("description", permanence.purpose)
    event.add("location", permanence.place.name)
    event.add("url", absolute_url(f"/animation/permanences/{permanence.pk}/"))
    return event


def permanences_calendar(*, name: str, permanences: Iterable[Permanence]) -> bytes:
    return build_calendar(name=name, vevents=[vevent(p) for p in permanences])
