"""Recording what happened before a network used Maillage: a scheme in force since a past date,
a pass held since then, visits already made (or missed) at host places.

For a network moving its register (a spreadsheet, a paper book) into Maillage, and for the demo.
The live services refuse the past on purpose (`create_scheme`, `book_visit`); these accept only
the past. The same rules hold otherwise (terms, membership, own place, desks, quota), and the
money goes through the ledger as for a live visit: a month already closed is never touched, its
late events go to the next open month as usual.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.lib.french import date_format
from maillage.mobility.booking import (
    DayFull,
    DuplicateBooking,
    OutsideScheme,
    OwnPlace,
    QuotaExhausted,
    SchemeNotValidThatDay,
    post_visit_payment,
    visit_starts_at,
)
from maillage.mobility.models import (
    HOLDING_STATUSES,
    Booking,
    Half,
    HostDay,
    HostOffer,
    MobilityReason,
    Pass,
    Scheme,
)
from maillage.mobility.selectors import is_place_in_network, period_bounds, used_halves, version_on
from maillage.mobility.services import (
    MobilityError,
    NotAMember,
    SchemeTerms,
    _check_pass,
    charge_pass_fee,
    open_scheme,
    today,
)
from maillage.networks.models import Network
from maillage.places.models import Place, PlaceRole


class NotInThePast(MobilityError):
    """History is for what already happened: today and later go through the live services."""


def _past(day: datetime.date) -> None:
    if day >= today():
        raise NotInThePast(
            _("Seul le passé s'enregistre ici : à partir d'aujourd'hui, réservez normalement.")
        )


def record_scheme_since(
    *,
    network: Network,
    by: User,
    name: str,
    model: str,
    since: datetime.date,
    terms: SchemeTerms,
    description: str = "",
) -> Scheme:
    """A scheme the network already ran, in force since a past date; raise InvalidTerms,
    NotInThePast."""
    _past(since)
    return open_scheme(
        network=network,
        by=by,
        name=name,
        model=model,
        effective_from=since,
        terms=terms,
        description=description,
    )


def record_pass_since(
    *, scheme: Scheme, holder: User, home_place: Place, since: datetime.date
) -> Pass:
    """A member's pass held since a past date, its fee posted for every month since (as the
    monthly run would have); raise NotAMember, PlaceOutsideNetwork, SchemeNotInForce,
    PassAlreadyHeld, NotInThePast."""
    _past(since)
    if not PlaceRole.objects.filter(
        place=home_place, user=holder, role=PlaceRole.Role.MEMBER
    ).exists():
        raise NotAMember(_("Seuls les membres d'un lieu peuvent souscrire un pass de mobilité."))
    _check_pass(scheme=scheme, holder=holder, home_place=home_place, on=since)
    with transaction.atomic():
        pass_ = Pass.objects.create(
            scheme=scheme, holder=holder, home_place=home_place, starts_on=since
        )
        month, last = since, today()
        while month <= last:
            charge_pass_fee(pass_=pass_, month=month)
            month = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return pass_


def record_past_visit(
    *,
    pass_: Pass,
    place: Place,
    day: datetime.date,
    half: str = Half.FULL,
    attended: bool = True,
    idempotency_key: str,
    by: User,
) -> Booking:
    """A visit of a past day, checked in (`attended`) or recorded absent, and paid as the live
    check-in or end-of-day run would have; once per idempotency key. Raise NotInThePast,
    SchemeNotValidThatDay, OutsideScheme, OwnPlace, DuplicateBooking, QuotaExhausted, DayFull."""
    existing = Booking.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    _past(day)
    if day < pass_.starts_on:
        raise SchemeNotValidThatDay(_("Ce pass n'était pas encore ouvert ce jour-là."))
    scheme = pass_.scheme
    version = version_on(scheme=scheme, day=day)
    if version is None:
        raise SchemeNotValidThatDay(
            _("La formule %(scheme)s n'était pas valable le %(day)s.")
            % {"scheme": scheme.name, "day": date_format(day, "j F Y")}
        )
    if place.pk == pass_.home_place_id:
        raise OwnPlace(_("%(place)s est le lieu d'attache de ce pass.") % {"place": place.name})
    offer = HostOffer.objects.filter(place=place).first()
    if offer is None or not is_place_in_network(place=place, network=scheme.network):
        raise OutsideScheme(
            _("%(place)s n'accueille pas les visiteurs de la formule %(scheme)s.")
            % {"place": place.name, "scheme": scheme.name}
        )
    capacity = offer.desks_on(day)
    takes_am = half in (Half.FULL, Half.AM)
    takes_pm = half in (Half.FULL, Half.PM)
    with transaction.atomic():
        Pass.objects.select_for_update().get(pk=pass_.pk)
        HostDay.objects.get_or_create(offer=offer, day=day)
        host_day = HostDay.objects.select_for_update().get(offer=offer, day=day)
        if Booking.objects.filter(member_pass=pass_, day=day, status__in=HOLDING_STATUSES).exists():
            raise DuplicateBooking(_("Ce pass a déjà une visite ce jour-là."))
        start, end = period_bounds(day=day, period=version.quota_period)
        if used_halves(pass_=pass_, start=start, end=end) + (2 if half == Half.FULL else 1) > (
            2 * version.quota_days
        ):
            raise QuotaExhausted(_("Quota atteint pour cette période."))
        if (takes_am and host_day.am_booked >= capacity) or (
            takes_pm and host_day.pm_booked >= capacity
        ):
            raise DayFull(_("Plus de poste libre ce jour-là."))
        HostDay.objects.filter(pk=host_day.pk).update(
            am_booked=F("am_booked") + int(takes_am), pm_booked=F("pm_booked") + int(takes_pm)
        )
        booking = Booking.objects.create(
            member_pass=pass_,
            offer=offer,
            host_day=host_day,
            day=day,
            half=half,
            status=Booking.Status.CHECKED_IN if attended else Booking.Status.NO_SHOW,
            decided_at=timezone.now(),
            idempotency_key=idempotency_key,
        )
        if attended:
            booking.checked_in_at = visit_starts_at(booking)
            booking.checked_in_by = by
            booking.check_in_method = Booking.CheckIn.MANAGER
            booking.save(update_fields=["checked_in_at", "checked_in_by", "check_in_method"])
            post_visit_payment(booking=booking, reason=MobilityReason.HOST_PAYMENT)
        elif version.no_show_charged:
            post_visit_payment(booking=booking, reason=MobilityReason.NO_SHOW)
    return booking
