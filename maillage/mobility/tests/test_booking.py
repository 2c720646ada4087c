"""Booking a visit day: every refusal has a precise French message and changes nothing.

Time is frozen on Monday 2 March 2026 at 10:00 (Paris); Le Hangar has 3 desks Monday to Friday;
Bob's pass allows 4 days a month.
"""

import datetime
import zoneinfo

import pytest
import time_machine

from maillage.ledger.models import Transfer
from maillage.mobility import booking as svc
from maillage.mobility.models import Booking, HostDay, MobilityReason, Pass
from maillage.mobility.tests.factories import HostOfferFactory
from maillage.places.tests.factories import PlaceFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = datetime.date(2026, 3, 2)
TUESDAY = datetime.date(2026, 3, 3)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), tick=False
    ) as traveller:
        yield traveller


def book(pass_, place, day=TUESDAY, half="full", key="k1", by=None):
    return svc.book_visit(pass_=pass_, place=place, day=day, half=half, idempotency_key=key, by=by)


def nothing_booked():
    return not Booking.objects.exists() and not HostDay.objects.filter(am_booked__gt=0).exists()


def test_booking_takes_a_desk_and_a_quota_day(bob_pass, offer, other_place):
    visit = book(bob_pass, other_place)
    assert visit.status == Booking.Status.CONFIRMED
    assert HostDay.objects.get(day=TUESDAY).am_booked == 1


def test_a_replayed_request_books_once(bob_pass, offer, other_place):
    first = book(bob_pass, other_place, key="same")
    again = book(bob_pass, other_place, key="same")
    assert again.pk == first.pk
    assert Booking.objects.count() == 1
    assert HostDay.objects.get(day=TUESDAY).am_booked == 1


def test_a_key_reused_for_another_day_is_a_conflict(bob_pass, offer, other_place):
    book(bob_pass, other_place, key="same")
    with pytest.raises(svc.IdempotencyConflict, match="autre réservation"):
        book(bob_pass, other_place, day=TUESDAY + datetime.timedelta(days=1), key="same")
    assert Booking.objects.count() == 1


def test_a_closed_day_is_refused(bob_pass, offer, other_place):
    offer.closed_dates = [TUESDAY.isoformat()]
    offer.save()
    with pytest.raises(svc.ClosedDay, match="n'accueille pas de visiteurs le mardi 3 mars 2026"):
        book(bob_pass, other_place)
    saturday = datetime.date(2026, 3, 7)
    with pytest.raises(svc.ClosedDay):
        book(bob_pass, other_place, day=saturday)
    assert nothing_booked()


def test_a_past_date_is_refused(bob_pass, offer, other_place):
    with pytest.raises(svc.PastDate, match="jour passé"):
        book(bob_pass, other_place, day=MONDAY - datetime.timedelta(days=1))
    assert nothing_booked()


def test_a_place_outside_the_scheme_is_refused(bob_pass, offer):
    stranger = PlaceFactory(name="Le Lointain")
    HostOfferFactory(place=stranger)  # a host, but not a member of network A
    with pytest.raises(svc.OutsideScheme, match="Le Lointain n'accueille pas les visiteurs"):
        book(bob_pass, stranger)
    assert nothing_booked()


def test_the_home_place_is_refused(bob_pass, place, membership):
    HostOfferFactory(place=place)
    with pytest.raises(svc.OwnPlace, match="lieu d'attache"):
        book(bob_pass, place)


def test_booking_twice_the_same_day_is_refused(bob_pass, offer, other_place):
    book(bob_pass, other_place, key="a", half="am")
    with pytest.raises(svc.DuplicateBooking, match="déjà une réservation le mardi 3 mars"):
        book(bob_pass, other_place, key="b", half="full")
    book(bob_pass, other_place, key="c", half="pm")  # the afternoon is still free for Bob
    assert Booking.objects.count() == 2


def test_beyond_quota_is_refused(bob_pass, offer, other_place):
    days = [datetime.date(2026, 3, d) for d in (3, 4, 5, 6)]
    for n, day in enumerate(days):
        book(bob_pass, other_place, day=day, key=f"k{n}")
    with pytest.raises(svc.QuotaExhausted, match=r"Quota atteint.*en mars 2026"):
        book(bob_pass, other_place, day=datetime.date(2026, 3, 9), key="k9")
    # April is another period.
    book(bob_pass, other_place, day=datetime.date(2026, 4, 1), key="k10")
    assert Booking.objects.count() == 5


def test_a_forged_pass_is_refused(bob_pass, offer, other_place, charlie):
    with pytest.raises(svc.ForgedPass, match="pas le vôtre"):
        book(bob_pass, other_place, by=charlie)
    assert nothing_booked()


def test_an_ended_pass_is_refused(bob_pass, offer, other_place):
    Pass.objects.filter(pk=bob_pass.pk).update(status=Pass.Status.ENDED)
    bob_pass.refresh_from_db()
    with pytest.raises(svc.PassInactive, match="plus actif"):
        book(bob_pass, other_place)


def test_half_days_only_where_allowed(bob_pass, offer, other_place):
    offer.half_days_allowed = False
    offer.save()
    with pytest.raises(svc.HalfDaysNotAllowed, match="qu'à la journée"):
        book(bob_pass, other_place, half="am")


def test_a_full_day_needs_a_desk_both_halves(bob_pass, offer, other_place):
    HostDay.objects.create(offer=offer, day=TUESDAY, am_booked=3, pm_booked=0)
    with pytest.raises(svc.DayFull, match="Complet"):
        book(bob_pass, other_place, half="full")
    assert book(bob_pass, other_place, half="pm").half == "pm"


def test_cancelling_in_time_gives_the_day_back(bob_pass, offer, other_place):
    wednesday = TUESDAY + datetime.timedelta(days=1)
    visit = book(bob_pass, other_place, day=wednesday)
    svc.cancel_booking(booking=visit)
    assert Booking.objects.get().status == Booking.Status.CANCELLED
    assert HostDay.objects.get(day=wednesday).am_booked == 0
    # The day is back in the quota: four more days fit in March.
    for n, d in enumerate((3, 4, 5, 6)):
        book(bob_pass, other_place, day=datetime.date(2026, 3, d), key=f"again{n}")


def test_cancelling_after_the_deadline_is_refused(bob_pass, offer, other_place, frozen):
    visit = book(bob_pass, other_place)
    # Deadline: Tuesday 9:00 minus 24 h = Monday 9:00… we are Monday 10:00.
    with pytest.raises(svc.NotCancellable, match="délai d'annulation est dépassé"):
        svc.cancel_booking(booking=visit)
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_approval_holds_the_desk_and_charges_nothing(bob_pass, offer, other_place, charlie, frozen):
    offer.approval_required = True
    offer.save()
    visit = book(bob_pass, other_place)
    assert visit.status == Booking.Status.PENDING
    assert not Transfer.objects.caused_by(visit).exists()
    frozen.move_to(datetime.datetime(2026, 3, 3, 9, 30, tzinfo=PARIS))
    with pytest.raises(svc.NotCheckable, match="Validez d'abord"):
        svc.check_in(booking=visit, by=charlie)
    svc.approve_booking(booking=visit, by=charlie)
    svc.check_in(booking=visit, by=charlie)
    assert Transfer.objects.caused_by(visit).count() == 1


def test_unanswered_requests_expire(bob_pass, offer, other_place, frozen):
    offer.approval_required = True
    offer.approval_hours = 2
    offer.save()
    book(bob_pass, other_place)
    frozen.move_to(datetime.datetime(2026, 3, 2, 13, 0, tzinfo=PARIS))
    assert svc.expire_pending() == 1
    assert Booking.objects.get().status == Booking.Status.REFUSED
    assert HostDay.objects.get().am_booked == 0


def test_check_in_is_refused_before_the_day(bob_pass, offer, other_place, charlie):
    visit = book(bob_pass, other_place)
    with pytest.raises(svc.NotCheckable, match="l'arrivée s'enregistre ce jour-là"):
        svc.check_in(booking=visit, by=charlie)
    assert not Transfer.objects.caused_by(visit).exists()


def test_no_shows_are_recorded_and_charged_at_the_end_of_the_day(
    bob_pass, offer, other_place, frozen
):
    visit = book(bob_pass, other_place)
    frozen.move_to(datetime.datetime(2026, 3, 3, 23, 0, tzinfo=PARIS))
    assert svc.record_no_shows(day=TUESDAY) == 1
    assert svc.record_no_shows(day=TUESDAY) == 0
    visit.refresh_from_db()
    assert visit.status == Booking.Status.NO_SHOW
    payment = Transfer.objects.caused_by(visit).get()
    assert (payment.reason, payment.amount_cents) == (MobilityReason.NO_SHOW, 1200)


def test_a_deleted_account_gives_its_desks_back_even_past_the_deadline(
    bob, bob_pass, offer, other_place
):
    from maillage.accounts import personal_data
    from maillage.ledger.selectors import check_ledger

    tomorrow = book(bob_pass, other_place)  # past its cancellation deadline already
    later = book(bob_pass, other_place, day=TUESDAY + datetime.timedelta(days=1), key="later")

    personal_data.erase_account(user=bob)

    assert {b.status for b in Booking.objects.filter(pk__in=[tomorrow.pk, later.pk])} == {
        Booking.Status.CANCELLED
    }
    assert set(HostDay.objects.values_list("am_booked", "pm_booked")) == {(0, 0)}
    assert Pass.objects.get(pk=bob_pass.pk).status == Pass.Status.ENDED
    assert check_ledger().ok
