"""Exceptions of a series: cancel one session, edit one, edit this and all following."""

import datetime
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from maillage.events.models import Event, Registration
from maillage.events.recurrence import sync_occurrences
from maillage.events.services import (
    CapacityBelowRegistrations,
    EventData,
    InvalidDates,
    cancel_event,
    cancel_occurrence,
    create_event,
    edit_occurrence,
    split_series,
)
from maillage.notifications.models import Notification

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def local(moment) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime.datetime(2026, 2, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def weekly(dora, network_a):
    # Tuesdays at 09:00 from 3 March 2026, eight sessions: across the change of 29 March.
    return create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind="cafe",
            title="Café du mardi",
            starts_at=paris(2026, 3, 3, 9, 0),
            ends_at=paris(2026, 3, 3, 10, 0),
            rrule="FREQ=WEEKLY;COUNT=8",
            online_url="https://visio.example.org/cafe",
            capacity=10,
        ),
    )


def sessions(event):
    return list(event.occurrences.order_by("starts_at"))


@pytest.mark.django_db
def test_cancelling_one_session_excludes_its_date_and_tells_registrants(weekly, dora, bob):
    second = sessions(weekly)[1]
    Registration.objects.create(occurrence=second, user=bob, status="confirmed")
    cancel_occurrence(by=dora, occurrence=second)
    weekly.refresh_from_db()
    second.refresh_from_db()
    assert second.cancelled
    assert weekly.exdates == ["2026-03-10T09:00"]
    assert Notification.objects.filter(user=bob, topic="events.cancelled").count() == 1
    # Re-expanding keeps the cancelled session (with its registration) and the other seven.
    sync_occurrences(weekly)
    assert len(sessions(weekly)) == 8
    assert [o.cancelled for o in sessions(weekly)].count(True) == 1


@pytest.mark.django_db
def test_editing_one_session_keeps_it_through_re_expansion(weekly, dora):
    third = sessions(weekly)[2]
    edit_occurrence(
        by=dora,
        occurrence=third,
        starts_at=paris(2026, 3, 17, 14, 0),
        ends_at=paris(2026, 3, 17, 15, 30),
        title="Café spécial",
        note="Avec la Compagnie des Tiers-Lieux",
        capacity=5,
    )
    sync_occurrences(weekly)
    third.refresh_from_db()
    assert third.is_modified
    assert local(third.starts_at) == "2026-03-17 14:00"
    assert third.title_override == "Café spécial"
    assert third.capacity == 5
    assert len(sessions(weekly)) == 8


@pytest.mark.django_db
def test_editing_one_session_refuses_bad_times_and_capacity(weekly, dora, bob, alice):
    first = sessions(weekly)[0]
    with pytest.raises(InvalidDates, match="La fin doit être après le début"):
        edit_occurrence(by=dora, occurrence=first, starts_at=first.ends_at, ends_at=first.starts_at)
    for person in (bob, alice):
        Registration.objects.create(occurrence=first, user=person, status="confirmed")
    with pytest.raises(CapacityBelowRegistrations, match="2 personnes sont déjà inscrites"):
        edit_occurrence(
            by=dora,
            occurrence=first,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            capacity=1,
        )
    first.refresh_from_db()
    assert not first.is_modified and first.capacity is None


@pytest.mark.django_db
def test_this_and_following_splits_the_series_and_moves_registrations(weekly, dora, bob):
    all_sessions = sessions(weekly)
    fifth, sixth = all_sessions[4], all_sessions[5]
    Registration.objects.create(occurrence=sixth, user=bob, status="confirmed")
    # From the fifth session (31 March, after the clock change): Wednesdays at 18:00.
    data = replace(
        EventData.from_event(weekly),
        starts_at=paris(2026, 4, 1, 18, 0),
        ends_at=paris(2026, 4, 1, 19, 0),
        rrule="FREQ=WEEKLY;BYDAY=WE;COUNT=8",
        title="Café du mercredi soir",
    )

    new = split_series(by=dora, occurrence=fifth, data=data)

    weekly.refresh_from_db()
    assert "UNTIL=20260331T085959" in weekly.rrule and "COUNT" not in weekly.rrule
    assert [local(o.starts_at) for o in sessions(weekly)] == [
        "2026-03-03 09:00",
        "2026-03-10 09:00",
        "2026-03-17 09:00",
        "2026-03-24 09:00",
    ]
    assert new.continues == weekly
    new_sessions = sessions(new)
    assert local(new_sessions[0].starts_at) == "2026-04-01 18:00"
    assert len(new_sessions) == 8
    # Bob's session (the sixth of the old series) is now the second of the new one.
    registration = Registration.objects.get(user=bob)
    assert registration.occurrence_id == new_sessions[1].pk
    assert local(registration.occurrence.starts_at) == "2026-04-08 18:00"


@pytest.mark.django_db
def test_this_and_following_keeps_the_remaining_count(weekly, dora):
    third = sessions(weekly)[2]
    data = replace(EventData.from_event(weekly), starts_at=third.starts_at, ends_at=third.ends_at)
    new = split_series(by=dora, occurrence=third, data=data)
    # Eight sessions in all: two stay in the old series, six go to the new one.
    assert len(sessions(weekly)) == 2
    assert len(sessions(new)) == 6
    assert new.rrule == "FREQ=WEEKLY;COUNT=6"


@pytest.mark.django_db
def test_cancelling_the_event_notifies_registrants(weekly, dora, bob):
    Registration.objects.create(occurrence=sessions(weekly)[0], user=bob, status="confirmed")
    cancel_event(by=dora, event=weekly)
    weekly.refresh_from_db()
    assert weekly.status == Event.Status.CANCELLED
    assert Notification.objects.filter(user=bob, topic="events.cancelled").exists()
    assert not Notification.objects.filter(user=dora).exists()
