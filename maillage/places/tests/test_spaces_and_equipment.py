import pytest
from django.urls import reverse

from maillage.places.models import Equipment, Space
from maillage.places.services import InvalidPrice, SpaceData, create_space
from maillage.places.tests.factories import EquipmentFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, alice):
    client.force_login(alice)
    return client


def test_a_space_priced_in_euros_is_stored_in_cents(logged_in, place):
    response = logged_in.post(
        reverse("places:space-create", args=[place.slug]),
        {
            "name": "Salle des machines",
            "kind": "meeting_room",
            "surface_m2": "40",
            "capacity": "14",
            "uses": "réunion, formation",
            "price_unit": "day",
            "price_member_cents": "12,50",
            "price_network_cents": "20",
            "price_public_cents": "1 200",
            "is_bookable": "on",
        },
    )

    assert response.status_code == 302
    space = Space.objects.get(place=place)
    assert (space.price_member_cents, space.price_network_cents, space.price_public_cents) == (
        1250,
        2000,
        120000,
    )
    assert space.use_list == ["réunion", "formation"]


def test_a_negative_or_unreadable_price_is_refused_next_to_the_field(logged_in, place):
    response = logged_in.post(
        reverse("places:space-create", args=[place.slug]),
        {
            "name": "Salle",
            "kind": "desk",
            "price_unit": "day",
            "price_member_cents": "-5",
            "price_public_cents": "douze",
        },
    )

    html = response.content.decode()
    assert 'id="id_price_member_cents_error"' in html
    assert "Un prix ne peut pas être négatif." in html
    assert "Saisissez un montant en euros, par exemple 12,50." in html
    assert not Space.objects.exists()


def test_the_service_refuses_a_negative_price_too(alice, place):
    with pytest.raises(InvalidPrice):
        create_space(
            place=place, by=alice, data=SpaceData(name="Salle", kind="desk", price_public_cents=-1)
        )
    assert not Space.objects.exists()


def test_the_space_edit_form_shows_prices_in_euros(logged_in, place):
    space = SpaceFactory(place=place, price_member_cents=1250, price_public_cents=3000)

    html = logged_in.get(reverse("places:space-edit", args=[place.slug, space.pk])).content.decode()

    assert 'value="12,50"' in html
    assert 'value="30"' in html


def test_equipment_is_created_edited_and_deleted(logged_in, place):
    url = reverse("places:equipment-create", args=[place.slug])
    logged_in.post(
        url,
        {
            "name": "Découpeuse laser",
            "category": "digital_fab",
            "quantity": "2",
            "sharing_mode": "with_operator",
            "deposit_cents": "150",
            "price_cents": "8,5",
            "price_unit": "hour",
            "conditions": "Formation obligatoire",
        },
    )
    item = Equipment.objects.get(place=place)
    assert (item.quantity, item.deposit_cents, item.price_cents) == (2, 15000, 850)

    logged_in.post(
        reverse("places:equipment-edit", args=[place.slug, item.pk]),
        {
            "name": "Laser",
            "category": "digital_fab",
            "quantity": "1",
            "sharing_mode": "on_site",
            "price_unit": "use",
        },
    )
    item.refresh_from_db()
    assert (item.name, item.deposit_cents) == ("Laser", None)

    delete_url = reverse("places:equipment-delete", args=[place.slug, item.pk])
    assert logged_in.get(delete_url).status_code == 200
    assert Equipment.objects.filter(pk=item.pk).exists()
    logged_in.post(delete_url)
    assert not Equipment.objects.filter(pk=item.pk).exists()


def test_a_quantity_of_zero_is_refused(logged_in, place):
    response = logged_in.post(
        reverse("places:equipment-create", args=[place.slug]),
        {
            "name": "Perceuse",
            "category": "repair",
            "quantity": "0",
            "sharing_mode": "loan",
            "price_unit": "use",
        },
    )

    assert 'id="id_quantity_error"' in response.content.decode()
    assert not Equipment.objects.exists()


def test_a_space_is_deleted_only_by_post(logged_in, place):
    space = SpaceFactory(place=place)
    url = reverse("places:space-delete", args=[place.slug, space.pk])

    assert logged_in.get(url).status_code == 200
    assert Space.objects.filter(pk=space.pk).exists()
    logged_in.post(url)
    assert not Space.objects.filter(pk=space.pk).exists()


def test_a_space_of_another_place_is_not_found_through_this_place(logged_in, place, other_place):
    space = SpaceFactory(place=other_place)
    item = EquipmentFactory(place=other_place)

    assert (
        logged_in.get(reverse("places:space-edit", args=[place.slug, space.pk])).status_code == 404
    )
    assert (
        logged_in.get(reverse("places:equipment-edit", args=[place.slug, item.pk])).status_code
        == 404
    )
