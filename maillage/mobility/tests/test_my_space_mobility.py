"""Mon espace tells the visitor of their coming visits and the host what to do: bookings to
accept, visitors to check in today. Time is frozen on Monday 2 March 2026 (Paris)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from maillage.mobility import booking as svc

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = datetime.date(2026, 3, 2)
WEDNESDAY = datetime.date(2026, 3, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS), tick=False):
        yield


def book(pass_, place, day, key):
    return svc.book_visit(
        pass_=pass_, place=place, day=day, half="full", idempotency_key=key, by=pass_.holder
    )


def test_the_host_is_asked_to_accept_a_booking_and_the_visitor_sees_it_coming(
    client, bob_pass, offer, other_place, bob, charlie
):
    offer.approval_required = True
    offer.save()
    book(bob_pass, other_place, WEDNESDAY, "k1")

    client.force_login(charlie)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Réservation à accepter — Le Hangar, 04/03/2026" in html
    assert reverse("mobility:host-day", args=["le-hangar"]) + "?day=2026-03-04" in html
    # The host's tools: offer, day page.
    assert reverse("mobility:offer-edit", args=["le-hangar"]) in html

    client.force_login(bob)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "mercredi 4 mars" in html and "Le Hangar" in html
    assert reverse("mobility:pass-detail", args=[bob_pass.pk]) in html


def test_the_host_is_told_how_many_visitors_to_check_in_today(
    client, bob_pass, offer, other_place, charlie
):
    book(bob_pass, other_place, MONDAY, "k1")

    client.force_login(charlie)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "1 visite à pointer aujourd&#x27;hui — Le Hangar" in html
