"""What notifications hold about a person: theirs, and the ones telling others about them."""

import datetime

from django.conf import settings
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.notifications.mail import purge_sent_emails
from maillage.notifications.models import Notification, OutgoingEmail


def _notifications(user: User) -> Rows:
    return list(
        Notification.objects.filter(user=user).values(
            "topic", "title", "body", "url", "emailed", "created_at", "read_at"
        )
    )


def _names(user: User) -> list[str]:
    full = f"{user.first_name} {user.last_name}".strip()
    # Longest first: "Zoé Duhamel" is replaced before "Zoé" alone could cut it in two.
    names = {name for name in (user.display_name, full, user.email) if len(name) >= 3}
    return sorted(names, key=len, reverse=True)


def _erase(user: User) -> None:
    """Delete the person's notifications, and their name from the ones others received."""
    Notification.objects.filter(user=user).delete()
    erased = Value(_("compte supprimé"))
    for name in _names(user):
        Notification.objects.filter(title__contains=name).update(
            title=Replace("title", Value(name), erased)
        )
        Notification.objects.filter(body__contains=name).update(
            body=Replace("body", Value(name), erased)
        )


def _purge(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(days=settings.RETENTION_NOTIFICATION_DAYS)
    return Notification.objects.filter(created_at__lt=cutoff).delete()[0]


def _mails(user: User) -> Rows:
    return [
        {"subject": row.subject, "status": row.get_status_display(), "created_at": row.created_at,
         "sent_at": row.sent_at, "body": row.body}
        for row in OutgoingEmail.objects.filter(to__contains=user.email)
        if user.email in row.recipients
    ]  # fmt: skip


def _purge_mail_log(now: datetime.datetime) -> int:
    # The log of e-mails sent holds addresses and texts: kept only to retry and to answer a
    # "did you write to me?" question.
    return purge_sent_emails(
        older_than=now - datetime.timedelta(days=settings.RETENTION_OUTGOING_EMAIL_DAYS)
    )


def register_sections() -> None:
    register(
        Section(
            "notifications",
            gettext_lazy("Notifications"),
            export=_notifications,
            erase=_erase,
            purge=_purge,
        )
    )
    register(
        Section(
            "emails_recus",
            gettext_lazy("E-mails que nous vous avons envoyés"),
            export=_mails,
            purge=_purge_mail_log,
        )
    )
