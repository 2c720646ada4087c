"""Telling people something: an in-app notification for each, and the same by email.

Every module calls `notify`; the emails leave after the surrounding transaction commits, through
a background task, so a rolled-back action never announces itself and a slow mail server never
slows a page.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from maillage.accounts.models import User
from maillage.lib.urls import absolute_url
from maillage.notifications.models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable[User],
    topic: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    exclude: User | None = None,
) -> list[Notification]:
    """Notify each person once (duplicates and `exclude`, usually the author, are skipped).

    `title` and `body` are final text: translate them before calling (in the recipient's
    language if you know it; French otherwise). `url` is a path on this site.
    """
    seen: set[int] = set()
    recipients: list[User] = []
    for user in users:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk) or not user.is_active:
            continue
        seen.add(user.pk)
        recipients.append(user)
    rows = Notification.objects.bulk_create(
        Notification(user=user, topic=topic, title=title[:250], body=body, url=url, emailed=email)
        for user in recipients
    )
    if email and recipients:
        ids = [row.pk for row in rows if row.pk is not None]
        if not ids:  # backends that do not return ids from bulk_create
            ids = list(
                Notification.objects.filter(
                    user__in=recipients, topic=topic, title=title[:250]
                ).values_list("pk", flat=True)
            )
        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return rows


@task()
def send_notification_emails(ids: list[int]) -> int:
    """Email the given notifications; return how many were sent."""
    sent = 0
    for note in Notification.objects.filter(pk__in=ids).select_related("user"):
        link = f"\n\n{absolute_url(note.url)}" if note.url else ""
        message = EmailMessage(
            subject=note.title,
            body=f"{note.body}{link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[note.user.email],
        )
        try:
            message.send()
        except OSError:
            # The in-app notification stays; one unreachable mail server must not stop the rest.
            logger.warning("notification %s not emailed", note.pk, exc_info=True)
            continue
        sent += 1
    return sent


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text e-mail to people without an account (event guests, invitees)."""
    return EmailMessage(subject=subject, body=body, to=to).send()
