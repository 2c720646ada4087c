"""A rota becomes permanences: weekly or fortnightly, never on a public holiday, never in a
closed place, given to the stand-in when the facilitator is away."""

import datetime

import pytest

from maillage.communication import services
from maillage.communication.holidays import easter_sunday, french_holidays
from maillage.communication.models import Permanence, Rota

D = datetime.date


def test_easter_and_the_movable_holidays():
    assert easter_sunday(2024) == D(2024, 3, 31)
    assert easter_sunday(2027) == D(2027, 3, 28)
    assert easter_sunday(2038) == D(2038, 4, 25)
    days = french_holidays(2027)
    assert len(days) == 11
    assert days[D(2027, 3, 29)] == "Lundi de Pâques"
    assert days[D(2027, 5, 6)] == "Ascension"
    assert days[D(2027, 5, 17)] == "Lundi de Pentecôte"
    assert days[D(2027, 7, 14)] == "Fête nationale"


@pytest.mark.django_db
def test_a_weekly_rota_skips_public_holidays(rota, place, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am", purpose="Accueil")
    rota.starts_on, rota.ends_on = D(2027, 3, 22), D(2027, 5, 31)
    rota.save()
    result = services.generate_permanences(by=dora, rota=rota)
    dates = [p.date for p in result.created]
    # Mondays from 22 March to 31 May 2027: 11, minus Easter Monday and Whit Monday.
    assert D(2027, 3, 29) not in dates and D(2027, 5, 17) not in dates
    assert len(dates) == 9
    assert {d.weekday() for d in dates} == {0}
    skipped = {day: why for day, _half, _place, why in result.skipped}
    assert "Lundi de Pâques" in skipped[D(2027, 3, 29)]
    assert all(p.purpose == "Accueil" and p.place == place for p in result.created)


@pytest.mark.django_db
def test_a_fortnightly_rota_alternates_places_week_by_week(rota, place, other_place, dora):
    rota.pattern = Rota.Pattern.FORTNIGHTLY
    rota.starts_on, rota.ends_on = D(2027, 9, 6), D(2027, 10, 31)
    rota.save()
    services.add_slot(by=dora, rota=rota, place=place, weekday=3, half="pm", week=1)
    services.add_slot(by=dora, rota=rota, place=other_place, weekday=3, half="pm", week=2)
    result = services.generate_permanences(by=dora, rota=rota)
    by_date = {p.date: p.place for p in result.created}
    assert by_date[D(2027, 9, 9)] == place
    assert by_date[D(2027, 9, 16)] == other_place
    assert by_date[D(2027, 9, 23)] == place
    assert len(by_date) == 8  # every Thursday of the 8 weeks, alternating


@pytest.mark.django_db
def test_closures_and_absences_are_respected(rota, place, other_place, alice, dora, gael):
    rota.starts_on, rota.ends_on = D(2027, 9, 6), D(2027, 10, 3)
    rota.save()
    services.add_slot(by=dora, rota=rota, place=place, weekday=1, half="am")
    services.add_closure(by=alice, place=place, starts_on=D(2027, 9, 13), ends_on=D(2027, 9, 15))
    services.add_absence(
        by=dora, rota=rota, starts_on=D(2027, 9, 20), ends_on=D(2027, 9, 22), stand_in=gael
    )
    services.add_absence(by=dora, rota=rota, starts_on=D(2027, 9, 27), ends_on=D(2027, 9, 29))
    result = services.generate_permanences(by=dora, rota=rota)
    created = {p.date: p for p in result.created}
    assert set(created) == {D(2027, 9, 7), D(2027, 9, 21)}
    assert created[D(2027, 9, 21)].facilitator == gael
    assert created[D(2027, 9, 21)].stands_in_for == rota.facilitator
    reasons = {day: why for day, _h, _p, why in result.skipped}
    assert "fermé" in reasons[D(2027, 9, 14)]
    assert "sans remplaçant" in reasons[D(2027, 9, 28)]


@pytest.mark.django_db
def test_generating_again_adds_only_what_is_missing(rota, place, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=2, half="pm")
    first = services.generate_permanences(by=dora, rota=rota)
    again = services.generate_permanences(by=dora, rota=rota)
    assert first.created and not again.created
    assert Permanence.objects.filter(rota=rota).count() == len(first.created)


@pytest.mark.django_db
def test_an_absence_hands_planned_permanences_to_the_stand_in(rota, place, dora, gael, fanny):
    services.add_slot(by=dora, rota=rota, place=place, weekday=2, half="pm")
    services.generate_permanences(by=dora, rota=rota)
    services.add_absence(
        by=fanny, rota=rota, starts_on=D(2027, 4, 1), ends_on=D(2027, 4, 30), stand_in=gael
    )
    april = Permanence.objects.filter(rota=rota, date__month=4)
    assert april.exists() and all(p.facilitator == gael for p in april)
    assert not Permanence.objects.filter(rota=rota, date__month=5, facilitator=gael).exists()


@pytest.mark.django_db
def test_a_place_outside_the_network_cannot_be_in_the_rota(rota, dora):
    from maillage.places.tests.factories import PlaceFactory

    stranger = PlaceFactory()
    with pytest.raises(services.InvalidRota) as refused:
        services.add_slot(by=dora, rota=rota, place=stranger, weekday=0, half="am")
    assert refused.value.field == "place"
    assert not rota.slots.exists()


@pytest.mark.django_db
def test_two_places_cannot_share_one_half_day(rota, place, other_place, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am")
    with pytest.raises(services.SlotTaken):
        services.add_slot(by=dora, rota=rota, place=other_place, weekday=0, half="am")


@pytest.mark.django_db
def test_rota_dates_must_make_sense(network_a, dora, fanny):
    with pytest.raises(services.InvalidRota) as refused:
        services.create_rota(
            by=dora,
            network=network_a,
            data=services.RotaData(
                title="X",
                facilitator=fanny,
                pattern="weekly",
                starts_on=D(2027, 5, 1),
                ends_on=D(2027, 4, 1),
            ),
        )
    assert refused.value.field == "ends_on"
    assert not Rota.objects.exists()
