"""Every persona has work on first start: the coworker a pass and visits to come, the host
manager visitors to check in, the coordinator a closed month with its statements; places have
photos. All through the services, the ledger balanced, and loading twice changes nothing."""

import datetime

import pytest
from django.utils import timezone

from maillage.demo.mobility import delete_demo_mobility, load_demo_mobility
from maillage.demo.photos import delete_demo_photos, initials, load_demo_photos
from maillage.demo.selectors import REGIONAL_SLUG, demo_counts
from maillage.demo.services import load_demo, with_notes
from maillage.ledger.selectors import check_ledger
from maillage.mobility.models import Booking, ClosedMonth, SchemeModel
from maillage.mobility.selectors import (
    active_passes_of,
    host_day_bookings,
    network_schemes,
    offer_of,
    pending_bookings,
    subscribable_schemes,
)
from maillage.mobility.settlement import place_statement, previous_month
from maillage.networks.models import Network
from maillage.places.models import Place, PlacePhoto, PlaceRole


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(census_csv, demo_communes, media_root):
    summary = load_demo(census_path=census_csv, local_networks=2)
    notes = load_demo_mobility()
    load_demo_photos()
    summary.logins = with_notes(summary.logins, notes)
    return summary


def login_of(summary, role):
    return next(login for login in summary.logins if login.role == role)


def user_of(login):
    from maillage.accounts.models import User

    return User.objects.get(email=login.email)


def test_the_coworker_holds_a_pass_with_visits_made_and_to_come(demo):
    login = login_of(demo, "Coworker")
    coworker = user_of(login)
    today = timezone.localdate()

    passes = list(active_passes_of(user=coworker))
    assert [p.home_place.name for p in passes] == ["Co-Factory"]
    # Other schemes stay open to her.
    assert subscribable_schemes(user=coworker, today=today)
    bookings = Booking.objects.filter(member_pass=passes[0])
    assert bookings.filter(day__lt=today, status=Booking.Status.CHECKED_IN).exists()
    assert bookings.filter(status=Booking.Status.NO_SHOW).exists()
    assert bookings.filter(
        day__gte=today, status__in=[Booking.Status.CONFIRMED, Booking.Status.PENDING]
    ).exists()
    assert "pass « Nomade »" in login.what_to_try


def test_the_network_has_a_scheme_of_each_model(demo):
    regional = Network.objects.get(slug=REGIONAL_SLUG)
    schemes = network_schemes(network=regional)
    assert {s.model for s in schemes} == set(SchemeModel.values)
    assert all(s.active_passes for s in schemes)


def test_the_host_manager_has_visitors_today_and_one_booking_to_approve(demo):
    today = timezone.localdate()
    co_factory = Place.objects.get(name="Co-Factory")
    offer = offer_of(place=co_factory)
    today_bookings = host_day_bookings(offer=offer, day=today)
    assert {b.status for b in today_bookings} == {
        Booking.Status.CHECKED_IN,
        Booking.Status.CONFIRMED,
    }
    week = Booking.objects.filter(
        offer=offer, day__gt=today, day__lte=today + datetime.timedelta(days=7)
    )
    assert week.exists()
    manager = PlaceRole.objects.get(place=co_factory, role="manager").user
    assert manager.notifications.filter(title__startswith="Nouvelle réservation").exists()
    login = next(login for login in demo.logins if login.email == manager.email)
    assert "pointer" in login.what_to_try
    # The second host approves each booking: the coworker's waits.
    weréso = Place.objects.get(name="Weréso")
    assert [b.member_pass.holder.email for b in pending_bookings(offer=offer_of(place=weréso))] == [
        login_of(demo, "Coworker").email
    ]


def test_last_month_is_closed_with_statements_and_the_ledger_balances(demo):
    regional = Network.objects.get(slug=REGIONAL_SLUG)
    last_month = previous_month(timezone.localdate().replace(day=1))

    closed = ClosedMonth.objects.get(network=regional)
    assert closed.month == last_month
    assert closed.visits > 0 and closed.amount_cents > 0
    statement = place_statement(
        place=Place.objects.get(name="Co-Factory"), network=regional, month=last_month
    )
    assert statement.closed is not None
    assert statement.lines
    assert check_ledger().ok
    assert "mois clôturé" in login_of(demo, "Coordination régionale").what_to_try


def test_places_have_drawn_photos_described_for_who_cannot_see_them(demo):
    photos = PlacePhoto.objects.select_related("place")
    # The small census has six places, all managed: all get one.
    assert photos.count() == Place.objects.count() == 6
    for photo in photos:
        assert photo.place.name in photo.alt_text
        assert photo.width == 960 and photo.height == 640
        assert photo.image.storage.exists(photo.image.name)
    assert initials("La Ruche de Lille") == "RL"
    assert initials("Co-Factory") == "CF"


def test_loading_twice_changes_nothing(demo, census_csv):
    counts = demo_counts()

    assert load_demo(census_path=census_csv, local_networks=2).created is False
    assert load_demo_mobility() == {}
    assert load_demo_photos() == 0

    assert demo_counts() == counts
    assert counts["bookings"] > 10 and counts["photos"] == 6


def test_a_reset_deletes_mobility_and_photos_then_builds_them_again(
    demo, census_csv, django_capture_on_commit_callbacks
):
    counts = demo_counts()
    files = [photo.image for photo in PlacePhoto.objects.all()]

    with django_capture_on_commit_callbacks(execute=True):
        delete_demo_photos()  # the files go once the deletion is committed
    delete_demo_mobility()
    load_demo(census_path=census_csv, local_networks=2, reset=True)
    assert not any(f.storage.exists(f.name) for f in files)
    load_demo_mobility()
    load_demo_photos()

    assert demo_counts() == counts
    assert check_ledger().ok


def test_each_load_gives_the_approving_host_a_request_again_once_the_last_expired(demo):
    import time_machine

    from maillage.mobility import booking as booking_services

    weréso = offer_of(place=Place.objects.get(name="Weréso"))
    coworker = login_of(demo, "Coworker").email
    later = timezone.now() + datetime.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        assert booking_services.expire_pending() == 1
        assert pending_bookings(offer=weréso) == []

        assert load_demo_mobility() == {}  # what `make run` does on each start

        waiting = pending_bookings(offer=weréso)
        assert [b.member_pass.holder.email for b in waiting] == [coworker]
        assert waiting[0].day > timezone.localdate() and waiting[0].approval_due_at > later
        counts = demo_counts()
        assert load_demo_mobility() == {}  # one waits: nothing more
        assert demo_counts() == counts
