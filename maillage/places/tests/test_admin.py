import pytest
from django.urls import reverse

from maillage.places.tests.factories import EquipmentFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["place", "space", "equipment", "placephoto", "placerole"])
def test_the_admin_lists_and_searches_every_places_model(client, root, alice, place, model):
    SpaceFactory(place=place)
    EquipmentFactory(place=place)
    client.force_login(root)

    listing = client.get(reverse(f"admin:places_{model}_changelist"), {"q": "Bobine"})

    assert listing.status_code == 200


def test_the_admin_opens_a_place_with_its_inlines(client, root, alice, place):
    client.force_login(root)

    response = client.get(reverse("admin:places_place_change", args=[place.pk]))

    assert response.status_code == 200
    assert "alice@example.org" in response.content.decode() or str(alice.pk) in (
        response.content.decode()
    )
