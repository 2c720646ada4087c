"""Places request, decline and swap slots; a swap needs both places' consent."""

import datetime

import pytest
import time_machine

from maillage.communication import services
from maillage.communication.models import Permanence, Swap

D = datetime.date


@pytest.fixture
def planned(rota, place, other_place, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am", purpose="Bobine")
    services.add_slot(by=dora, rota=rota, place=other_place, weekday=3, half="pm", purpose="Hangar")
    services.generate_permanences(by=dora, rota=rota)
    mine = Permanence.objects.filter(place=place).order_by("date").first()
    theirs = Permanence.objects.filter(place=other_place).order_by("date").first()
    return mine, theirs


@time_machine.travel("2027-01-10 10:00 +01:00")
@pytest.mark.django_db
def test_a_swap_needs_the_other_place_to_accept(planned, alice, charlie, place, other_place):
    mine, theirs = planned
    swap = services.propose_swap(by=alice, offered=mine, wanted=theirs, message="Salle prise")
    mine.refresh_from_db()
    assert mine.place == place  # nothing changes before the other place consents
    services.answer_swap(by=charlie, swap=swap, accept=True)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.place, mine.purpose) == (other_place, "Hangar")
    assert (theirs.place, theirs.purpose) == (place, "Bobine")
    assert Swap.objects.get().status == Swap.Status.ACCEPTED


@time_machine.travel("2027-01-10 10:00 +01:00")
@pytest.mark.django_db
def test_only_the_other_place_may_accept(planned, alice, dora, place):
    mine, theirs = planned
    swap = services.propose_swap(by=alice, offered=mine, wanted=theirs)
    for who in (alice, dora):
        with pytest.raises(services.NotAllowed):
            services.answer_swap(by=who, swap=swap, accept=True)
    mine.refresh_from_db()
    assert mine.place == place
    assert Swap.objects.get().status == Swap.Status.PENDING


@time_machine.travel("2027-01-10 10:00 +01:00")
@pytest.mark.django_db
def test_a_refused_swap_changes_nothing(planned, alice, charlie, place):
    mine, theirs = planned
    swap = services.propose_swap(by=alice, offered=mine, wanted=theirs)
    services.answer_swap(by=charlie, swap=swap, accept=False)
    mine.refresh_from_db()
    assert mine.place == place
    with pytest.raises(services.SwapRefused):
        services.answer_swap(by=charlie, swap=swap, accept=True)


@time_machine.travel("2027-01-10 10:00 +01:00")
@pytest.mark.django_db
def test_a_place_cannot_offer_another_places_slot(planned, charlie):
    mine, theirs = planned
    with pytest.raises(services.NotAllowed):
        services.propose_swap(by=charlie, offered=mine, wanted=theirs)
    assert not Swap.objects.exists()


@time_machine.travel("2027-01-10 10:00 +01:00")
@pytest.mark.django_db
def test_a_place_declines_and_the_facilitator_is_told(planned, alice, fanny):
    mine, _theirs = planned
    services.decline_permanence(by=alice, permanence=mine, reason="Inventaire ce jour-là")
    mine.refresh_from_db()
    assert mine.status == Permanence.Status.DECLINED
    assert fanny.notifications.filter(topic="communication.permanence").exists()


@time_machine.travel("2027-01-10 10:00 +01:00")
@pytest.mark.django_db
def test_a_place_requests_and_the_coordination_confirms(rota, place, alice, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am")
    asked = services.request_permanence(
        by=alice, rota=rota, place=place, date=D(2027, 3, 10), half="pm", purpose="Atelier"
    )
    assert asked.status == Permanence.Status.REQUESTED
    with pytest.raises(services.NotAllowed):
        services.answer_request(by=alice, permanence=asked, accept=True)
    services.answer_request(by=dora, permanence=asked, accept=True)
    asked.refresh_from_db()
    assert asked.status == Permanence.Status.PLANNED


@time_machine.travel("2027-01-10 10:00 +01:00")
@pytest.mark.django_db
def test_a_request_on_a_public_holiday_is_refused(rota, place, alice, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am")
    with pytest.raises(services.InvalidRota) as refused:
        services.request_permanence(by=alice, rota=rota, place=place, date=D(2027, 5, 6), half="am")
    assert refused.value.field == "date"
    assert "férié" in str(refused.value.message)
    assert not Permanence.objects.filter(status=Permanence.Status.REQUESTED).exists()
