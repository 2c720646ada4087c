"""The one way e-mail leaves the site.

Every message is recorded (`OutgoingEmail`) and delivered by `_deliver`, with one error
handling: a failing mail server marks the message failed with its error, logs it, and never
breaks the page or the job that asked; `retry_failed_emails` (the `send_queued_emails` command)
tries again up to `MAX_ATTEMPTS`.

- `send_emails` / `send_email`, for pages and services: delivered by the task worker once the
  surrounding transaction commits — a rolled-back action never announces itself and a slow
  mail server never slows a page.
- `deliver_now`, for work already in the background (the periodic reminder jobs, which claim
  each message in the database before sending) and for account e-mails the person is waiting
  for on the next page (allauth: sign-up confirmation, password reset).
"""

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from maillage.notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_AFTER = datetime.timedelta(minutes=5)
# What a mail server or the network can throw at us: logged, recorded, retried.
DELIVERY_ERRORS = (OSError, smtplib.SMTPException, TimeoutError)


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str
    to: tuple[str, ...]
    html: str = ""


def _record(mails: Iterable[Mail]) -> list[OutgoingEmail]:
    return [
        OutgoingEmail.objects.create(
            to="\n".join(mail.to),
            # A subject is one line: a CR/LF typed into a title must not become a header.
            subject=" ".join(mail.subject.split())[:250],
            body=mail.body,
            html=mail.html,
        )
        for mail in mails
        if mail.to
    ]


def send_emails(mails: Iterable[Mail]) -> list[OutgoingEmail]:
    """Record the messages; the worker delivers them once the transaction commits."""
    rows = _record(mails)
    if rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: deliver_emails.enqueue(ids))
    return rows


def send_email(*, subject: str, body: str, to: list[str] | tuple[str, ...]) -> OutgoingEmail | None:
    rows = send_emails([Mail(subject=subject, body=body, to=tuple(to))])
    return rows[0] if rows else None


def deliver_now(mails: Iterable[Mail]) -> int:
    """Record and deliver at once (background jobs, account e-mails); return how many left."""
    return sum(_deliver(row) for row in _record(mails))


@task()
def deliver_emails(ids: list[int]) -> int:
    """Deliver recorded messages still waiting; return how many left."""
    waiting = OutgoingEmail.objects.filter(pk__in=ids, status=OutgoingEmail.Status.QUEUED)
    return sum(_deliver(row) for row in waiting)


def _deliver(row: OutgoingEmail) -> bool:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=row.recipients,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    row.attempts += 1
    try:
        message.send()
    except DELIVERY_ERRORS as exc:
        logger.warning("e-mail %s to %s not sent (attempt %s)", row.pk, row.to, row.attempts,
                       exc_info=True)  # fmt: skip
        row.status, row.error = OutgoingEmail.Status.FAILED, str(exc)[:500]
        row.save(update_fields=["status", "error", "attempts"])
        return False
    row.status, row.error, row.sent_at = OutgoingEmail.Status.SENT, "", timezone.now()
    row.save(update_fields=["status", "error", "attempts", "sent_at"])
    return True


def retry_failed_emails(*, now: datetime.datetime | None = None) -> int:
    """Try the failed messages again (a few minutes after their last try, MAX_ATTEMPTS in all)."""
    now = now or timezone.now()
    again = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.FAILED, attempts__lt=MAX_ATTEMPTS
    ).exclude(created_at__gt=now - RETRY_AFTER)
    return sum(_deliver(row) for row in again)


def purge_sent_emails(*, older_than: datetime.datetime) -> int:
    return OutgoingEmail.objects.filter(created_at__lt=older_than).delete()[0]
