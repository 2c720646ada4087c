"""The repetition picker guesses from the start date and speaks French, never RRULE (issue 13)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.events.forms import build_rrule, nth_of, simple_fields
from maillage.events.models import Event
from maillage.events.recurrence import first_dates
from maillage.events.recurrence_text import describe_rrule
from maillage.events.tests.test_events_forms import form_data

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.django_db
def test_a_weekly_series_starting_on_a_tuesday_repeats_on_tuesdays(client, dora, network_a):
    client.force_login(dora)
    data = form_data(
        owner=f"network:{network_a.pk}",
        starts_at="2026-12-15T18:00",
        ends_at="2026-12-15T20:00",
        repeat="weekly",
        weekday="",
        nth="",
    )
    client.post(reverse("events:event-create"), data)
    event = Event.objects.get()
    assert event.rrule == "FREQ=WEEKLY;BYDAY=TU"
    dates = [o.starts_at.astimezone(PARIS).date() for o in event.occurrences.order_by("starts_at")]
    assert dates[:3] == [
        datetime.date(2026, 12, 15),
        datetime.date(2026, 12, 22),
        datetime.date(2026, 12, 29),
    ]


@given(day=st.dates(datetime.date(2026, 1, 1), datetime.date(2030, 12, 31)))
@settings(max_examples=60, deadline=None)
def test_from_any_start_date_the_first_session_is_the_start(day):
    starts_at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=PARIS)
    for repeat in ("weekly", "monthly"):
        rule = build_rrule({"repeat": repeat, "starts_at": starts_at, "interval": 1})
        assert first_dates(rule, starts_at=starts_at, count=1) == [starts_at], rule


def test_the_nth_weekday_of_a_date():
    assert nth_of(datetime.date(2026, 12, 1)) == "1"
    assert nth_of(datetime.date(2026, 12, 15)) == "3"
    assert nth_of(datetime.date(2026, 12, 29)) == "-1"  # the last Tuesday of December
    assert nth_of(datetime.date(2026, 12, 24)) == "4"


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "Toutes les semaines le mardi"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "Toutes les 2 semaines le lundi et le jeudi"),
        ("FREQ=MONTHLY;BYDAY=1TU", "Le premier mardi de chaque mois"),
        (
            "FREQ=MONTHLY;BYDAY=-1FR;COUNT=4",
            "Le dernier vendredi de chaque mois, 4 séances en tout",
        ),
        ("FREQ=MONTHLY;BYMONTHDAY=1", "Le 1er de chaque mois"),
        ("FREQ=DAILY;UNTIL=20270601T235959", "Tous les jours, jusqu'au 1er juin 2027"),
        ("FREQ=YEARLY", "Tous les ans le 15 décembre"),
        ("FREQ=WEEKLY;BYDAY=MO;COUNT=1", "Toutes les semaines le lundi, 1 séance en tout"),
        ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1", "Série personnalisée"),
    ],
)
def test_a_rule_is_told_in_french(rule, text):
    assert describe_rrule(rule, starts_at=paris(2026, 12, 15, 9, 0)).startswith(text)


def test_editing_a_simple_series_shows_the_picker_not_the_rule():
    assert simple_fields("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;COUNT=6") == {
        "repeat": "monthly",
        "interval": 2,
        "weekday": "FR",
        "nth": "-1",
        "until": None,
        "count": 6,
    }
    assert simple_fields("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630T235959")["until"] == (
        datetime.date(2027, 6, 30)
    )
    assert simple_fields("FREQ=WEEKLY;BYDAY=1TU") == {"repeat": "custom"}
    assert simple_fields("FREQ=DAILY") == {"repeat": "custom"}
    assert simple_fields("") == {"repeat": ""}


@pytest.mark.django_db
def test_the_preview_says_the_series_in_french_with_its_first_dates(client, dora, network_a):
    client.force_login(dora)
    response = client.get(
        reverse("events:recurrence-preview"),
        {"starts_at": "2026-12-15T18:00", "repeat": "weekly", "interval": "2", "weekday": ""},
    )
    page = response.content.decode()
    assert "Toutes les 2 semaines le mardi" in page
    assert "Mardi 15 décembre" in page and "Mardi 29 décembre" in page
    assert "RRULE" not in page and "FREQ=" not in page


@pytest.mark.django_db
def test_the_preview_names_a_rule_without_dates(client, dora):
    client.force_login(dora)
    response = client.get(
        reverse("events:recurrence-preview"),
        {
            "starts_at": "2026-12-15T18:00",
            "repeat": "custom",
            "rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        },
    )
    assert "aucune date" in response.content.decode()


@pytest.mark.django_db
def test_the_event_page_tells_the_series(client, dora, network_a):
    client.force_login(dora)
    client.post(
        reverse("events:event-create"),
        form_data(
            owner=f"network:{network_a.pk}",
            starts_at="2027-01-05T09:00",
            ends_at="2027-01-05T10:00",
            nth="",
            weekday="",
        ),
    )
    event = Event.objects.get()
    page = client.get(reverse("events:event-detail", args=[event.slug])).content.decode()
    assert "Le premier mardi de chaque mois" in page
    assert "FREQ=" not in page
    edit = client.get(reverse("events:event-edit", args=[event.slug])).content.decode()
    assert '<option value="monthly" selected>' in edit
