"""Telling people something: an in-app notification for each, and the same by email.

Every module calls `notify`; the emails leave after the surrounding transaction commits, through
a background task, so a rolled-back action never announces itself and a slow mail server never
slows a page.
"""

import logging
from collections.abc import Iterable

from django.tasks import task
from django.utils import timezone

from maillage.accounts.models import User
from maillage.lib.urls import absolute_url
from maillage.notifications.mail import Mail, deliver_now, send_emails
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
    key: str = "",
) -> list[Notification]:
    """Notify each person once (duplicates and `exclude`, usually the author, are skipped).

    `title` and `body` are final text: translate them before calling (in the recipient's
    language if you know it; French otherwise). `url` is a path on this site. `key` names the
    thing that awaits an action ("circles.expense-review:42"): `mark_handled(key=…)` marks
    these notifications read once somebody has dealt with it.
    """
    seen: set[int] = set()
    recipients: list[User] = []
    for user in users:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk) or not user.is_active:
            continue
        seen.add(user.pk)
        recipients.append(user)
    rows = Notification.objects.bulk_create(
        Notification(
            user=user,
            topic=topic,
            title=title[:250],
            body=body,
            url=url,
            emailed=email,
            key=key[:100],
        )
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
        send_emails(
            _mail(note) for note in Notification.objects.filter(pk__in=ids).select_related("user")
        )
    return rows


def _mail(note: Notification) -> Mail:
    link = f"\n\n{absolute_url(note.url)}" if note.url else ""
    return Mail(subject=note.title, body=f"{note.body}{link}", to=(note.user.email,))


@task()
def send_notification_emails(ids: list[int]) -> int:
    """Jobs queued before the one mail path (notifications/mail.py): deliver them through it."""
    notes = Notification.objects.filter(pk__in=ids).select_related("user")
    return deliver_now(_mail(note) for note in notes)


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def mark_handled(*, key: str) -> int:
    """Mark read, for every recipient, the unread notifications about this handled thing.

    Return how many. An empty key matches nothing (notifications without a key stay as they are).
    """
    if not key:
        return 0
    return Notification.objects.filter(key=key, read_at__isnull=True).update(read_at=timezone.now())


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Jobs queued before the one mail path (notifications/mail.py): deliver them through it."""
    return deliver_now([Mail(subject=subject, body=body, to=tuple(to))])
