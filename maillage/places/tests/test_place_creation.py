import pytest

from maillage.places.models import Place, PlaceRole
from maillage.places.services import (
    DuplicatePlace,
    OutsideFrance,
    PlaceData,
    PostalCodeMismatch,
    TooFarFromCommune,
    create_place,
    update_place,
)
from maillage.places.tests.factories import PlaceFactory
from maillage.territory.models import Commune
from maillage.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    from maillage.accounts.tests.factories import UserFactory

    return UserFactory()


def test_the_creator_becomes_the_manager_of_the_new_place(user, place_data):
    place = create_place(user=user, data=place_data())

    assert PlaceRole.objects.filter(place=place, user=user, role="manager").exists()
    assert place.created_by == user
    assert place.last_confirmed_at is not None
    assert place.opening_hours == {"mo": "09:00-12:30,14:00-18:00"}


def test_slugs_are_made_unique_with_a_suffix(user, place_data, commune):
    first = create_place(user=user, data=place_data(name="Le Local"))
    # Far enough apart not to be duplicates of each other.
    second = create_place(user=user, data=place_data(name="Le Local", latitude=50.40))
    third = create_place(user=user, data=place_data(name="Le Local", latitude=50.43))

    assert [first.slug, second.slug, third.slug] == ["le-local", "le-local-2", "le-local-3"]


def test_a_place_called_nouveau_does_not_take_the_create_page_address(user, place_data):
    place = create_place(user=user, data=place_data(name="Nouveau"))

    assert place.slug == "nouveau-2"


def test_a_place_with_the_same_name_within_200_m_is_refused(user, place_data):
    existing = create_place(user=user, data=place_data(name="La Bobine"))

    # 0.0015° of latitude is about 167 m; the name differs only by case and accents.
    with pytest.raises(DuplicatePlace) as caught:
        create_place(user=user, data=place_data(name="LA BÔBINE", latitude=50.3729))

    assert caught.value.existing == existing
    assert "La Bobine" in str(caught.value)
    assert Place.objects.count() == 1


def test_a_place_with_the_same_name_300_m_away_is_accepted(user, place_data):
    create_place(user=user, data=place_data(name="La Bobine"))

    # 0.0027° of latitude is about 300 m.
    create_place(user=user, data=place_data(name="La Bobine", latitude=50.3741))

    assert Place.objects.filter(name="La Bobine").count() == 2


def test_a_place_in_brussels_is_refused_because_it_is_far_from_its_french_commune(user, place_data):
    with pytest.raises(TooFarFromCommune) as caught:
        create_place(user=user, data=place_data(latitude=50.85, longitude=4.35))

    assert "km du centre de Douai" in str(caught.value)
    assert Place.objects.count() == 0
    assert PlaceRole.objects.count() == 0


def test_a_place_at_zero_zero_is_refused_as_outside_france(user, place_data):
    with pytest.raises(OutsideFrance) as caught:
        create_place(user=user, data=place_data(latitude=0.0, longitude=0.0))

    assert "hors de France" in str(caught.value)
    assert Place.objects.count() == 0


def test_a_place_in_noumea_is_accepted(user, place_data):
    noumea = CommuneFactory(
        code_insee="98818",
        name="Nouméa",
        department_code="988",
        department="Nouvelle-Calédonie",
        region_code="988",
        region="Nouvelle-Calédonie",
        zone=Commune.Zone.COM,
        postal_codes="|98800|",
        latitude=-22.27,
        longitude=166.44,
    )

    place = create_place(
        user=user,
        data=place_data(commune=noumea, postal_code="98800", latitude=-22.27, longitude=166.44),
    )

    assert place.commune == noumea


def test_a_postal_code_of_another_commune_is_refused(user, place_data):
    with pytest.raises(PostalCodeMismatch) as caught:
        create_place(user=user, data=place_data(postal_code="75001"))

    assert "75001" in str(caught.value)
    assert "59500" in str(caught.value)
    assert Place.objects.count() == 0


def test_a_refused_update_changes_nothing_in_the_database_or_the_object(place_data, alice, place):
    with pytest.raises(OutsideFrance):
        update_place(place=place, by=alice, data=PlaceData(latitude=0.0, longitude=0.0))

    place.refresh_from_db()
    assert (place.latitude, place.longitude) == (50.3714, 3.08)


def test_an_update_keeps_the_slug_and_confirms_the_place(alice, place):
    update_place(place=place, by=alice, data=PlaceData(name="La Bobine coopérative"))

    place.refresh_from_db()
    assert place.slug == "la-bobine"
    assert place.name == "La Bobine coopérative"
    assert place.last_confirmed_at is not None


def test_a_place_may_keep_its_own_name_and_position_when_updated(alice, place):
    PlaceFactory(name="Ailleurs", latitude=50.0, longitude=3.0)

    update_place(place=place, by=alice, data=PlaceData(summary="Un tiers-lieu à Douai"))

    place.refresh_from_db()
    assert place.summary == "Un tiers-lieu à Douai"
