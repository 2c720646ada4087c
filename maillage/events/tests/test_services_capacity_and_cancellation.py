"""Organisers' changes reach the registrations: a larger capacity promotes the waiting list of
each coming session, in the same transaction; cancelling an event or one session cancels its
registrations and tells everyone registered, guests by e-mail."""

import datetime
import zoneinfo
from dataclasses import replace
from unittest import mock

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.events import registration as reg
from maillage.events.models import CalendarToken, Event, EventKind, Occurrence, Registration
from maillage.events.services import (
    EventData,
    cancel_event,
    cancel_occurrence,
    create_event,
    edit_occurrence,
    update_event,
)
from maillage.notifications.models import Notification

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)
Status = Registration.Status


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(db):
    return [UserFactory(display_name=f"Personne {n}") for n in range(4)]


@pytest.fixture
def series(network_a, dora):
    """A weekly café with one seat, Tuesdays from 1 December 2026."""
    return create_event(
        by=dora,
        owner=network_a,
        data=EventData(
            kind=EventKind.CAFE,
            title="Café du mardi",
            starts_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS),
            ends_at=datetime.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS),
            rrule="FREQ=WEEKLY;BYDAY=TU",
            online_url="https://visio.example.org/cafe",
            capacity=1,
        ),
    )


def sessions(event: Event, count: int) -> list[Occurrence]:
    return list(event.occurrences.select_related("event").order_by("starts_at")[:count])


def statuses(occurrence: Occurrence) -> list[str]:
    return list(
        Registration.objects.filter(occurrence=occurrence)
        .order_by("created_at", "pk")
        .values_list("status", flat=True)
    )


def with_capacity(event: Event, capacity: int | None) -> EventData:
    return replace(EventData.from_event(Event.objects.get(pk=event.pk)), capacity=capacity)


def test_raising_the_event_capacity_promotes_the_waiting_list_of_each_coming_session(
    series, dora, people
):
    first, second, third = sessions(series, 3)
    for person in people[:3]:
        reg.register(occurrence=first, user=person)
        reg.register(occurrence=second, user=person)
    # The third session keeps its own single seat: the event's capacity does not apply to it.
    edit_occurrence(
        by=dora, occurrence=third, starts_at=third.starts_at, ends_at=third.ends_at, capacity=1
    )
    reg.register(occurrence=third, user=people[0])
    reg.register(occurrence=third, user=people[1])

    update_event(by=dora, event=series, data=with_capacity(series, 2))

    waiting_then_confirmed = [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    assert statuses(first) == waiting_then_confirmed
    assert statuses(second) == waiting_then_confirmed
    assert statuses(third) == [Status.CONFIRMED, Status.WAITLISTED]
    assert Occurrence.objects.get(pk=first.pk).confirmed_count == 2
    told = Notification.objects.filter(user=people[1], topic="events.waitlist")
    assert told.count() == 2


def test_removing_the_limit_confirms_everyone_waiting(series, dora, people):
    (first,) = sessions(series, 1)
    for person in people:
        reg.register(occurrence=first, user=person)

    update_event(by=dora, event=series, data=with_capacity(series, None))

    assert statuses(first) == [Status.CONFIRMED] * 4
    assert Occurrence.objects.get(pk=first.pk).confirmed_count == 4


def test_keeping_the_same_capacity_promotes_nobody(series, dora, people):
    (first,) = sessions(series, 1)
    reg.register(occurrence=first, user=people[0])
    reg.register(occurrence=first, user=people[1])
    data = replace(with_capacity(series, 1), title="Café du mardi matin")

    update_event(by=dora, event=series, data=data)

    assert statuses(first) == [Status.CONFIRMED, Status.WAITLISTED]


def test_raising_one_sessions_capacity_promotes_its_waiting_list_only(series, dora, people):
    first, second = sessions(series, 2)
    for person in people[:3]:
        reg.register(occurrence=first, user=person)
        reg.register(occurrence=second, user=person)

    edit_occurrence(
        by=dora, occurrence=first, starts_at=first.starts_at, ends_at=first.ends_at, capacity=3
    )

    assert statuses(first) == [Status.CONFIRMED] * 3
    assert statuses(second) == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]


def test_the_promotion_is_part_of_the_capacity_change(series, dora, people):
    (first,) = sessions(series, 1)
    reg.register(occurrence=first, user=people[0])
    reg.register(occurrence=first, user=people[1])

    with (
        mock.patch.object(reg, "promote_waitlisted", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        update_event(by=dora, event=series, data=with_capacity(series, 2))

    assert Event.objects.get(pk=series.pk).capacity == 1


# --- cancellation -----------------------------------------------------------------------------


def fill(occurrence: Occurrence, people) -> dict[str, Registration]:
    """One registration of every kind on the session."""
    confirmed = Registration.objects.create(
        occurrence=occurrence, user=people[0], status=Status.CONFIRMED
    )
    rows = {
        "confirmed": confirmed,
        "waitlisted": Registration.objects.create(
            occurrence=occurrence, user=people[1], status=Status.WAITLISTED
        ),
        "pending": Registration.objects.create(
            occurrence=occurrence, user=people[2], status=Status.PENDING
        ),
        "guest": Registration.objects.create(
            occurrence=occurrence,
            guest_name="Zoé",
            guest_email="zoe@example.org",
            status=Status.CONFIRMED,
        ),
        "waiting_guest": Registration.objects.create(
            occurrence=occurrence, guest_email="yan@example.org", status=Status.WAITLISTED
        ),
        "unconfirmed_guest": Registration.objects.create(
            occurrence=occurrence, guest_email="who@example.org", status=Status.UNCONFIRMED
        ),
    }
    Occurrence.objects.filter(pk=occurrence.pk).update(confirmed_count=2)
    return rows


def guest_mails(recipient: str) -> list:
    return [message for message in mail.outbox if message.to == [recipient]]


def test_cancelling_an_event_cancels_and_tells_every_registration_guests_by_email(
    series, dora, people, django_capture_on_commit_callbacks
):
    first, second = sessions(series, 2)
    fill(first, people)
    Registration.objects.create(
        occurrence=second, guest_email="zoe@example.org", status="confirmed"
    )

    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(by=dora, event=series)

    assert set(Registration.objects.values_list("status", flat=True)) == {Status.CANCELLED}
    assert Occurrence.objects.get(pk=first.pk).confirmed_count == 0
    told = Notification.objects.filter(topic="events.cancelled")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(p.pk for p in people[:3])
    # One e-mail per guest address, even registered to two sessions; none to an unconfirmed one.
    (zoe,) = guest_mails("zoe@example.org")
    assert zoe.subject == "Animation annulée : Café du mardi"
    assert "Bonjour Zoé" in zoe.body
    assert f"{settings.SITE_URL.rstrip('/')}/agenda/cafe-du-mardi/" in zoe.body
    assert len(guest_mails("yan@example.org")) == 1
    assert guest_mails("who@example.org") == []


def test_cancelling_one_session_cancels_its_registrations_only(
    series, dora, people, django_capture_on_commit_callbacks
):
    first, second = sessions(series, 2)
    fill(first, people)
    kept = reg.register(occurrence=second, user=people[3])

    with django_capture_on_commit_callbacks(execute=True):
        cancel_occurrence(by=dora, occurrence=first)

    assert set(statuses(first)) == {Status.CANCELLED}
    assert statuses(second) == [Status.CONFIRMED]
    kept.refresh_from_db()
    assert kept.status == Status.CONFIRMED
    told = Notification.objects.filter(topic="events.cancelled")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(p.pk for p in people[:3])
    (zoe,) = guest_mails("zoe@example.org")
    assert zoe.subject == "Séance annulée : Café du mardi"
    assert "est annulée" in zoe.body
    assert len(guest_mails("yan@example.org")) == 1


def test_a_cancelled_session_leaves_the_private_feed(client, series, dora, people):
    first, second = sessions(series, 2)
    reg.register(occurrence=first, user=people[0])
    reg.register(occurrence=second, user=people[0])
    token = CalendarToken.objects.create(user=people[0])
    url = reverse("events:feed-personal", args=[token.token])

    cancel_occurrence(by=dora, occurrence=first)
    calendar = icalendar.Calendar.from_ical(client.get(url).content)
    starts = [vevent.decoded("DTSTART") for vevent in calendar.walk("VEVENT")]
    assert starts == [second.starts_at]

    cancel_event(by=dora, event=series)
    calendar = icalendar.Calendar.from_ical(client.get(url).content)
    assert calendar.walk("VEVENT") == []
