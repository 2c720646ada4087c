"""Reminder digests: one e-mail per manager listing their stale places, each with its links."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from maillage.accounts.tests.factories import UserFactory
from maillage.directory.freshness.services import send_freshness_reminders
from maillage.places.models import FreshnessReminder, Place, PlaceRole, PlaceStatus
from maillage.places.tests.factories import PlaceFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

OLD = NOW - timedelta(days=200)


def managed_place(manager, **fields):
    place = PlaceFactory(last_confirmed_at=OLD, **fields)
    PlaceRole.objects.create(place=place, user=manager, role=PlaceRole.Role.MANAGER)
    return place


def test_each_manager_gets_one_digest_listing_all_their_stale_places(alice, charlie):
    Place.objects.update(last_confirmed_at=OLD)
    second = managed_place(alice, name="Le Fournil")
    report = send_freshness_reminders(now=NOW)
    assert len(mail.outbox) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    alice_mail = by_recipient["alice@example.org"]
    assert "La Bobine" in alice_mail.body and second.name in alice_mail.body
    assert "Le Hangar" not in alice_mail.body
    assert "Le Hangar" in by_recipient["charlie@example.org"].body
    assert alice_mail.subject == "[Maillage] Vos 2 fiches sont-elles toujours exactes ?"
    assert report.reminders_created == 3
    assert FreshnessReminder.objects.filter(place=second, sent_to="alice@example.org").exists()


def test_a_digest_carries_a_confirm_link_and_an_edit_link_per_place(place, alice):
    Place.objects.update(last_confirmed_at=OLD)
    send_freshness_reminders(now=NOW)
    body = mail.outbox[0].body
    assert re.search(r"http://testserver/fraicheur/lieux/la-bobine/toujours-exact/[^/\s]+/", body)
    assert "http://testserver/lieux/la-bobine/modifier/" in body


def test_a_place_with_two_managers_is_one_reminder_in_two_digests(place, alice):
    second = UserFactory(email="zoe@example.org")
    PlaceRole.objects.create(place=place, user=second, role=PlaceRole.Role.MANAGER)
    Place.objects.update(last_confirmed_at=OLD)
    send_freshness_reminders(now=NOW)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "zoe@example.org"]
    reminder = FreshnessReminder.objects.get(place=place)
    assert reminder.sent_to == "alice@example.org, zoe@example.org"


def test_fresh_and_closed_places_are_not_reminded(alice, charlie, place, other_place):
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW - timedelta(days=10))
    Place.objects.filter(pk=other_place.pk).update(last_confirmed_at=OLD, status=PlaceStatus.CLOSED)
    report = send_freshness_reminders(now=NOW)
    assert report.stale == []
    assert mail.outbox == []
    assert not FreshnessReminder.objects.exists()


def test_a_place_reminded_this_month_is_not_reminded_again(place, alice):
    Place.objects.update(last_confirmed_at=OLD)
    send_freshness_reminders(now=NOW)
    send_freshness_reminders(now=NOW + timedelta(days=10))
    assert len(mail.outbox) == 1
    send_freshness_reminders(now=NOW + timedelta(days=31))
    assert len(mail.outbox) == 2


def test_a_place_without_manager_is_recorded_for_escalation_without_mail(place):
    Place.objects.update(last_confirmed_at=OLD)
    report = send_freshness_reminders(now=NOW)
    assert report.without_manager == [place]
    assert mail.outbox == []
    assert FreshnessReminder.objects.get(place=place).sent_to == ""


def test_dry_run_records_and_sends_nothing(place, alice):
    Place.objects.update(last_confirmed_at=OLD)
    report = send_freshness_reminders(now=NOW, dry_run=True)
    assert [d.recipient for d in report.digests] == [alice]
    assert mail.outbox == []
    assert not FreshnessReminder.objects.exists()


def test_the_command_sends_the_digests(place, alice, capsys):
    Place.objects.update(last_confirmed_at=None)
    call_command("freshness_send_reminders", "--dry-run")
    assert mail.outbox == []
    call_command("freshness_send_reminders")
    assert len(mail.outbox) == 1
    assert "1 lieu à relancer" in capsys.readouterr().out


def test_the_task_calls_the_same_service(place, alice):
    from maillage.directory.freshness.tasks import send_reminders

    Place.objects.update(last_confirmed_at=None)
    result = send_reminders.enqueue()
    assert result.return_value == 1
    assert len(mail.outbox) == 1
