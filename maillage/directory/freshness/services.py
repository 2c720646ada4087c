"""Freshness of the directory: the score, confirmations, reminders to managers, escalations.

Nothing here imports `maillage.places.services`: that module calls `recompute_freshness` after
every edit, and editing a record counts as confirming it.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.freshness.score import (
    DEFAULT_STALE_AFTER_DAYS,
    freshness_score,
    is_stale,
    record_is_stale,
)
from maillage.directory.freshness.selectors import (
    MANUAL_REMINDER_EVERY,
    next_reminder_at,
    reminder_for_token,
)
from maillage.directory.freshness.tokens import make_token
from maillage.lib.refusals import Refusal
from maillage.lib.urls import absolute_url, site_url
from maillage.networks.models import MembershipStatus, Network, NetworkRole
from maillage.networks.selectors import accepted_memberships_prefetch, is_coordinator
from maillage.notifications.mail import Mail, deliver_now
from maillage.notifications.services import notify
from maillage.places.models import FreshnessReminder, Place, PlaceRole, PlaceStatus
from maillage.places.selectors import place_managers

logger = logging.getLogger(__name__)

ESCALATE_AFTER = timedelta(days=14)
# A place still stale a month after its reminder gets a new one (the old link has expired).
REMIND_AGAIN_AFTER = timedelta(days=30)
# Reminders still waiting for an answer (a confirmation closes them all).
OPEN_STATUSES = [
    FreshnessReminder.Status.SENT,
    FreshnessReminder.Status.BOUNCED,
    FreshnessReminder.Status.ESCALATED,
]


def recompute_freshness(place: Place, *, now: datetime | None = None) -> int:
    """Compute the place's score and store it (without touching `updated_at`); return it."""
    score = freshness_score(place, now=now or timezone.now())
    if score != place.freshness_score:
        Place.objects.filter(pk=place.pk).update(freshness_score=score)
        place.freshness_score = score
    return score


def recompute_all_freshness(
    *, now: datetime | None = None, batch_size: int = 500, place_ids: list[int] | None = None
) -> int:
    """Recompute every place's score, or those of `place_ids`; return how many changed."""
    now = now or timezone.now()
    selected = Place.objects.all() if place_ids is None else Place.objects.filter(pk__in=place_ids)
    places = selected.prefetch_related(
        "spaces", "equipment", "photos", accepted_memberships_prefetch()
    ).order_by("pk")
    changed: list[Place] = []
    count = 0
    for place in places.iterator(chunk_size=batch_size):
        score = freshness_score(place, now=now)
        if score != place.freshness_score:
            place.freshness_score = score
            changed.append(place)
        if len(changed) >= batch_size:
            Place.objects.bulk_update(changed, ["freshness_score"])
            count += len(changed)
            changed = []
    Place.objects.bulk_update(changed, ["freshness_score"])
    return count + len(changed)


def confirm_place(
    *, place: Place, by: User | None = None, via_token: bool = False, now: datetime | None = None
) -> Place:
    """Confirm the place, its spaces and its equipment are still true; close its reminders."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the place row: two confirmations at once must both be counted.
        Place.objects.select_for_update().filter(pk=place.pk).first()
        Place.objects.filter(pk=place.pk).update(
            last_confirmed_at=now, confirmation_count=F("confirmation_count") + 1
        )
        place.spaces.update(last_confirmed_at=now)
        place.equipment.update(last_confirmed_at=now)
        FreshnessReminder.objects.filter(place=place, status__in=OPEN_STATUSES).update(
            status=FreshnessReminder.Status.CONFIRMED, confirmed_at=now
        )
        place.refresh_from_db(fields=["last_confirmed_at", "confirmation_count"])
        recompute_freshness(place, now=now)
    logger.info(
        "place %s confirmed %s",
        place.pk,
        "through an e-mailed link" if via_token else f"by user {by.pk if by else None}",
    )
    return place


def confirm_with_token(*, token: str, slug: str, now: datetime | None = None) -> Place:
    """Confirm through a reminder's link; raise a TokenError (nothing changed) if refused."""
    with transaction.atomic():
        # Lock the reminder: the same link posted twice at once must confirm once.
        reminder = reminder_for_token(token=token, slug=slug, lock=True)
        return confirm_place(place=reminder.place, via_token=True, now=now)


# --- Reminders ------------------------------------------------------------------------------


def confirm_url(*, place: Place, reminder: FreshnessReminder) -> str:
    """The absolute "still true" link of a reminder."""
    token = make_token(place_id=place.pk, reminder_id=reminder.pk)
    return absolute_url(reverse("freshness:token-confirm", args=[place.slug, token]))


@dataclass
class Digest:
    """One e-mail: to whom, and the places it lists."""

    recipient: User
    places: list[Place] = field(default_factory=list)


@dataclass
class ReminderReport:
    stale: list[Place] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    without_manager: list[Place] = field(default_factory=list)
    reminders_created: int = 0


def stale_places(*, now: datetime) -> list[Place]:
    """Places past their threshold (closed ones aside), with managers and networks prefetched."""
    strictest = Network.objects.aggregate(days=Min("stale_after_days"))["days"]
    lower_bound = min(DEFAULT_STALE_AFTER_DAYS, strictest or DEFAULT_STALE_AFTER_DAYS)
    # Only a place older than the strictest threshold in use can be stale: filter in SQL first.
    candidates = (
        Place.objects.exclude(status=PlaceStatus.CLOSED)
        .filter(
            Q(last_confirmed_at__isnull=True)
            | Q(last_confirmed_at__lt=now - timedelta(days=lower_bound))
        )
        .prefetch_related(
            accepted_memberships_prefetch(),
            Prefetch(
                "roles",
                queryset=PlaceRole.objects.filter(
                    role=PlaceRole.Role.MANAGER, user__is_active=True
                ).select_related("user"),
                to_attr="manager_roles",
            ),
        )
        .order_by("name", "pk")
    )
    return [place for place in candidates if is_stale(place, now=now)]


def _render_mail(template: str, context: dict, *, to: str) -> Mail:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"directory/freshness/email/{template}_subject.txt", context)
        body = render_to_string(f"directory/freshness/email/{template}.txt", context)
    return Mail(subject=" ".join(subject.split()), body=body, to=(to,))


def _send(messages: list[Mail]) -> None:
    # The job runs in the background and recorded its reminders first: deliver now.
    deliver_now(messages)


def send_freshness_reminders(
    *, now: datetime | None = None, dry_run: bool = False
) -> ReminderReport:
    """E-mail each manager of stale places one digest with a "still true" link per place.

    A place reminded less than 30 days ago is left alone. A place without a manager gets a
    reminder with no recipient, which `escalate_ignored_reminders` hands to the coordination
    at once. With `dry_run`, nothing is recorded or sent.
    """
    now = now or timezone.now()
    recent = set(
        FreshnessReminder.objects.filter(
            status__in=OPEN_STATUSES, sent_at__gt=now - REMIND_AGAIN_AFTER
        ).values_list("place_id", flat=True)
    )
    report = ReminderReport()
    report.stale = [place for place in stale_places(now=now) if place.pk not in recent]
    by_manager: dict[int, Digest] = {}
    for place in report.stale:
        if not place.manager_roles:
            report.without_manager.append(place)
        for role in place.manager_roles:
            by_manager.setdefault(role.user.pk, Digest(recipient=role.user)).places.append(place)
    report.digests = sorted(by_manager.values(), key=lambda d: d.recipient.email)
    if dry_run:
        return report

    reminders: dict[int, FreshnessReminder] = {}
    with transaction.atomic():
        for place in report.stale:
            reminders[place.pk] = FreshnessReminder.objects.create(
                place=place,
                sent_to=", ".join(role.user.email for role in place.manager_roles)[:500],
                sent_at=now,
            )
    report.reminders_created = len(reminders)

    messages = []
    for digest in report.digests:
        items = [
            {
                "place": place,
                "confirm_url": confirm_url(place=place, reminder=reminders[place.pk]),
                "edit_url": absolute_url(reverse("places:place-edit", args=[place.slug])),
                "page_url": absolute_url(place.get_absolute_url()),
            }
            for place in digest.places
        ]
        messages.append(
            _render_mail(
                "reminder_digest",
                {"user": digest.recipient, "items": items, "site_url": site_url()},
                to=digest.recipient.email,
            )
        )
    # Recorded first, sent after: if the mail server fails half way, the reminders left
    # unanswered escalate to the coordination after 14 days instead of vanishing.
    _send(messages)
    return report


# --- A reminder a coordinator sends from the dashboard ----------------------------------------


class ReminderRefused(Refusal):
    """A coordinator's reminder was not sent; `message` says why."""

    status = 409


class ReminderNotAllowed(ReminderRefused):
    status = 403


def send_reminder(
    *, network: Network, place: Place, by: User, now: datetime | None = None
) -> FreshnessReminder:
    """Remind the managers of a stale member place to check its page, at most once a week.

    The managers get a notification (and its e-mail) linking to the place's edit page, with
    the "still true" link of a new reminder; like the automatic ones, it escalates to the
    coordination if nobody answers. Raise ReminderNotAllowed (not a coordinator of the network,
    or not a member place) or ReminderRefused (the page is fresh, nobody manages the place, or
    a reminder went out less than 7 days ago); nothing is sent then.
    """
    now = now or timezone.now()
    if not is_coordinator(user=by, network=network):
        raise ReminderNotAllowed(
            _("Seul·e un·e coordinateur·rice du réseau peut envoyer un rappel.")
        )
    if not place.memberships.filter(network=network, status=MembershipStatus.ACCEPTED).exists():
        raise ReminderNotAllowed(
            _("« %(place)s » n'est pas un lieu adhérent de ce réseau.") % {"place": place.name}
        )
    if not record_is_stale(place.last_confirmed_at, days=network.stale_after_days, now=now):
        raise ReminderRefused(
            _("La fiche « %(place)s » est à jour : aucun rappel n'est nécessaire.")
            % {"place": place.name}
        )
    managers = [user for user in place_managers(place=place) if user.is_active]
    if not managers:
        raise ReminderRefused(
            _("Personne ne gère « %(place)s » : il n'y a personne à qui envoyer un rappel.")
            % {"place": place.name}
        )
    with transaction.atomic():
        # Lock the place: two clicks at once must not send two reminders.
        Place.objects.select_for_update().filter(pk=place.pk).first()
        last = (
            FreshnessReminder.objects.filter(place=place)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        allowed_from = next_reminder_at(last, now=now)
        if allowed_from is not None:
            raise ReminderRefused(
                _(
                    "Un rappel a déjà été envoyé pour « %(place)s » le %(sent)s : un nouveau "
                    "rappel sera possible le %(next)s (au plus un tous les %(days)s jours)."
                )
                % {
                    "place": place.name,
                    "sent": date_format(timezone.localtime(last), "j F Y"),
                    "next": date_format(timezone.localtime(allowed_from), "j F Y à H:i"),
                    "days": MANUAL_REMINDER_EVERY.days,
                }
            )
        reminder = FreshnessReminder.objects.create(
            place=place,
            sent_to=", ".join(user.email for user in managers)[:500],
            sent_at=now,
        )
        notify(
            users=managers,
            topic="directory.freshness",
            title=_("Rappel : la fiche « %(place)s » est-elle à jour ?") % {"place": place.name},
            body=_(
                "La coordination de « %(network)s » vous demande de vérifier la fiche de "
                "« %(place)s » et de la corriger si besoin. Si tout est encore exact, "
                "confirmez-le en un clic : %(confirm)s"
            )
            % {
                "network": network.name,
                "place": place.name,
                "confirm": confirm_url(place=place, reminder=reminder),
            },
            url=reverse("places:place-edit", args=[place.slug]),
            exclude=by,
        )
    logger.info("freshness reminder for place %s sent by user %s", place.pk, by.pk)
    return reminder


# --- Bounces and escalation -----------------------------------------------------------------


def mark_bounced(*, email: str) -> int:
    """Mark the unanswered reminders sent to this address as bounced; return how many."""
    wanted = email.strip().lower()
    if not wanted:
        return 0
    ids = [
        reminder.pk
        for reminder in FreshnessReminder.objects.filter(
            status=FreshnessReminder.Status.SENT, sent_to__icontains=wanted
        )
        if wanted in {part.strip().lower() for part in reminder.sent_to.split(",")}
    ]
    return mark_reminders_bounced(reminder_ids=ids)


def mark_reminders_bounced(*, reminder_ids: list[int]) -> int:
    """Mark these reminders bounced if they still wait for an answer; return how many."""
    with transaction.atomic():
        return FreshnessReminder.objects.filter(
            pk__in=reminder_ids, status=FreshnessReminder.Status.SENT
        ).update(status=FreshnessReminder.Status.BOUNCED)


@dataclass
class EscalationItem:
    reminder: FreshnessReminder
    network: Network | None
    reason: str


@dataclass
class EscalationDigest:
    recipient: User
    items: list[EscalationItem] = field(default_factory=list)


@dataclass
class EscalationReport:
    reminders: list[FreshnessReminder] = field(default_factory=list)
    digests: list[EscalationDigest] = field(default_factory=list)


def _reason(reminder: FreshnessReminder) -> str:
    if not reminder.sent_to:
        return _("aucune personne ne gère ce lieu")
    if reminder.status == FreshnessReminder.Status.BOUNCED:
        return _("l'e-mail de rappel n'a pas été distribué (%(to)s)") % {"to": reminder.sent_to}
    return _("rappel sans réponse depuis le %(date)s") % {
        "date": timezone.localtime(reminder.sent_at).strftime("%d/%m/%Y")
    }


def _coordinators_by_network() -> tuple[dict[int, list[User]], dict[int, int | None]]:
    coordinators: dict[int, list[User]] = defaultdict(list)
    for role in NetworkRole.objects.filter(
        role=NetworkRole.Role.COORDINATOR, user__is_active=True
    ).select_related("user"):
        coordinators[role.network_id].append(role.user)
    parents = dict(Network.objects.values_list("pk", "parent_id"))
    return coordinators, parents


def _network_coordinators(
    network_id: int, coordinators: dict[int, list[User]], parents: dict[int, int | None]
) -> list[User]:
    """The network's coordinators, or those of its nearest ancestor that has some."""
    seen: set[int] = set()
    current: int | None = network_id
    while current is not None and current not in seen:
        if coordinators.get(current):
            return coordinators[current]
        seen.add(current)
        current = parents.get(current)
    return []


def escalate_ignored_reminders(
    *, now: datetime | None = None, dry_run: bool = False
) -> EscalationReport:
    """Hand unanswered (14 days), bounced and manager-less reminders to the coordinators.

    Each coordinator of the place's networks (or of the nearest ancestor network that has
    coordinators) gets one digest; a place in no coordinated network goes to the site's
    administrators. The reminders become "escalated". With `dry_run`, nothing changes.
    """
    now = now or timezone.now()
    reminders = list(
        FreshnessReminder.objects.filter(
            Q(status=FreshnessReminder.Status.BOUNCED)
            | Q(status=FreshnessReminder.Status.SENT, sent_at__lte=now - ESCALATE_AFTER)
            | Q(status=FreshnessReminder.Status.SENT, sent_to="")
        )
        .select_related("place")
        .order_by("place__name", "pk")
    )
    places = {
        place.pk: place
        for place in Place.objects.filter(pk__in={r.place_id for r in reminders}).prefetch_related(
            accepted_memberships_prefetch()
        )
    }
    coordinators, parents = _coordinators_by_network()
    admins: list[User] | None = None
    by_recipient: dict[int, EscalationDigest] = {}
    for reminder in reminders:
        reason = _reason(reminder)
        targets: list[tuple[User, Network | None]] = []
        for membership in places[reminder.place_id].accepted_memberships:
            for user in _network_coordinators(membership.network_id, coordinators, parents):
                targets.append((user, membership.network))
        if not targets:
            if admins is None:
                admins = list(User.objects.filter(is_superuser=True, is_active=True))
            targets = [(user, None) for user in admins]
        seen: set[int] = set()
        for user, network in targets:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            by_recipient.setdefault(user.pk, EscalationDigest(recipient=user)).items.append(
                EscalationItem(reminder=reminder, network=network, reason=reason)
            )
    report = EscalationReport(
        reminders=reminders,
        digests=sorted(by_recipient.values(), key=lambda d: d.recipient.email),
    )
    if dry_run or not reminders:
        return report
    with transaction.atomic():
        FreshnessReminder.objects.filter(pk__in=[r.pk for r in reminders]).update(
            status=FreshnessReminder.Status.ESCALATED, escalated_at=now
        )
    messages = []
    for digest in report.digests:
        items = [
            {
                "place": item.reminder.place,
                "network": item.network,
                "reason": item.reason,
                "page_url": absolute_url(item.reminder.place.get_absolute_url()),
                "dashboard_url": absolute_url(
                    reverse("freshness:network-dashboard", args=[item.network.slug])
                )
                if item.network
                else "",
            }
            for item in digest.items
        ]
        messages.append(
            _render_mail(
                "escalation_digest",
                {"user": digest.recipient, "items": items, "site_url": site_url()},
                to=digest.recipient.email,
            )
        )
    _send(messages)
    return report
