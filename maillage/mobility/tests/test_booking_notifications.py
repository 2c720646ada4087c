"""The host place's managers hear of each booking and cancellation, once, the visitor aside.

Time is frozen on Monday 2 March 2026 at 10:00 (Paris); Le Hangar (Charlie's place) hosts.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.mobility import booking as svc
from maillage.notifications.models import Notification
from maillage.places.models import PlaceRole

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEDNESDAY = datetime.date(2026, 3, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture
def co_host(other_place):
    """Another manager of Le Hangar."""
    user = UserFactory(email="kim@example.org", display_name="Kim")
    PlaceRole.objects.create(place=other_place, user=user, role=PlaceRole.Role.MANAGER)
    return user


def book(pass_, place, *, half="full", key="k1"):
    return svc.book_visit(
        pass_=pass_, place=place, day=WEDNESDAY, half=half, idempotency_key=key, by=pass_.holder
    )


def notified(title_start: str) -> set[int]:
    return set(
        Notification.objects.filter(title__startswith=title_start).values_list("user", flat=True)
    )


def test_a_booking_notifies_the_hosts_and_not_the_visitor(
    bob_pass, offer, other_place, bob, charlie, co_host, alice
):
    book(bob_pass, other_place)

    assert notified("Nouvelle réservation") == {charlie.pk, co_host.pk}
    note = Notification.objects.get(user=charlie)
    assert note.title == "Nouvelle réservation : Bob à « Le Hangar » le mercredi 4 mars 2026"
    assert note.url == reverse("mobility:host-day", args=["le-hangar"]) + "?day=2026-03-04"


def test_a_half_day_booking_says_which_half(bob_pass, offer, other_place, charlie):
    book(bob_pass, other_place, half="pm")
    assert Notification.objects.get(user=charlie).title.endswith(
        "le mercredi 4 mars 2026 (après-midi)"
    )


def test_a_replayed_booking_notifies_once(bob_pass, offer, other_place, charlie):
    first = book(bob_pass, other_place, key="same")
    again = book(bob_pass, other_place, key="same")
    assert again.pk == first.pk
    assert Notification.objects.filter(user=charlie).count() == 1


def test_a_refused_booking_notifies_nobody(bob_pass, offer, other_place, charlie):
    book(bob_pass, other_place, key="a")
    with pytest.raises(svc.DuplicateBooking):
        book(bob_pass, other_place, key="b")
    assert Notification.objects.filter(user=charlie).count() == 1


def test_a_cancellation_notifies_the_hosts_once(bob_pass, offer, other_place, bob, charlie):
    visit = book(bob_pass, other_place)

    svc.cancel_booking(booking=visit, by=bob)
    svc.cancel_booking(booking=visit, by=bob)  # already cancelled: nothing new

    assert notified("Réservation annulée") == {charlie.pk}
    note = Notification.objects.get(title__startswith="Réservation annulée")
    assert note.title == "Réservation annulée : Bob à « Le Hangar » le mercredi 4 mars 2026"


def test_a_refused_cancellation_notifies_nobody(bob_pass, offer, other_place, bob, frozen):
    visit = book(bob_pass, other_place)
    frozen.move_to(datetime.datetime(2026, 3, 4, 8, 0, tzinfo=PARIS))
    with pytest.raises(svc.NotCancellable):
        svc.cancel_booking(booking=visit, by=bob)
    assert not notified("Réservation annulée")


@pytest.fixture
def approval(offer):
    offer.approval_required = True
    offer.approval_hours = 24
    offer.save()
    return offer


def unread_requests():
    return Notification.objects.filter(
        title__startswith="Réservation à valider", read_at__isnull=True
    )


def test_a_request_asks_the_hosts_to_answer(bob_pass, approval, other_place, charlie, co_host):
    book(bob_pass, other_place)
    assert set(unread_requests().values_list("user", flat=True)) == {charlie.pk, co_host.pk}
    assert "avant le 3 mars 2026 à 10:00" in unread_requests().first().body


@pytest.mark.parametrize("answer", ["approve", "refuse", "cancel", "expire"])
def test_an_answered_request_is_read_for_every_host(
    bob_pass, approval, other_place, bob, charlie, co_host, frozen, answer
):
    visit = book(bob_pass, other_place)

    if answer == "approve":
        svc.approve_booking(booking=visit, by=charlie)
    elif answer == "refuse":
        svc.refuse_booking(booking=visit, by=charlie)
    elif answer == "cancel":
        svc.cancel_booking(booking=visit, by=bob)
    else:
        frozen.move_to(datetime.datetime(2026, 3, 3, 11, 0, tzinfo=PARIS))
        assert svc.expire_pending() == 1

    assert not unread_requests().exists()
    assert Notification.objects.filter(title__startswith="Réservation à valider").count() == 2


@pytest.mark.parametrize(
    ("answer", "title", "body"),
    [
        (
            "approve",
            "Réservation acceptée : « Le Hangar » le mercredi 4 mars 2026",
            "Votre poste est réservé. Bonne visite !",
        ),
        (
            "refuse",
            "Réservation refusée : « Le Hangar » le mercredi 4 mars 2026",
            "Le lieu ne peut pas vous accueillir ce jour-là : le jour vous est rendu.",
        ),
        (
            "expire",
            "Demande expirée : « Le Hangar » le mercredi 4 mars 2026",
            "Le lieu n'a pas répondu à temps : le jour vous est rendu.",
        ),
    ],
)
def test_the_visitor_hears_the_hosts_answer(
    bob_pass, approval, other_place, bob, charlie, frozen, answer, title, body
):
    visit = book(bob_pass, other_place)

    if answer == "approve":
        svc.approve_booking(booking=visit, by=charlie)
        svc.approve_booking(booking=visit, by=charlie)  # a second click tells nothing new
    elif answer == "refuse":
        svc.refuse_booking(booking=visit, by=charlie)
    else:
        frozen.move_to(datetime.datetime(2026, 3, 3, 11, 0, tzinfo=PARIS))
        svc.expire_pending()

    note = Notification.objects.get(user=bob)
    assert (note.title, note.body) == (title, body)
    assert note.url == reverse("mobility:pass-detail", args=[bob_pass.pk])
    assert not Notification.objects.filter(user=charlie, title=title).exists()


def test_a_visitor_is_not_told_of_a_cancellation_they_made(bob_pass, approval, other_place, bob):
    visit = book(bob_pass, other_place)
    svc.cancel_booking(booking=visit, by=bob)
    assert not Notification.objects.filter(user=bob).exists()
