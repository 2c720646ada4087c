import factory

from maillage.places.models import Equipment, EquipmentCategory, Place, PlaceType, Space, SpaceKind
from maillage.territory.tests.factories import CommuneFactory


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Tiers-lieu {n}")
    slug = factory.Sequence(lambda n: f"tiers-lieu-{n}")
    types = factory.LazyFunction(lambda: [PlaceType.COWORKING])
    address = "1 rue de la Mairie"
    postal_code = "59500"
    commune = factory.SubFactory(CommuneFactory)
    latitude = 50.3714
    longitude = 3.08


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Salle {n}")
    kind = SpaceKind.MEETING_ROOM
    capacity = 12
    surface_m2 = 30


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Découpeuse laser {n}")
    category = EquipmentCategory.DIGITAL_FAB
