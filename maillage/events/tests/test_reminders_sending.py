"""Reminders the day before and an hour before online sessions, each once; the weekly digest."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from maillage.accounts.tests.factories import UserFactory
from maillage.events import registration as svc
from maillage.events import reminders, tasks
from maillage.events.models import Audience, DigestSubscription, Event, Occurrence, ReminderSent
from maillage.events.tests.factories import EventFactory, OccurrenceFactory
from maillage.events.tests.test_registration_services import NOW, make_occurrence
from maillage.notifications.models import Notification

# The factories' session starts on 1 December 2026 at 9:00 UTC.
START = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
LINK = "https://visio.example.org/secret"
Kind = ReminderSent.Kind


def run(at: datetime.datetime, django_capture_on_commit_callbacks) -> reminders.ReminderReport:
    with (
        time_machine.travel(at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return reminders.send_event_reminders()


@pytest.fixture
def online(db):
    with time_machine.travel(NOW, tick=False):
        occurrence = make_occurrence(capacity=2, online_url=LINK)
        people = [UserFactory() for _ in range(3)]
        for person in people:
            svc.register(occurrence=occurrence, user=person)
    return occurrence, people


@pytest.fixture
def on_site(db):
    with time_machine.travel(NOW, tick=False):
        occurrence = make_occurrence(capacity=None, address="12 rue du Four, Douai")
        person = UserFactory()
        svc.register(occurrence=occurrence, user=person)
    return occurrence, person


def test_the_day_before_reminder_goes_once_to_confirmed_registrants_only(
    online, django_capture_on_commit_callbacks
):
    _, (first, second, waiting) = online

    too_early = run(START - datetime.timedelta(hours=25), django_capture_on_commit_callbacks)
    report = run(START - datetime.timedelta(hours=23), django_capture_on_commit_callbacks)
    again = run(START - datetime.timedelta(hours=22), django_capture_on_commit_callbacks)

    assert too_early.day_before == []
    assert {r.user for r in report.day_before} == {first, second}
    assert again.day_before == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
    assert mail.outbox[0].subject.startswith("Demain")
    assert ReminderSent.objects.filter(kind=Kind.DAY_BEFORE).count() == 2
    assert not Notification.objects.filter(user=waiting).exists()
    assert Notification.objects.filter(user=first, topic="events.reminder").count() == 1


def test_the_hour_before_reminder_is_only_for_online_sessions_and_carries_the_link(
    online, on_site, django_capture_on_commit_callbacks
):
    run(START - datetime.timedelta(hours=23), django_capture_on_commit_callbacks)
    mail.outbox.clear()

    report = run(START - datetime.timedelta(minutes=50), django_capture_on_commit_callbacks)
    run(START - datetime.timedelta(minutes=40), django_capture_on_commit_callbacks)

    assert len(report.hour_before) == 2
    assert {r.occurrence_id for r in report.hour_before} == {online[0].pk}
    assert len(mail.outbox) == 2
    assert all(LINK in m.body and m.subject.startswith("Dans une heure") for m in mail.outbox)
    assert not ReminderSent.objects.filter(registration__user=on_site[1], kind=Kind.HOUR_BEFORE)


def test_the_day_before_reminder_of_a_session_on_site_gives_the_address_and_no_link(
    on_site, django_capture_on_commit_callbacks
):
    report = run(START - datetime.timedelta(hours=3), django_capture_on_commit_callbacks)
    assert [r.user for r in report.day_before] == [on_site[1]]
    (message,) = mail.outbox
    assert "12 rue du Four, Douai" in message.body
    assert "visio" not in message.body


def test_registering_within_the_last_hour_of_an_online_session_gets_one_reminder(
    online, django_capture_on_commit_callbacks
):
    report = run(START - datetime.timedelta(minutes=30), django_capture_on_commit_callbacks)
    assert len(report.hour_before) == 2
    assert report.day_before == []


def test_no_reminder_for_a_cancelled_session_or_event(online, django_capture_on_commit_callbacks):
    occurrence, _ = online
    Occurrence.objects.filter(pk=occurrence.pk).update(cancelled=True)
    assert (
        run(START - datetime.timedelta(hours=2), django_capture_on_commit_callbacks).day_before
        == []
    )
    Occurrence.objects.filter(pk=occurrence.pk).update(cancelled=False)
    Event.objects.filter(pk=occurrence.event_id).update(status=Event.Status.CANCELLED)
    assert (
        run(START - datetime.timedelta(hours=2), django_capture_on_commit_callbacks).day_before
        == []
    )
    assert not mail.outbox


def test_a_guest_reminder_is_emailed_with_the_cancel_link(db, django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        occurrence = make_occurrence(capacity=3)
        guest = svc.register_guest(occurrence=occurrence, name="Zoé", email="zoe@example.org")
        svc.confirm_guest(registration=guest)
    mail.outbox.clear()

    run(START - datetime.timedelta(hours=10), django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == ["zoe@example.org"]
    assert f"/agenda/inscription/{guest.token}/annuler/" in message.body


def test_the_command_and_the_task_send_the_due_reminders(online, capsys):
    with time_machine.travel(START - datetime.timedelta(hours=5), tick=False):
        call_command("send_event_reminders", "--dry-run")
        assert not ReminderSent.objects.exists()
        call_command("send_event_reminders")
        assert ReminderSent.objects.count() == 2
    with time_machine.travel(START - datetime.timedelta(minutes=30), tick=False):
        assert tasks.send_event_reminders.enqueue().return_value == 2
    out = capsys.readouterr().out
    assert "2 rappels envoyés (2 la veille, 0 une heure avant)" in out


def test_the_reminder_job_expires_unconfirmed_guests(db):
    with time_machine.travel(NOW, tick=False):
        occurrence = make_occurrence(capacity=3)
        guest = svc.register_guest(occurrence=occurrence, name="Zoé", email="zoe@example.org")
    with time_machine.travel(NOW + datetime.timedelta(hours=25), tick=False):
        report = reminders.send_event_reminders()
    assert report.expired_guests == 1
    guest.refresh_from_db()
    assert guest.status == "cancelled"


# --- weekly digest ----------------------------------------------------------------------------


@pytest.fixture
def network_sessions(network_a, membership):
    """Network A: a public session in 3 days, a members-only one in 5, one in 20 days, a draft."""
    base = NOW + datetime.timedelta(days=3)

    def session(title: str, starts: datetime.datetime, **fields: object) -> Occurrence:
        event = EventFactory(
            network=network_a,
            title=title,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            **fields,
        )
        return OccurrenceFactory(event=event)

    return [
        session("Café public", base),
        session("Codev des membres", base + datetime.timedelta(days=2), audience=Audience.NETWORK),
        session("Rencontre lointaine", base + datetime.timedelta(days=17)),
        session("Brouillon", base, status=Event.Status.DRAFT),
    ]


def test_the_digest_sends_the_next_14_days_the_person_may_see_once_a_week(
    network_sessions, network_a, bob, charlie
):
    DigestSubscription.objects.create(user=bob, network=network_a)
    DigestSubscription.objects.create(user=charlie, network=network_a)

    with time_machine.travel(NOW, tick=False):
        report = reminders.send_event_digest()
        again = reminders.send_event_digest()

    assert len(report.sent) == 2 and again.sent == []
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Café public" in bodies[bob.email] and "Codev des membres" in bodies[bob.email]
    assert "Café public" in bodies[charlie.email]
    assert "Codev des membres" not in bodies[charlie.email]  # not a member of network A
    assert all("Rencontre lointaine" not in b and "Brouillon" not in b for b in bodies.values())
    assert "/agenda/recapitulatif/" in bodies[bob.email]

    with time_machine.travel(NOW + datetime.timedelta(days=6), tick=False):
        assert reminders.send_event_digest().sent == []
    with time_machine.travel(NOW + datetime.timedelta(days=7), tick=False):
        assert len(reminders.send_event_digest().sent) == 2


def test_no_digest_without_opt_in_and_none_for_an_empty_fortnight(network_a, bob, charlie):
    DigestSubscription.objects.create(user=bob, network=network_a)
    with time_machine.travel(NOW, tick=False):
        report = reminders.send_event_digest()
    assert report.sent == [] and report.empty == 1
    assert not mail.outbox


def test_the_digest_command_and_task(network_sessions, network_a, bob, capsys):
    DigestSubscription.objects.create(user=bob, network=network_a)
    with time_machine.travel(NOW, tick=False):
        call_command("send_event_digest", "--dry-run")
        assert not mail.outbox
        assert tasks.send_event_digest.enqueue().return_value == 1
        call_command("send_event_digest")
    assert len(mail.outbox) == 1
    assert "1 récapitulatif serait envoyé" in capsys.readouterr().out
