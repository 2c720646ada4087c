"""A directory worth exporting: `place` (La Bobine, member of network A) with every field filled,
a space and two machines; an unpublished member place that must never leave the platform."""

import datetime as dt

import pytest

from maillage.networks.models import Membership, MembershipStatus
from maillage.places.models import (
    EquipmentCategory,
    PlaceStatus,
    PlaceType,
    PriceUnit,
    SharingMode,
    SpaceKind,
)
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

CONFIRMED = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def rich_place(place, membership):
    """La Bobine with every exported field set (including tricky CSV content)."""
    place.types = [PlaceType.FABLAB, PlaceType.FABRIQUE]
    place.summary = "Fablab, café et « salle des fêtes »"
    place.description = 'Deux lignes :\nun "atelier", un café;\n=1+1 n\'est pas une formule'
    place.status = PlaceStatus.OPEN
    place.address = "12 rue des Tisserands"
    place.address_complement = "Bâtiment B, 2e étage"
    place.postal_code = "59500"
    place.latitude = 50.3701
    place.longitude = 3.0799
    place.opening_hours = {
        "mo": "09:00-12:00,14:00-18:00",
        "tu": "09:00-12:00,14:00-18:00",
        "we": "09:00-12:00,14:00-18:00",
        "th": "09:00-12:00,14:00-18:00",
        "fr": "09:00-12:00,14:00-18:00",
        "sa": "10:00-12:30",
    }
    place.opening_hours_note = "Fermé en août"
    place.access_step_free = True
    place.access_toilets = True
    place.access_hearing_loop = True
    place.accessibility_note = "Rampe côté cour"
    place.acceslibre_url = (
        "https://acceslibre.beta.gouv.fr/app/59-douai/a/tiers-lieu/erp/la-bobine/"
    )
    place.email = "contact@labobine.example"
    place.phone = "+33 3 27 00 00 00"
    place.website = "https://labobine.example/"
    place.external_id = "cget-2019-0042"
    place.source = "Recensement 2019"
    place.last_confirmed_at = CONFIRMED
    place.save()
    SpaceFactory(
        place=place,
        name="Grande salle",
        kind=SpaceKind.MEETING_ROOM,
        description="Vidéoprojecteur",
        surface_m2=60,
        capacity=25,
        uses="réunion, formation",
        price_unit=PriceUnit.HALF_DAY,
        price_member_cents=3000,
        price_network_cents=4500,
        price_public_cents=8000,
        is_accessible=True,
        accessibility_note="Porte large",
        is_bookable=True,
    )
    EquipmentFactory(
        place=place,
        name="Découpeuse laser",
        category=EquipmentCategory.DIGITAL_FAB,
        description="60 W, 600 × 400 mm",
        quantity=1,
        sharing_mode=SharingMode.WITH_OPERATOR,
        deposit_cents=None,
        price_cents=1500,
        price_unit=PriceUnit.HOUR,
        conditions="Formation obligatoire",
    )
    EquipmentFactory(
        place=place,
        name="Perceuse",
        category=EquipmentCategory.REPAIR,
        quantity=3,
        sharing_mode=SharingMode.LOAN,
        deposit_cents=5000,
        price_cents=None,
        price_unit=PriceUnit.DAY,
    )
    return place


@pytest.fixture
def hidden_place(network_a, commune):
    """An unpublished member of network A."""
    hidden = PlaceFactory(name="Le Secret", slug="le-secret", commune=commune, is_published=False)
    Membership.objects.create(network=network_a, place=hidden, status=MembershipStatus.ACCEPTED)
    return hidden
