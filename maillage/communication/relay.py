"""Event relay: events proposed to a network's agenda (moderated), the network's colours, and
the public sessions every share-ready output reads (feeds, widget, weekly export, cards).

Everything shown outside is what an anonymous visitor of the agenda sees: public events,
published or cancelled, never drafts — the events' own visibility rules decide.
"""

import datetime
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.communication.models import Brand, Submission
from maillage.events import selectors as events
from maillage.events import services as event_services
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network
from maillage.networks.selectors import coordinators, is_coordinator, member_places
from maillage.notifications.services import mark_handled, notify
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_PRIMARY, DEFAULT_ACCENT = "#1d4e89", "#f2a541"


class RelayError(Refusal):
    """A relay write was refused; nothing changed."""


class NotAllowed(RelayError):
    status = 403
    message = _("Vous n'avez pas le droit de faire cela.")


class InvalidSubmission(RelayError):
    pass


class AlreadyReviewed(RelayError):
    status = 409


# --- colours ----------------------------------------------------------------------------------


def colours_of(network: Network | None) -> tuple[str, str]:
    if network is None:
        return DEFAULT_PRIMARY, DEFAULT_ACCENT
    brand = Brand.objects.filter(network=network).first()
    return (brand.primary, brand.accent) if brand else (DEFAULT_PRIMARY, DEFAULT_ACCENT)


def set_colours(*, by: User, network: Network, primary: str, accent: str) -> Brand:
    if not is_coordinator(user=by, network=network):
        raise NotAllowed
    for name, value in (("primary", primary), ("accent", accent)):
        if not HEX.match(value or ""):
            raise InvalidSubmission(
                _("Une couleur s'écrit #rrggbb, par exemple #1d4e89."), field=name
            )
    brand, _created = Brand.objects.update_or_create(
        network=network, defaults={"primary": primary.lower(), "accent": accent.lower()}
    )
    return brand


def network_of_event(event) -> Network | None:
    """The network whose colours an event's card wears: its own, its circle's, or the first
    network its place is a member of."""
    if event.network_id:
        return event.network
    if event.circle_id:
        return event.circle.network
    place = event.place or event.venue
    if place is not None:
        return (
            Network.objects.filter(memberships__place=place, memberships__status="accepted")
            .order_by("pk")
            .first()
        )
    return None


# --- public sessions --------------------------------------------------------------------------


def public_sessions(
    *,
    network: Network | None = None,
    circle=None,
    place: Place | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
) -> QuerySet[Any]:
    """The sessions an anonymous visitor of the agenda sees, for a network (with its circles
    and member places), a circle or a place."""
    filters = events.AgendaFilters(
        network=network.slug if network else "", circle=circle.slug if circle else ""
    )
    sessions = events.agenda_occurrences(
        user=AnonymousUser(), filters=filters, start=start, end=end
    )
    if place is not None:
        sessions = sessions.filter(Q(event__place=place) | Q(event__venue=place))
    return sessions


def week_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    monday = day - datetime.timedelta(days=day.weekday())
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    return start, start + datetime.timedelta(days=7)


# --- submissions ------------------------------------------------------------------------------


def may_publish_directly(*, user: User, network: Network, place: Place | None) -> bool:
    """A coordinator publishes in the network; a member place's manager for their place."""
    if is_coordinator(user=user, network=network):
        return True
    return (
        place is not None
        and can_edit_place(user=user, place=place)
        and place.pk in {p.pk for p in member_places(network=network)}
    )


def _event_data(submission: Submission, by: User) -> event_services.EventData:
    return event_services.EventData(
        kind=submission.kind,
        title=submission.title,
        description=submission.description,
        starts_at=submission.starts_at,
        ends_at=submission.ends_at,
        venue=submission.place,
        address=submission.address,
        organisers=[submission.submitted_by],
    )


def submit_event(
    *,
    by: User,
    network: Network,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    description: str = "",
    place: Place | None = None,
    address: str = "",
) -> Submission:
    """Propose an event to the network's agenda. A member place's manager (for that place)
    and the coordination publish at once; anyone else waits for the coordination's review."""
    if kind not in {value for value, _label in events.event_kind_choices()}:
        raise InvalidSubmission(_("Choisissez un type d'animation."), field="kind")
    if not title.strip():
        raise InvalidSubmission(_("Donnez un titre à l'animation."), field="title")
    if ends_at <= starts_at:
        raise InvalidSubmission(_("La fin doit suivre le début."), field="ends_at")
    if starts_at < timezone.now():
        raise InvalidSubmission(_("Proposez une animation à venir."), field="starts_at")
    if place is None and not address.strip():
        raise InvalidSubmission(_("Indiquez le lieu ou l'adresse de l'animation."), field="address")
    submission = Submission(
        network=network,
        submitted_by=by,
        place=place,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        address=address.strip(),
    )
    with transaction.atomic():
        submission.save()
        if may_publish_directly(user=by, network=network, place=place):
            owner: Network | Place = (
                network if is_coordinator(user=by, network=network) or place is None else place
            )
            event = event_services.create_event(
                by=by, owner=owner, data=_event_data(submission, by)
            )
            submission.status = Submission.Status.ACCEPTED
            submission.event_slug = event.slug
            submission.reviewed_by = by
            submission.save(update_fields=["status", "event_slug", "reviewed_by"])
            return submission
    notify(
        users=[role.user for role in coordinators(network=network)],
        topic="communication.submission",
        title=_g("Animation proposée à l'agenda : %(title)s") % {"title": submission.title},
        url=reverse("communication:submissions", args=[network.slug]),
        key=f"communication.submission:{submission.pk}",
    )
    return submission


def review_submission(
    *, by: User, submission: Submission, accept: bool, reason: str = ""
) -> Submission:
    """The coordination publishes a proposal as an event of the network, or refuses it."""
    if not is_coordinator(user=by, network=submission.network):
        raise NotAllowed(_("Seule la coordination du réseau examine les propositions."))
    if submission.status != Submission.Status.PENDING:
        raise AlreadyReviewed(_("Cette proposition a déjà été examinée."))
    if not accept and not reason.strip():
        raise InvalidSubmission(
            _("Dites pourquoi, en une phrase : la personne le lira."), field="reason"
        )
    with transaction.atomic():
        if accept:
            event = event_services.create_event(
                by=by, owner=submission.network, data=_event_data(submission, by)
            )
            submission.event_slug = event.slug
            submission.status = Submission.Status.ACCEPTED
        else:
            submission.status = Submission.Status.REFUSED
            submission.reason = reason.strip()[:300]
        submission.reviewed_by = by
        submission.save(update_fields=["status", "event_slug", "reason", "reviewed_by"])
    mark_handled(key=f"communication.submission:{submission.pk}")
    notify(
        users=[submission.submitted_by],
        topic="communication.submission",
        title=(
            _g("Votre animation « %(title)s » est publiée dans l'agenda")
            if accept
            else _g("Votre animation « %(title)s » n'a pas été retenue")
        )
        % {"title": submission.title},
        body=submission.reason,
        url=reverse("events:event-detail", args=[submission.event_slug]) if accept else "",
    )
    return submission


def pending_submissions(*, network: Network) -> QuerySet[Submission]:
    return Submission.objects.filter(
        network=network, status=Submission.Status.PENDING
    ).select_related("submitted_by", "place")


def submissions_of(*, user: User) -> QuerySet[Submission]:
    return Submission.objects.filter(submitted_by=user).select_related("network")
