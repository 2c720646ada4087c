"""A session has one identity (UID, and RECURRENCE-ID in a series) in every feed, so a person
subscribed to a public feed and to their private one sees each session once."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from maillage.events.models import CalendarToken, Registration
from maillage.events.recurrence import sync_occurrences
from maillage.events.tests.factories import EventFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(paris(2026, 1, 1, 8, 0), tick=False):
        yield


def identities(response) -> set[tuple[str, datetime.datetime | None]]:
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {
        (
            str(vevent["UID"]),
            vevent.decoded("RECURRENCE-ID") if vevent.get("RECURRENCE-ID") else None,
        )
        for vevent in calendar.walk("VEVENT")
    }


def personal_url(user) -> str:
    token, _ = CalendarToken.objects.get_or_create(user=user)
    return reverse("events:feed-personal", args=[token.token])


def test_a_single_session_has_the_same_uid_in_the_public_and_the_private_feed(
    client, bob, network_a
):
    event = EventFactory(
        network=network_a,
        title="Atelier soudure",
        starts_at=paris(2026, 2, 3, 14, 0),
        ends_at=paris(2026, 2, 3, 16, 0),
    )
    sync_occurrences(event)
    Registration.objects.create(
        occurrence=event.occurrences.get(), user=bob, status=Registration.Status.CONFIRMED
    )

    public = identities(client.get(reverse("events:feed-network", args=[network_a.slug])))
    private = identities(client.get(personal_url(bob)))

    assert len(private) == 1
    assert private == public


def test_a_session_of_a_series_is_the_series_uid_with_its_recurrence_id(client, bob, network_a):
    event = EventFactory(
        network=network_a,
        title="Café virtuel",
        starts_at=paris(2026, 1, 6, 9, 0),
        ends_at=paris(2026, 1, 6, 10, 0),
        rrule="FREQ=MONTHLY;BYDAY=1TU;COUNT=6",
    )
    sync_occurrences(event)
    march = event.occurrences.order_by("starts_at")[2]
    Registration.objects.create(occurrence=march, user=bob, status=Registration.Status.CONFIRMED)

    public = identities(client.get(reverse("events:feed-network", args=[network_a.slug])))
    ((uid, recurrence_id),) = identities(client.get(personal_url(bob)))

    assert (uid, None) in public  # the series' master in the public feed
    assert recurrence_id == paris(2026, 3, 3, 9, 0)


def test_the_uid_of_a_session_does_not_depend_on_the_feed_or_the_download(client, bob, network_a):
    event = EventFactory(
        network=network_a,
        starts_at=paris(2026, 2, 3, 14, 0),
        ends_at=paris(2026, 2, 3, 16, 0),
    )
    sync_occurrences(event)
    occurrence = event.occurrences.get()
    Registration.objects.create(
        occurrence=occurrence, user=bob, status=Registration.Status.CONFIRMED
    )
    first = identities(client.get(personal_url(bob)))
    occurrence.note = "Apportez vos outils"
    occurrence.save()
    assert identities(client.get(personal_url(bob))) == first
