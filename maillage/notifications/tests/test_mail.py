"""One mail path: recorded, sent after commit by the worker, one error handling, retried."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from maillage.accounts.tests.factories import UserFactory
from maillage.notifications.mail import (
    Mail,
    deliver_now,
    retry_failed_emails,
    send_email,
)
from maillage.notifications.models import OutgoingEmail
from maillage.notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("le serveur a raccroché")


def test_a_mail_leaves_only_once_the_transaction_commits():
    with transaction.atomic():
        send_email(subject="Bienvenue", body="Bonjour", to=["zoe@example.org"])
        assert mail.outbox == []  # not before the commit

    assert [m.to for m in mail.outbox] == [["zoe@example.org"]]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_a_rolled_back_action_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_email(subject="Bienvenue", body="Bonjour", to=["zoe@example.org"])
        raise RuntimeError("refusé plus loin")

    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_a_failing_mail_server_is_recorded_and_retried_without_breaking_the_caller(settings):
    settings.EMAIL_BACKEND = "maillage.notifications.tests.test_mail.RefusingBackend"
    user = UserFactory(email="zoe@example.org")

    notify(users=[user], topic="t", title="Une nouvelle", body="Texte")  # does not raise

    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.FAILED, 1)
    assert "raccroché" in row.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert retry_failed_emails(now=later) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.SENT, 2)
    assert mail.outbox[0].subject == "Une nouvelle"


def test_a_message_is_tried_three_times_at_most(settings):
    settings.EMAIL_BACKEND = "maillage.notifications.tests.test_mail.RefusingBackend"
    deliver_now([Mail(subject="S", body="B", to=("a@example.org",))])
    later = timezone.now() + datetime.timedelta(minutes=10)

    retry_failed_emails(now=later)
    retry_failed_emails(now=later)
    retry_failed_emails(now=later)

    assert OutgoingEmail.objects.get().attempts == 3


def test_a_line_break_in_a_subject_never_becomes_a_header():
    deliver_now([Mail(subject="Atelier\r\nBcc: tous@example.org", body="B", to=("a@example.org",))])

    assert mail.outbox[0].subject == "Atelier Bcc: tous@example.org"
    assert mail.outbox[0].bcc == []


def test_account_e_mails_go_through_the_same_path(client):
    UserFactory(email="zoe@example.org")

    client.post("/comptes/password/reset/", {"email": "zoe@example.org"})

    row = OutgoingEmail.objects.get()
    assert row.recipients == ["zoe@example.org"] and row.status == OutgoingEmail.Status.SENT
    assert "[Maillage]" in row.subject
