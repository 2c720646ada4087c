"""Alerts: saved searches announced in-app, daily and weekly digests by e-mail, reminders 14 and
3 days before a followed deadline, and the calendar of followed deadlines — travelling in time."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from maillage.opportunities import alerts, services
from maillage.opportunities.models import Follow, SavedSearch
from maillage.opportunities.tests.factories import CallFactory, SavedSearchFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = datetime.datetime(2027, 1, 4, 7, 0, tzinfo=PARIS)


def publish(network, **kwargs):
    kwargs.setdefault("deadline", MONDAY + datetime.timedelta(days=30))
    return CallFactory(network=network, published_at=kwargs.pop("at", MONDAY), **kwargs)


def test_digests_go_daily_or_weekly_with_the_new_matching_calls_only(
    alice, bob, network_a, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY - datetime.timedelta(days=1), tick=False):
        daily = SavedSearchFactory(
            user=alice,
            name="Alimentation",
            themes=["alimentation"],
            department_codes=["59"],
            frequency="daily",
        )
        weekly = SavedSearchFactory(
            user=bob, name="Gros appels", amount_min_cents=10_000_000, frequency="weekly"
        )
    food_59 = publish(
        network_a,
        title="Cuisine partagée",
        themes=["alimentation"],
        scope="local",
        department_codes=["59"],
        amount_max_cents=2_000_000,
    )
    publish(
        network_a, title="Ailleurs", themes=["alimentation"], scope="local", department_codes=["29"]
    )
    publish(
        network_a, title="National numérique", themes=["numerique"], amount_max_cents=20_000_000
    )
    with (
        time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alerts.send_digests() == 1  # the weekly one is not due yet
    [digest] = mail.outbox
    assert digest.to == ["alice@example.org"]
    assert digest.subject == "Un nouvel appel pour vos alertes"
    assert "Cuisine partagée" in digest.body and "Ailleurs" not in digest.body
    assert food_59.get_absolute_url() in digest.body
    mail.outbox.clear()
    # The next day: nothing new for Alice, no mail.
    with (
        time_machine.travel(MONDAY + datetime.timedelta(days=1, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alerts.send_digests() == 0
    # A week later Bob gets his weekly digest with the big call.
    with (
        time_machine.travel(MONDAY + datetime.timedelta(days=6, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alerts.send_digests() == 1
    assert mail.outbox[0].to == ["bob@example.org"]
    assert "National numérique" in mail.outbox[0].body
    assert "Cuisine partagée" not in mail.outbox[0].body
    daily.refresh_from_db()
    weekly.refresh_from_db()
    assert (
        weekly.last_digest_at
        == daily.last_digest_at
        == MONDAY + datetime.timedelta(days=6, hours=1)
    )


def test_new_matches_become_one_in_app_notification_per_alert(alice, network_a):
    with time_machine.travel(MONDAY - datetime.timedelta(days=1), tick=False):
        SavedSearchFactory(
            user=alice, name="Fabrication", themes=["fabrication"], frequency="never"
        )
    publish(network_a, title="Fablab 1", themes=["fabrication"])
    publish(network_a, title="Fablab 2", themes=["fabrication", "jeunesse"])
    publish(network_a, title="Autre", themes=["culture"])
    with time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False):
        assert alerts.notify_new_matches() == 1
        assert alerts.notify_new_matches() == 0  # already told
    note = alice.notifications.get(topic="opportunities.alert")
    assert note.title == "Alerte « Fabrication » : 2 nouveaux appels"
    assert "Fablab 1" in note.body and "Autre" not in note.body and not note.emailed


def test_followers_are_reminded_14_and_3_days_before_once_each(
    alice, network_a, django_capture_on_commit_callbacks
):
    deadline = datetime.datetime(2027, 3, 15, 12, 0, tzinfo=PARIS)
    call = publish(network_a, title="AMI Fabriques", deadline=deadline)
    Follow.objects.create(user=alice, call=call)
    days = {}
    for day in range(20, -1, -1):
        moment = deadline.replace(hour=6) - datetime.timedelta(days=day)
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            days[day] = alerts.send_reminders()
    assert [d for d, sent in days.items() if sent] == [14, 3]
    titles = list(
        alice.notifications.filter(topic="opportunities.reminder").values_list("title", flat=True)
    )
    assert sorted(titles) == sorted(
        ["J-14 : AMI Fabriques se clôt dans 14 jours", "J-3 : AMI Fabriques se clôt dans 3 jours"]
    )
    assert len(mail.outbox) == 2


def test_a_follower_who_starts_late_gets_the_nearest_reminder_only(alice, network_a):
    deadline = datetime.datetime(2027, 3, 15, 12, 0, tzinfo=PARIS)
    call = publish(network_a, deadline=deadline)
    Follow.objects.create(user=alice, call=call)
    with time_machine.travel(deadline - datetime.timedelta(days=2), tick=False):
        assert alerts.send_reminders() == 1
        assert alerts.send_reminders() == 0
    assert Follow.objects.get().reminded_days == [3, 14]


def test_the_calendar_lists_followed_deadlines_at_a_secret_address(client, alice, bob, network_a):
    deadline = datetime.datetime(2027, 3, 15, 12, 0, tzinfo=PARIS)
    followed = publish(network_a, title="AMI Fabriques", deadline=deadline)
    publish(network_a, title="Pas suivi")
    services.follow_call(call=followed, by=alice)
    token = services.calendar_token(user=alice)
    response = client.get(reverse("opportunities:calendar", args=[token]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Date limite : AMI Fabriques"
    assert event.decoded("dtstart") == deadline
    assert client.get(reverse("opportunities:calendar", args=["faux"])).status_code == 404


def test_the_matching_index_agrees_with_the_rules(network_a):
    national = CallFactory(
        network=network_a,
        kind="aap",
        themes=["culture"],
        scope="national",
        amount_max_cents=None,
        amount_min_cents=None,
    )
    local = CallFactory(
        network=network_a,
        kind="ami",
        themes=["culture", "ess"],
        scope="local",
        region_codes=["32"],
        amount_max_cents=1_000_000,
    )
    search = SavedSearch(
        kinds=["aap", "ami"],
        themes=["ess"],
        region_codes=["32"],
        department_codes=[],
        amount_min_cents=None,
    )
    assert not alerts.matches_for(national, search) and alerts.matches_for(local, search)
    search.themes = []
    search.amount_min_cents = 5_000_000
    # No amount said: it may fit; a ceiling below the wish: it does not.
    assert alerts.matches_for(national, search) and not alerts.matches_for(local, search)
    search.region_codes = ["53"]
    search.amount_min_cents = None
    assert alerts.matches_for(national, search) and not alerts.matches_for(local, search)


def test_alerts_page_saves_and_refuses_an_unknown_department(client, alice, commune):
    client.force_login(alice)
    response = client.post(
        reverse("opportunities:alerts"),
        {"name": "Nord", "department_codes": "59, 99", "frequency": "daily"},
    )
    assert "Département inconnu : 99." in response.content.decode()
    assert not SavedSearch.objects.exists()
    client.post(
        reverse("opportunities:alerts"),
        {"name": "Nord", "department_codes": "59", "themes": ["culture"], "frequency": "daily"},
    )
    alert = SavedSearch.objects.get()
    assert (alert.user, alert.department_codes, alert.themes) == (alice, ["59"], ["culture"])
