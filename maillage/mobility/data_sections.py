"""What mobility holds about a person, for their download and their account's deletion."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.mobility.booking import cancel_booking
from maillage.mobility.models import Booking, Pass
from maillage.mobility.services import end_pass


def _passes(user: User) -> Rows:
    return [
        {
            "scheme": member_pass.scheme.name,
            "home_place": member_pass.home_place.name if member_pass.home_place else "",
            "status": member_pass.get_status_display(),
            "starts_on": member_pass.starts_on,
            "created_at": member_pass.created_at,
        }
        for member_pass in Pass.objects.filter(holder=user).select_related("scheme", "home_place")
    ]


def _bookings(user: User) -> Rows:
    bookings = Booking.objects.filter(member_pass__holder=user).select_related("offer__place")
    return [
        {
            "place": booking.offer.place.name,
            "day": booking.day,
            "half": booking.get_half_display(),
            "status": booking.get_status_display(),
            "checked_in_at": booking.checked_in_at,
            "cancelled_at": booking.cancelled_at,
            "created_at": booking.created_at,
        }
        for booking in bookings.order_by("day", "pk")
    ]


def _erase(user: User) -> None:
    """Give back every seat booked ahead and end the passes; past visits stay (they were paid)."""
    ahead = Booking.objects.filter(
        member_pass__holder=user,
        day__gte=timezone.localdate(),
        status__in=[Booking.Status.PENDING, Booking.Status.CONFIRMED],
    )
    for booking in ahead:
        cancel_booking(booking=booking, ignore_deadline=True)
    for member_pass in Pass.objects.filter(holder=user, status=Pass.Status.ACTIVE):
        end_pass(pass_=member_pass)


def register_sections() -> None:
    register(Section("pass_mobilite", _("Pass de mobilité"), export=_passes))
    register(Section("reservations", _("Réservations"), export=_bookings, erase=_erase))
