"""A recurrence rule costs a bounded amount of work, whatever its text (issue 12, point 6):
dateutil alone walks every day until year 9999 looking for a date that never comes."""

import datetime
from zoneinfo import ZoneInfo

import dateutil.rrule
import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.events.recurrence import InvalidRecurrence, _until, validate_rrule

PARIS = ZoneInfo("Europe/Paris")
START = datetime.datetime(2027, 1, 5, 9, 0)

NEVER = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2",
    "FREQ=MONTHLY;INTERVAL=12;BYMONTH=3",
    "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",
]


@pytest.fixture
def days_looked_at(monkeypatch):
    """How many periods dateutil's loop examines (its work, independent of the machine)."""
    calls = {"count": 0}
    info = dateutil.rrule._iterinfo
    for name in ("ddayset", "wdayset", "mdayset", "ydayset"):
        original = getattr(info, name)

        def counting(self, *args, _original=original):
            calls["count"] += 1
            return _original(self, *args)

        monkeypatch.setattr(info, name, counting)
    return calls


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_that_never_matches_is_refused_after_a_bounded_search(rule, days_looked_at):
    with pytest.raises(InvalidRecurrence, match="aucune date dans les 18 mois"):
        validate_rrule(rule, starts_at=START.replace(tzinfo=PARIS))
    # At most every day of the years up to the horizon, not every day until 9999 (2.9 million).
    assert 0 < days_looked_at["count"] <= 3 * 366


def test_a_rare_but_real_rule_is_accepted():
    # 29 February comes back in 2028, within 18 months of January 2027.
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    assert validate_rrule(rule, starts_at=START.replace(tzinfo=PARIS)) == rule


FREQUENCIES = st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
WEEKDAYS = st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), max_size=3)


@st.composite
def rules(draw) -> str:
    """Rules that match some day every few years at worst, so dateutil's own search ends."""
    interval = draw(st.integers(1, 5))
    frequency = draw(FREQUENCIES)
    parts = [f"FREQ={frequency}", f"INTERVAL={interval}"]
    ordinal = ""
    if days := draw(WEEKDAYS):
        if frequency in ("MONTHLY", "YEARLY"):
            ordinal = draw(st.sampled_from(["", "1", "-1", "2"]))
        parts.append("BYDAY=" + ",".join(dict.fromkeys(ordinal + day for day in days)))
    month = draw(st.integers(1, 12)) if interval == 1 and draw(st.booleans()) else None
    if month:
        parts.append(f"BYMONTH={month}")
    if not ordinal and draw(st.booleans()):
        longest = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}.get(month or 1, 31)
        monthday = draw(st.sampled_from([d for d in (1, 15, 29, 30, 31, -1) if d <= longest]))
        parts.append(f"BYMONTHDAY={monthday}")
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    return ";".join(parts)


@given(rule=rules(), start_day=st.integers(0, 3000))
@settings(max_examples=150, deadline=None)
def test_the_bounded_search_finds_exactly_dateutils_dates(rule, start_day):
    start = START + datetime.timedelta(days=start_day)
    end = start + datetime.timedelta(days=400)
    parsed = rrulestr(rule, dtstart=start)
    ours = list(_until(parsed, end))
    theirs = [moment for moment in parsed.xafter(start, count=500, inc=True) if moment <= end]
    assert ours == theirs
