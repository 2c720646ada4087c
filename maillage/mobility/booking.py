"""Writes of visit bookings: book, approve or refuse, cancel, check in, record no-shows.

Capacity and quota hold under concurrency because every booking runs in one transaction that
first locks the pass row, then the (offer, day) row: on PostgreSQL with SELECT … FOR UPDATE, on
SQLite because the IMMEDIATE transaction mode of our settings serialises writers.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import User
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.lib.french import date_format, de
from maillage.mobility.models import (
    HOLDING_STATUSES,
    Booking,
    Half,
    HostDay,
    HostOffer,
    MobilityReason,
    Pass,
    QuotaPeriod,
    SchemeModel,
    SchemeVersion,
)
from maillage.mobility.selectors import (
    is_place_in_network,
    period_bounds,
    used_halves,
    version_on,
)
from maillage.mobility.services import MobilityError, today
from maillage.notifications.services import mark_handled, notify
from maillage.places.models import Place
from maillage.places.selectors import place_managers

MAX_DAYS_AHEAD = 365
# When a visit starts, for the cancellation deadline: 9:00 for a day or a morning, 14:00 after.
START_HOURS = {Half.FULL: 9, Half.AM: 9, Half.PM: 14}


class BookingError(MobilityError):
    pass


class PassInactive(BookingError):
    pass


class ForgedPass(BookingError):
    field = "pass_"
    # Someone else's pass is as unknown as a missing one: ids cannot be probed.
    status = 404
    message = gettext_lazy("Ce pass n'existe pas ou n'est pas le vôtre.")


class PastDate(BookingError):
    field = "day"


class TooFarAhead(BookingError):
    field = "day"


class SchemeNotValidThatDay(BookingError):
    field = "day"


class OutsideScheme(BookingError):
    pass


class OwnPlace(BookingError):
    pass


class HalfDaysNotAllowed(BookingError):
    field = "half"


class ClosedDay(BookingError):
    field = "day"


class DuplicateBooking(BookingError):
    status = 409  # the state of things (a desk taken, a key used), not the request


class DayFull(BookingError):
    """No desk left: the answer the visitor sees is "complet"."""

    status = 409  # the state of things (a desk taken, a key used), not the request


class QuotaExhausted(BookingError):
    status = 409  # the state of things (a desk taken, a key used), not the request


class IdempotencyConflict(BookingError):
    status = 409  # the state of things (a desk taken, a key used), not the request


class NotCancellable(BookingError):
    status = 409  # the state of things (a desk taken, a key used), not the request


class NotCheckable(BookingError):
    pass


class NotPending(BookingError):
    pass


def _fmt(day: datetime.date) -> str:
    return date_format(day, "l j F Y")


def _overlaps(a: str, b: str) -> bool:
    return a == Half.FULL or b == Half.FULL or a == b


# --- booking ----------------------------------------------------------------------------------


def _replay(
    *, key: str, pass_: Pass, offer: HostOffer, day: datetime.date, half: str
) -> Booking | None:
    existing = Booking.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if (existing.member_pass_id, existing.offer_id, existing.day, existing.half) == (
        pass_.pk,
        offer.pk,
        day,
        half,
    ):
        return existing
    raise IdempotencyConflict(
        _("Cette demande a déjà servi pour une autre réservation : rechargez la page.")
    )


def book_visit(
    *,
    pass_: Pass,
    place: Place,
    day: datetime.date,
    half: str = Half.FULL,
    idempotency_key: str,
    by: User | None = None,
) -> Booking:
    """Book a visit day (or half day) at a host place, once per idempotency key.

    Raise ForgedPass, PassInactive, PastDate, TooFarAhead, SchemeNotValidThatDay, OutsideScheme,
    OwnPlace, HalfDaysNotAllowed, ClosedDay, DuplicateBooking, QuotaExhausted, DayFull or
    IdempotencyConflict; nothing is written then.
    """
    if half not in Half.values:
        raise BookingError(_("Choisissez une journée, une matinée ou un après-midi."), field="half")
    if not idempotency_key or len(idempotency_key) > 100:
        raise BookingError(_("Demande incomplète : rechargez la page et recommencez."))
    if by is not None and pass_.holder_id != by.pk:
        raise ForgedPass
    offer = HostOffer.objects.filter(place=place).first()
    if offer is not None:
        # A retried request returns what the first one booked, whatever happened since.
        replayed = _replay(key=idempotency_key, pass_=pass_, offer=offer, day=day, half=half)
        if replayed is not None:
            return replayed
    if pass_.status != Pass.Status.ACTIVE:
        raise PassInactive(_("Ce pass n'est plus actif."))
    if day < today():
        raise PastDate(
            _("On ne réserve pas un jour passé : choisissez aujourd'hui ou une date à venir.")
        )
    if day > today() + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise TooFarAhead(_("On réserve au plus un an à l'avance."))
    scheme = pass_.scheme
    version = version_on(scheme=scheme, day=day)
    if version is None:
        raise SchemeNotValidThatDay(
            _("La formule %(scheme)s n'est pas valable le %(day)s.")
            % {"scheme": scheme.name, "day": _fmt(day)}
        )
    if (
        offer is None
        or not offer.is_active
        or not is_place_in_network(place=place, network=scheme.network)
    ):
        raise OutsideScheme(
            _("%(place)s n'accueille pas les visiteurs de la formule %(scheme)s.")
            % {"place": place.name, "scheme": scheme.name}
        )
    if place.pk == pass_.home_place_id:
        raise OwnPlace(
            _("%(place)s est votre lieu d'attache : pas besoin de réserver avec le pass.")
            % {"place": place.name}
        )
    if half != Half.FULL and not offer.half_days_allowed:
        raise HalfDaysNotAllowed(
            _("%(place)s n'accueille qu'à la journée.") % {"place": place.name}
        )
    capacity = offer.desks_on(day)
    if capacity == 0:
        raise ClosedDay(
            _("%(place)s n'accueille pas de visiteurs le %(day)s.")
            % {"place": place.name, "day": _fmt(day)}
        )

    with transaction.atomic():
        # Lock the pass: two requests of the same member must not both take the last quota day
        # (and a replayed key must find the first request's booking).
        Pass.objects.select_for_update().get(pk=pass_.pk)
        replayed = _replay(key=idempotency_key, pass_=pass_, offer=offer, day=day, half=half)
        if replayed is not None:
            return replayed
        # Lock the host day: two requests for the last desk must not both succeed. Created inside
        # the transaction, so a refused request leaves nothing behind (get_or_create survives a
        # concurrent insert of the same row through its savepoint).
        HostDay.objects.get_or_create(offer=offer, day=day)
        host_day = HostDay.objects.select_for_update().get(offer=offer, day=day)

        same_day = Booking.objects.filter(member_pass=pass_, day=day, status__in=HOLDING_STATUSES)
        if any(_overlaps(half, other) for other in same_day.values_list("half", flat=True)):
            raise DuplicateBooking(
                _("Vous avez déjà une réservation le %(day)s.") % {"day": _fmt(day)}
            )
        start, end = period_bounds(day=day, period=version.quota_period)
        wanted = 2 if half == Half.FULL else 1
        if used_halves(pass_=pass_, start=start, end=end) + wanted > 2 * version.quota_days:
            period = (
                _("en %(month)s") % {"month": date_format(day, "F Y")}
                if version.quota_period == QuotaPeriod.MONTH
                else _("en %(year)s") % {"year": day.year}
            )
            raise QuotaExhausted(
                _("Quota atteint : votre pass n'a plus de jour disponible %(period)s.")
                % {"period": period}
            )
        takes_am = half in (Half.FULL, Half.AM)
        takes_pm = half in (Half.FULL, Half.PM)
        if (takes_am and host_day.am_booked >= capacity) or (
            takes_pm and host_day.pm_booked >= capacity
        ):
            raise DayFull(
                _("Complet : plus de poste libre à %(place)s le %(day)s.")
                % {"place": place.name, "day": _fmt(day)}
            )
        HostDay.objects.filter(pk=host_day.pk).update(
            am_booked=F("am_booked") + int(takes_am), pm_booked=F("pm_booked") + int(takes_pm)
        )
        now = timezone.now()
        pending = offer.approval_required
        booking = Booking.objects.create(
            member_pass=pass_,
            offer=offer,
            host_day=host_day,
            day=day,
            half=half,
            status=Booking.Status.PENDING if pending else Booking.Status.CONFIRMED,
            approval_due_at=now + datetime.timedelta(hours=offer.approval_hours)
            if pending
            else None,
            decided_at=None if pending else now,
            idempotency_key=idempotency_key,
        )
        _notify_hosts(booking=booking, place=place, holder=pass_.holder, pending=pending)
        return booking


# --- telling the host -------------------------------------------------------------------------


def _approval_key(booking: Booking) -> str:
    """The key of the hosts' "à valider" notifications of a booking awaiting their answer."""
    return f"mobility.booking-approval:{booking.pk}"


def _when(booking: Booking) -> str:
    if booking.half == Half.FULL:
        return _fmt(booking.day)
    return _("%(day)s (%(half)s)") % {
        "day": _fmt(booking.day),
        "half": Half(booking.half).label.lower(),
    }


def _host_day_url(*, place: Place, day: datetime.date) -> str:
    return reverse("mobility:host-day", args=[place.slug]) + f"?day={day:%Y-%m-%d}"


def _notify_hosts(*, booking: Booking, place: Place, holder: User, pending: bool) -> None:
    """Tell the host place's managers of a new booking (the visitor aside)."""
    names = {"person": holder.public_name, "place": place.name, "when": _when(booking)}
    if pending:
        title = _("Réservation à valider : %(person)s à « %(place)s » le %(when)s") % names
        body = _("Acceptez ou refusez la demande avant le %(deadline)s.") % {
            "deadline": date_format(timezone.localtime(booking.approval_due_at), "j F Y à H:i")
        }
    else:
        title = _("Nouvelle réservation : %(person)s à « %(place)s » le %(when)s") % names
        body = _("Un poste est réservé pour cette visite.")
    notify(
        users=place_managers(place=place),
        topic="mobility.booking",
        title=title,
        body=body,
        url=_host_day_url(place=place, day=booking.day),
        exclude=holder,
        key=_approval_key(booking) if pending else "",
    )


def _notify_cancellation(*, booking: Booking, by: User | None) -> None:
    """Tell the host place's managers that a visit will not happen (the person who cancelled aside)."""
    mark_handled(key=_approval_key(booking))
    place = booking.offer.place
    holder = booking.member_pass.holder
    names = {"person": holder.public_name, "place": place.name, "when": _when(booking)}
    notify(
        users=place_managers(place=place),
        topic="mobility.booking",
        title=_("Réservation annulée : %(person)s à « %(place)s » le %(when)s") % names,
        body=_("Le poste est de nouveau libre."),
        url=_host_day_url(place=place, day=booking.day),
        exclude=by,
    )


def _notify_visitor(*, booking: Booking, by: User | None) -> None:
    """Tell the visitor the host's answer to their request (or that nobody answered in time)."""
    place = booking.offer.place
    names = {"place": place.name, "when": _when(booking)}
    if booking.status == Booking.Status.CONFIRMED:
        title = _("Réservation acceptée : « %(place)s » le %(when)s") % names
        body = _("Votre poste est réservé. Bonne visite !")
    elif by is None:
        title = _("Demande expirée : « %(place)s » le %(when)s") % names
        body = _("Le lieu n'a pas répondu à temps : le jour vous est rendu.")
    else:
        title = _("Réservation refusée : « %(place)s » le %(when)s") % names
        body = _("Le lieu ne peut pas vous accueillir ce jour-là : le jour vous est rendu.")
    notify(
        users=[booking.member_pass.holder],
        topic="mobility.booking",
        title=title,
        body=body,
        url=reverse("mobility:pass-detail", args=[booking.member_pass_id]),
        exclude=by,
    )


def _release(booking: Booking) -> None:
    """Give the booking's desk back to its host day (call under the booking's lock)."""
    takes_am = booking.half in (Half.FULL, Half.AM)
    takes_pm = booking.half in (Half.FULL, Half.PM)
    HostDay.objects.filter(pk=booking.host_day_id).update(
        am_booked=F("am_booked") - int(takes_am), pm_booked=F("pm_booked") - int(takes_pm)
    )


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related(
            "member_pass",
            "member_pass__scheme",
            "member_pass__scheme__network",
            "member_pass__holder",
            "offer__place",
            "member_pass__home_place",
        )
        .get(pk=booking.pk)
    )


def visit_starts_at(booking: Booking) -> datetime.datetime:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(
        booking.day, datetime.time(START_HOURS[booking.half]), tzinfo=tz
    )


def cancellation_deadline(booking: Booking) -> datetime.datetime:
    """The last moment the holder may cancel a confirmed booking (the scheme's notice before
    the visit starts). Reads the scheme's `prefetched_versions` when it has them."""
    version = version_on(scheme=booking.member_pass.scheme, day=booking.day)
    hours = version.cancellation_deadline_hours if version else 0
    return visit_starts_at(booking) - datetime.timedelta(hours=hours)


def can_cancel(booking: Booking, *, now: datetime.datetime | None = None) -> bool:
    """Whether the holder may still cancel: a request always, a confirmed visit until the
    deadline; what `cancel_booking` would refuse is not offered."""
    if booking.status == Booking.Status.PENDING:
        return True
    if booking.status != Booking.Status.CONFIRMED:
        return False
    return (now or timezone.now()) <= cancellation_deadline(booking)


def cancel_booking(
    *, booking: Booking, by: User | None = None, ignore_deadline: bool = False
) -> Booking:
    """Cancel a booking within the scheme's deadline: the desk and the quota day come back.

    `ignore_deadline` is for a holder whose account is deleted: their seats go back whatever
    the deadline. Raise NotCancellable.
    """
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status == Booking.Status.CANCELLED:
            return booking
        if booking.status not in (Booking.Status.PENDING, Booking.Status.CONFIRMED):
            raise NotCancellable(_("Cette réservation ne peut plus être annulée."))
        if booking.status == Booking.Status.CONFIRMED and not ignore_deadline:
            deadline = cancellation_deadline(booking)
            if timezone.now() > deadline:
                raise NotCancellable(
                    _(
                        "Le délai d'annulation est dépassé : il fallait annuler avant le %(deadline)s."
                    )
                    % {"deadline": date_format(timezone.localtime(deadline), "j F Y à H:i")}
                )
        _release(booking)
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_at"])
        _notify_cancellation(booking=booking, by=by)
    return booking


def approve_booking(*, booking: Booking, by: User) -> Booking:
    """Confirm a booking waiting for the host's approval; raise NotPending."""
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status == Booking.Status.CONFIRMED:
            return booking
        if booking.status != Booking.Status.PENDING:
            raise NotPending(_("Cette réservation n'attend plus de validation."))
        booking.status = Booking.Status.CONFIRMED
        booking.decided_at = timezone.now()
        booking.save(update_fields=["status", "decided_at"])
        mark_handled(key=_approval_key(booking))
        _notify_visitor(booking=booking, by=by)
    return booking


def refuse_booking(*, booking: Booking, by: User | None = None) -> Booking:
    """Refuse a booking waiting for approval: the desk and quota day come back; raise NotPending."""
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status == Booking.Status.REFUSED:
            return booking
        if booking.status != Booking.Status.PENDING:
            raise NotPending(_("Cette réservation n'attend plus de validation."))
        _release(booking)
        booking.status = Booking.Status.REFUSED
        booking.decided_at = timezone.now()
        booking.save(update_fields=["status", "decided_at"])
        mark_handled(key=_approval_key(booking))
        _notify_visitor(booking=booking, by=by)
    return booking


# --- money of a visit -------------------------------------------------------------------------


def _round_div(numerator: int, denominator: int) -> int:
    """Integer division rounded half up (amounts are non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def visit_amount(*, version: SchemeVersion, model: str, half: str) -> int:
    """What the host receives for one visit under the scheme, in cents.

    pass: the host day (or half-day) rate, paid by the network pool;
    rétrocession: `share` of the member's fee per quota day, halved for a half day, paid by the
    home place: monthly price x (12 if the quota is yearly) / quota days x share;
    tarif préférentiel: the day (or half-day) rate less the discount, paid by the member.
    """
    rate = version.day_rate_cents if half == Half.FULL else version.half_day_rate_cents
    if model == SchemeModel.PASS:
        return rate
    if model == SchemeModel.PREFERENTIAL:
        return _round_div(rate * (10000 - version.preferential_discount_bp), 10000)
    months = 12 if version.quota_period == QuotaPeriod.YEAR else 1
    halves = 2 if half == Half.FULL else 1
    return _round_div(
        version.monthly_price_cents * months * version.retrocession_share_bp * halves,
        10000 * version.quota_days * 2,
    )


def post_visit_payment(*, booking: Booking, reason: str) -> Transfer | None:
    """Pay the host for a visit (checked in, or a charged no-show), once per booking."""
    scheme = booking.member_pass.scheme
    version = version_on(scheme=scheme, day=booking.day)
    if version is None:
        return None
    amount = visit_amount(version=version, model=scheme.model, half=booking.half)
    if amount == 0:
        return None
    network = scheme.network
    host = ledger.place_account(network=network, place=booking.offer.place)
    if scheme.model == SchemeModel.PASS:
        payer = ledger.pool_account(network=network)
    elif scheme.model == SchemeModel.RETROCESSION:
        payer = ledger.place_account(network=network, place=booking.member_pass.home_place)
    else:
        payer = ledger.member_account(network=network, user=booking.member_pass.holder)
    if reason != MobilityReason.NO_SHOW:
        reason = {
            SchemeModel.PASS: MobilityReason.HOST_PAYMENT,
            SchemeModel.RETROCESSION: MobilityReason.RETROCESSION,
            SchemeModel.PREFERENTIAL: MobilityReason.PREFERENTIAL,
        }[scheme.model]
    return ledger.post_transfer(
        debit=payer,
        credit=host,
        amount_cents=amount,
        reason=reason,
        idempotency_key=f"visit:{booking.pk}",
        memo=_("Visite %(de_who)s à %(place)s le %(day)s")
        % {
            "de_who": de(
                booking.member_pass.holder.display_name or booking.member_pass.holder.email
            ),
            "place": booking.offer.place.name,
            "day": date_format(booking.day, "j F Y"),
        },
        cause=booking,
    )


# --- check-in and no-shows --------------------------------------------------------------------


def check_in(
    *, booking: Booking, by: User | None, method: str = Booking.CheckIn.MANAGER
) -> Booking:
    """Record the visitor's arrival and pay the host; a second check-in changes nothing.

    Raise NotCheckable before the day or for a booking not confirmed.
    """
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status == Booking.Status.CHECKED_IN:
            return booking
        if booking.status == Booking.Status.PENDING:
            raise NotCheckable(_("Validez d'abord cette réservation."))
        if booking.status not in (Booking.Status.CONFIRMED, Booking.Status.NO_SHOW):
            raise NotCheckable(
                _("Cette réservation est %(status)s : pas d'arrivée à enregistrer.")
                % {"status": booking.get_status_display().lower()}
            )
        if booking.day > today():
            raise NotCheckable(
                _("Cette visite est prévue le %(day)s : l'arrivée s'enregistre ce jour-là.")
                % {"day": _fmt(booking.day)}
            )
        if booking.status == Booking.Status.NO_SHOW:
            # Recorded absent by the end-of-day run, then shown to have come: correct the record.
            # A charged no-show already paid the host (same key), so no second payment.
            pass
        booking.status = Booking.Status.CHECKED_IN
        booking.checked_in_at = timezone.now()
        booking.checked_in_by = by
        booking.check_in_method = method
        booking.save(update_fields=["status", "checked_in_at", "checked_in_by", "check_in_method"])
        if not Transfer.objects.caused_by(booking).exists():
            post_visit_payment(booking=booking, reason=MobilityReason.HOST_PAYMENT)
    return booking


def expire_pending(*, now: datetime.datetime | None = None) -> int:
    """Refuse the bookings whose host did not answer in time; return how many."""
    now = now or timezone.now()
    count = 0
    for booking in Booking.objects.filter(status=Booking.Status.PENDING, approval_due_at__lt=now):
        refuse_booking(booking=booking)
        count += 1
    return count


def record_no_shows(*, day: datetime.date) -> int:
    """Mark confirmed bookings up to `day` without a check-in as no-shows; charge them if the
    scheme says so. Return how many were recorded."""
    count = 0
    for booking in Booking.objects.filter(status=Booking.Status.CONFIRMED, day__lte=day):
        with transaction.atomic():
            booking = _locked(booking)
            if booking.status != Booking.Status.CONFIRMED:
                continue
            booking.status = Booking.Status.NO_SHOW
            booking.save(update_fields=["status"])
            version = version_on(scheme=booking.member_pass.scheme, day=booking.day)
            if version is not None and version.no_show_charged:
                post_visit_payment(booking=booking, reason=MobilityReason.NO_SHOW)
            count += 1
    return count
