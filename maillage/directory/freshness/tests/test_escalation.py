"""Reminders unanswered for 14 days, bounced, or without a manager go to the coordinators."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.directory.freshness.services import escalate_ignored_reminders, mark_bounced
from maillage.networks.models import Membership, MembershipStatus, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import FreshnessReminder

from .conftest import NOW

pytestmark = pytest.mark.django_db

Status = FreshnessReminder.Status


def test_a_reminder_unanswered_for_14_days_goes_to_the_coordinator(membership, reminder, dora):
    assert escalate_ignored_reminders(now=NOW + timedelta(days=13)).reminders == []
    assert mail.outbox == []
    report = escalate_ignored_reminders(now=NOW + timedelta(days=14))
    assert report.reminders == [reminder]
    assert [m.to for m in mail.outbox] == [["dora@example.org"]]
    assert "La Bobine" in mail.outbox[0].body
    assert "sans réponse depuis le 13/04/2026" in mail.outbox[0].body
    reminder.refresh_from_db()
    assert reminder.status == Status.ESCALATED
    assert reminder.escalated_at == NOW + timedelta(days=14)


def test_an_escalated_reminder_is_not_escalated_twice(membership, reminder, dora):
    escalate_ignored_reminders(now=NOW + timedelta(days=15))
    escalate_ignored_reminders(now=NOW + timedelta(days=16))
    assert len(mail.outbox) == 1


def test_a_bounced_reminder_escalates_at_once(membership, reminder, dora):
    assert mark_bounced(email="ALICE@example.org ") == 1
    reminder.refresh_from_db()
    assert reminder.status == Status.BOUNCED
    escalate_ignored_reminders(now=NOW + timedelta(hours=1))
    assert "n'a pas été distribué" in mail.outbox[0].body
    reminder.refresh_from_db()
    assert reminder.status == Status.ESCALATED


def test_a_bounce_only_matches_a_whole_address(reminder):
    assert mark_bounced(email="ice@example.org") == 0
    reminder.refresh_from_db()
    assert reminder.status == Status.SENT


def test_the_bounce_command_marks_and_refuses_a_non_address(reminder, capsys):
    call_command("freshness_mark_bounced", "alice@example.org")
    assert "1 rappel" in capsys.readouterr().out
    reminder.refresh_from_db()
    assert reminder.status == Status.BOUNCED
    with pytest.raises(CommandError):
        call_command("freshness_mark_bounced", "pas-une-adresse")


def test_a_place_without_manager_escalates_directly(membership, place, dora):
    FreshnessReminder.objects.create(place=place, sent_to="", sent_at=NOW)
    escalate_ignored_reminders(now=NOW)
    assert "aucune personne ne gère ce lieu" in mail.outbox[0].body


def test_one_digest_per_coordinator_across_places(membership, place, other_place, dora, erin):
    Membership.objects.create(
        network=membership.network, place=other_place, status=MembershipStatus.ACCEPTED
    )
    for p in (place, other_place):
        FreshnessReminder.objects.create(place=p, sent_to="x@example.org", sent_at=NOW)
    escalate_ignored_reminders(now=NOW + timedelta(days=20))
    assert len(mail.outbox) == 1
    assert "La Bobine" in mail.outbox[0].body and "Le Hangar" in mail.outbox[0].body
    assert mail.outbox[0].subject == "[Maillage] 2 fiches restent à vérifier"


def test_a_network_without_coordinator_hands_over_to_its_parent(place, erin, network_b):
    child = NetworkFactory(parent=network_b)
    Membership.objects.create(network=child, place=place, status=MembershipStatus.ACCEPTED)
    FreshnessReminder.objects.create(place=place, sent_to="", sent_at=NOW)
    escalate_ignored_reminders(now=NOW)
    assert [m.to for m in mail.outbox] == [["erin@example.org"]]


def test_a_place_in_no_network_goes_to_the_administrators(place, root):
    FreshnessReminder.objects.create(place=place, sent_to="", sent_at=NOW)
    escalate_ignored_reminders(now=NOW)
    assert [m.to for m in mail.outbox] == [["root@example.org"]]


def test_a_confirmed_reminder_never_escalates(membership, reminder, dora):
    FreshnessReminder.objects.filter(pk=reminder.pk).update(status=Status.CONFIRMED)
    escalate_ignored_reminders(now=NOW + timedelta(days=30))
    assert mail.outbox == []


def test_dry_run_and_command_change_nothing_then_escalate(membership, reminder, dora, capsys):
    FreshnessReminder.objects.filter(pk=reminder.pk).update(sent_at=NOW - timedelta(days=400))
    call_command("freshness_escalate", "--dry-run")
    reminder.refresh_from_db()
    assert reminder.status == Status.SENT
    assert mail.outbox == []
    call_command("freshness_escalate")
    reminder.refresh_from_db()
    assert reminder.status == Status.ESCALATED
    assert len(mail.outbox) == 1


def test_a_coordinator_of_two_networks_of_the_place_gets_it_once(membership, place, dora):
    second = NetworkFactory()
    NetworkRole.objects.create(network=second, user=dora, role=NetworkRole.Role.COORDINATOR)
    Membership.objects.create(network=second, place=place, status=MembershipStatus.ACCEPTED)
    FreshnessReminder.objects.create(place=place, sent_to="", sent_at=NOW)
    escalate_ignored_reminders(now=NOW)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("La Bobine") == 1
