"""Peer-only audiences: which places are big, rural or young, and which people manage one."""

import datetime

import pytest
from django.utils import timezone

from maillage.accounts.tests.factories import UserFactory
from maillage.places import audiences
from maillage.places.audiences import PeerAudience
from maillage.places.models import Place, PlaceRole, PlaceStatus
from maillage.places.tests.factories import PlaceFactory, SpaceFactory
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def _place(population: int = 50_000, **fields) -> Place:
    return PlaceFactory(commune=CommuneFactory(population=population), **fields)


def _manager(place: Place):
    user = UserFactory()
    PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MANAGER)
    return user


def test_a_place_is_big_from_800_square_metres_of_spaces():
    big, small = _place(), _place()
    SpaceFactory(place=big, surface_m2=500)
    SpaceFactory(place=big, surface_m2=300)
    SpaceFactory(place=small, surface_m2=799)
    assert audiences.place_in_audience(place=big, audience=PeerAudience.BIG)
    assert not audiences.place_in_audience(place=small, audience=PeerAudience.BIG)


def test_without_surfaces_a_place_is_big_from_six_spaces():
    many, few = _place(), _place()
    for _n in range(6):
        SpaceFactory(place=many, surface_m2=None)
    for _n in range(5):
        SpaceFactory(place=few, surface_m2=None)
    assert audiences.place_in_audience(place=many, audience=PeerAudience.BIG)
    assert not audiences.place_in_audience(place=few, audience=PeerAudience.BIG)


def test_a_place_is_rural_below_2000_inhabitants_and_not_without_a_commune():
    village, town = _place(population=1_999), _place(population=2_000)
    nowhere = PlaceFactory(commune=None)
    assert audiences.place_in_audience(place=village, audience=PeerAudience.RURAL)
    assert not audiences.place_in_audience(place=town, audience=PeerAudience.RURAL)
    assert not audiences.place_in_audience(place=nowhere, audience=PeerAudience.RURAL)


def test_a_place_is_young_for_three_years_after_it_joined_the_directory():
    place = _place()
    this_year = timezone.localdate().year
    Place.objects.filter(pk=place.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=365 * 2)
    )
    assert audiences.place_in_audience(place=place, audience=PeerAudience.YOUNG)
    in_three_years = datetime.date(this_year + 3, 6, 1)
    assert not audiences.place_in_audience(
        place=place, audience=PeerAudience.YOUNG, today=in_three_years
    )


def test_an_opening_year_registered_by_a_feature_wins_over_the_directory_date(monkeypatch):
    old, new = _place(), _place()
    this_year = timezone.localdate().year
    monkeypatch.setattr(audiences, "_opening_years", [lambda ids: {old.pk: this_year - 10}])
    assert not audiences.place_in_audience(place=old, audience=PeerAudience.YOUNG)
    assert audiences.place_in_audience(place=new, audience=PeerAudience.YOUNG)


def test_places_in_audience_sorts_many_places_in_a_few_queries(django_assert_max_num_queries):
    villages = [_place(population=300) for _n in range(5)]
    cities = [_place() for _n in range(5)]
    with django_assert_max_num_queries(4):
        found = audiences.places_in_audience(
            place_ids=[p.pk for p in villages + cities], audience=PeerAudience.RURAL
        )
    assert found == {p.pk for p in villages}


def test_a_person_is_in_an_audience_when_one_of_the_places_they_manage_is():
    city, village = _place(), _place(population=400)
    manager = _manager(city)
    assert audiences.person_in_audience(user=manager, audience=PeerAudience.ALL)
    assert not audiences.person_in_audience(user=manager, audience=PeerAudience.RURAL)
    PlaceRole.objects.create(place=village, user=manager, role=PlaceRole.Role.MANAGER)
    assert audiences.person_in_audience(user=manager, audience=PeerAudience.RURAL)


def test_members_closed_places_and_people_without_a_place_are_not_peers():
    village = _place(population=400)
    member = UserFactory()
    PlaceRole.objects.create(place=village, user=member, role=PlaceRole.Role.MEMBER)
    closed = _place(population=400, status=PlaceStatus.CLOSED)
    former = _manager(closed)
    for person in (member, former, UserFactory()):
        assert not audiences.person_in_audience(user=person, audience=PeerAudience.ALL)
        assert not audiences.person_in_audience(user=person, audience=PeerAudience.RURAL)


def test_the_reservation_reads_as_a_sentence():
    assert audiences.reserved_to("rural") == "Réservé aux gérant·es de lieux ruraux"
    assert audiences.reserved_to("") == ""
