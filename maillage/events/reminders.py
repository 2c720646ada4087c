"""Reminders of sessions (the day before; an hour before for online events) and the weekly digest
of a network's upcoming events, with the opt-in that governs it.

Both jobs run from cron through management commands or from the task worker (`tasks.py`); each
reminder and each weekly digest goes out once, however often and however concurrently the job runs:
a reminder is recorded (`ReminderSent`, unique per registration and kind) before it is sent, and a
digest claims its week with a conditional update of `last_sent_on`.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.events import registration as reg
from maillage.events.models import DigestSubscription, Event, Occurrence, Registration, ReminderSent
from maillage.events.selectors import visible_events
from maillage.lib.urls import absolute_url
from maillage.networks.models import Membership, MembershipStatus, Network
from maillage.notifications.mail import Mail, deliver_now
from maillage.notifications.services import notify

logger = logging.getLogger(__name__)
Kind = ReminderSent.Kind
DAY_BEFORE = datetime.timedelta(hours=24)
HOUR_BEFORE = datetime.timedelta(hours=1)
DIGEST_DAYS = 14
DIGEST_EVERY = datetime.timedelta(days=7)


# --- reminders --------------------------------------------------------------------------------


def due_reminders(*, now: datetime.datetime, kind: str) -> QuerySet[Registration]:
    """Confirmed registrations whose reminder of this kind is due and not yet sent.

    The day-before reminder goes in the 24 hours before the session (for an online event, only
    until the hour-before one takes over); the hour-before one only for online events.
    """
    upcoming = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        occurrence__cancelled=False,
        occurrence__event__status=Event.Status.PUBLISHED,
        occurrence__starts_at__gt=now,
    ).exclude(reminders__kind=kind)
    online = ~Q(occurrence__event__online_url="")
    if kind == Kind.HOUR_BEFORE:
        due = upcoming.filter(online, occurrence__starts_at__lte=now + HOUR_BEFORE)
    else:
        due = upcoming.filter(occurrence__starts_at__lte=now + DAY_BEFORE).exclude(
            online, occurrence__starts_at__lte=now + HOUR_BEFORE
        )
    return due.select_related("user", "occurrence", "occurrence__event").order_by(
        "occurrence__starts_at", "pk"
    )


def _send(*, subject: str, body: str, to: str) -> None:
    """Send one e-mail now (this job runs in the background and claimed it first); a failing
    mail server is recorded and retried by the one mail path, it does not stop the job."""
    deliver_now([Mail(subject=subject, body=body, to=(to,))])


def _claim(registration: Registration, kind: str) -> bool:
    """Record the reminder; False if another run recorded it first."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(registration=registration, kind=kind)
    except IntegrityError:
        return False
    return True


def _remind(registration: Registration, kind: str) -> None:
    occurrence = registration.occurrence
    session = reg.session_label(occurrence)
    if kind == Kind.HOUR_BEFORE:
        title = _("Dans une heure : %(session)s") % {"session": session}
    else:
        title = _("Demain : %(session)s") % {"session": session}
    context = {
        "registration": registration,
        "occurrence": occurrence,
        "event": occurrence.event,
        "session": session,
        "name": reg.person_name(registration),
        "hour_before": kind == Kind.HOUR_BEFORE,
        # Only confirmed registrants get reminders, so they may see the link.
        "online_url": occurrence.event.online_url,
        "page_url": absolute_url(reg.occurrence_path(occurrence)),
        "cancel_url": absolute_url(
            reverse("events:registration-cancel-guest", args=[registration.token])
        )
        if registration.user_id is None
        else "",
    }
    body = render_to_string("events/email/reminder.txt", context)
    if registration.user_id is not None:
        notify(
            users=[registration.user],
            topic="events.reminder",
            title=title,
            body=body,
            url=reg.occurrence_path(occurrence),
        )
    else:
        to = registration.guest_email
        transaction.on_commit(lambda: _send(subject=title, body=body, to=to))


@dataclass
class ReminderReport:
    day_before: list[Registration] = field(default_factory=list)
    hour_before: list[Registration] = field(default_factory=list)
    expired_guests: int = 0


def send_event_reminders(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> ReminderReport:
    """Send the due reminders once each, and expire guest registrations never confirmed."""
    now = now or timezone.now()
    report = ReminderReport()
    for kind, sent in (
        (Kind.HOUR_BEFORE, report.hour_before),
        (Kind.DAY_BEFORE, report.day_before),
    ):
        for registration in due_reminders(now=now, kind=kind):
            if dry_run:
                sent.append(registration)
                continue
            with transaction.atomic():
                if _claim(registration, kind):
                    _remind(registration, kind)
                    sent.append(registration)
    if not dry_run:
        report.expired_guests = reg.expire_unconfirmed_guests(now=now)
    return report


# --- weekly digest ----------------------------------------------------------------------------


def digest_networks(*, user: User) -> QuerySet[Network]:
    """The networks one may subscribe to: every network, by name."""
    return Network.objects.order_by("name")


def subscribed_network_ids(*, user: User) -> set[int]:
    return set(DigestSubscription.objects.filter(user=user).values_list("network_id", flat=True))


def set_digest_subscriptions(*, user: User, networks: Iterable[Network]) -> set[int]:
    """Subscribe the person to exactly these networks' digests; return the network ids."""
    wanted = {network.pk for network in networks}
    with transaction.atomic():
        DigestSubscription.objects.filter(user=user).exclude(network_id__in=wanted).delete()
        have = subscribed_network_ids(user=user)
        DigestSubscription.objects.bulk_create(
            [DigestSubscription(user=user, network_id=pk) for pk in wanted - have],
            ignore_conflicts=True,
        )
    return wanted


def _owned_by(network: Network) -> Q:
    accepted = Membership.objects.filter(network=network, status=MembershipStatus.ACCEPTED).values(
        "place_id"
    )
    return Q(network=network) | Q(circle__network=network) | Q(place_id__in=accepted)


def digest_occurrences(*, user: User, network: Network, now: datetime.datetime) -> list[Occurrence]:
    """The sessions of the next 14 days of the network's events the person may see."""
    events = visible_events(user).filter(_owned_by(network), status=Event.Status.PUBLISHED)
    return list(
        Occurrence.objects.filter(
            event__in=events.values("pk"),
            cancelled=False,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=DIGEST_DAYS),
        )
        .select_related("event")
        .order_by("starts_at", "pk")
    )


@dataclass
class DigestReport:
    sent: list[DigestSubscription] = field(default_factory=list)
    empty: int = 0


def _claim_week(subscription: DigestSubscription, today: datetime.date) -> bool:
    """Mark this week's digest as sent; False if another run did it first."""
    return (
        DigestSubscription.objects.filter(
            pk=subscription.pk, last_sent_on=subscription.last_sent_on
        ).update(last_sent_on=today)
        == 1
    )


def send_event_digest(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> DigestReport:
    """E-mail each subscriber the next 14 days of their network's events, at most once a week
    (a week without events sends nothing and waits for the next)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = DigestReport()
    due = (
        DigestSubscription.objects.filter(
            Q(last_sent_on__isnull=True) | Q(last_sent_on__lte=today - DIGEST_EVERY)
        )
        .filter(user__is_active=True)
        .select_related("user", "network")
        .order_by("pk")
    )
    for subscription in due:
        occurrences = digest_occurrences(
            user=subscription.user, network=subscription.network, now=now
        )
        if dry_run:
            report.sent.append(subscription)
            continue
        if not _claim_week(subscription, today):
            continue
        if not occurrences:
            report.empty += 1
            continue
        context = {
            "network": subscription.network,
            "user": subscription.user,
            "sessions": [
                (
                    reg.session_label(o),
                    absolute_url(reg.occurrence_path(o)),
                    bool(o.event.online_url),
                )
                for o in occurrences
            ],
            "manage_url": absolute_url(reverse("events:digest")),
        }
        subject = _("Les animations des deux semaines à venir — %(network)s") % {
            "network": subscription.network.name
        }
        body = render_to_string("events/email/digest.txt", context)
        _send(subject=subject, body=body, to=subscription.user.email)
        report.sent.append(subscription)
    return report
