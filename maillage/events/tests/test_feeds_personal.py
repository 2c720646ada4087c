"""The private per-person feed: the sessions the person is confirmed for, with online links,
behind a secret token that the person can revoke; downloads per event and per session."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from maillage.events.models import Audience, CalendarToken, Registration
from maillage.events.recurrence import sync_occurrences
from maillage.events.selectors import occurrence_key
from maillage.events.tests.factories import EventFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SECRET_LINK = "https://visio.example.org/secret-room"


@pytest.fixture
def event(network_a):
    event = EventFactory(
        network=network_a,
        title="Visio thématique",
        slug="visio-thematique",
        starts_at=datetime.datetime(2030, 3, 5, 14, 0, tzinfo=PARIS),
        ends_at=datetime.datetime(2030, 3, 5, 15, 30, tzinfo=PARIS),
        online_url=SECRET_LINK,
    )
    sync_occurrences(event)
    return event


def register(user, event, status=Registration.Status.CONFIRMED):
    return Registration.objects.create(occurrence=event.occurrences.get(), user=user, status=status)


def feed_url(user) -> str:
    token, _ = CalendarToken.objects.get_or_create(user=user)
    return reverse("events:feed-personal", args=[token.token])


def summaries(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")]


def test_personal_feed_lists_confirmed_sessions_with_their_online_link(client, bob, event):
    register(bob, event)
    response = client.get(feed_url(bob))
    assert summaries(response) == ["Visio thématique"]
    calendar = icalendar.Calendar.from_ical(response.content)
    (vevent,) = calendar.walk("VEVENT")
    assert SECRET_LINK in str(vevent["DESCRIPTION"])
    assert vevent.decoded("DTSTART") == datetime.datetime(2030, 3, 5, 14, 0, tzinfo=PARIS)
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "status", [Registration.Status.WAITLISTED, Registration.Status.PENDING, "cancelled"]
)
def test_personal_feed_leaves_out_sessions_not_confirmed(client, bob, event, status):
    register(bob, event, status=status)
    response = client.get(feed_url(bob))
    assert summaries(response) == []
    assert SECRET_LINK not in response.content.decode()


def test_someone_elses_registrations_stay_out_of_my_feed(client, bob, charlie, event):
    register(charlie, event)
    assert summaries(client.get(feed_url(bob))) == []


def test_an_unknown_token_answers_404(client, db):
    assert client.get(reverse("events:feed-personal", args=["nope"])).status_code == 404


def test_revoking_gives_a_new_url_and_the_old_one_answers_404(client, bob, event):
    register(bob, event)
    old_url = feed_url(bob)
    client.force_login(bob)
    page = client.get(reverse("events:feed-my-calendar"))
    assert old_url in page.content.decode()

    response = client.post(reverse("events:feed-revoke"))
    assert response.status_code == 302
    client.logout()
    assert client.get(old_url).status_code == 404
    new_url = feed_url(bob)
    assert new_url != old_url
    assert summaries(client.get(new_url)) == ["Visio thématique"]


def test_the_page_creates_the_token_on_first_visit(client, bob):
    client.force_login(bob)
    response = client.get(reverse("events:feed-my-calendar"))
    assert response.status_code == 200
    token = CalendarToken.objects.get(user=bob)
    assert token.token in response.content.decode()
    assert "webcal://" in response.content.decode()


def test_revoking_needs_a_post(client, bob):
    client.force_login(bob)
    assert client.get(reverse("events:feed-revoke")).status_code == 405


def test_event_download_is_a_valid_calendar_without_the_online_link(client, event):
    response = client.get(reverse("events:event-ics", args=["visio-thematique"]))
    assert summaries(response) == ["Visio thématique"]
    assert "attachment" in response["Content-Disposition"]
    assert SECRET_LINK not in response.content.decode()


def test_session_download_carries_the_link_only_for_confirmed_people(client, bob, charlie, event):
    url = reverse(
        "events:occurrence-ics",
        args=["visio-thematique", occurrence_key(event.occurrences.get())],
    )
    assert summaries(client.get(url)) == ["Visio thématique"]
    assert SECRET_LINK not in client.get(url).content.decode()
    register(bob, event)
    client.force_login(charlie)
    assert SECRET_LINK not in client.get(url).content.decode()
    client.force_login(bob)
    assert SECRET_LINK in client.get(url).content.decode()


def test_downloads_of_hidden_events_answer_404(client, bob, network_a):
    hidden = EventFactory(network=network_a, slug="interne", audience=Audience.NETWORK)
    sync_occurrences(hidden)
    assert client.get(reverse("events:event-ics", args=["interne"])).status_code == 404
    key = occurrence_key(hidden.occurrences.get())
    assert client.get(reverse("events:occurrence-ics", args=["interne", key])).status_code == 404
