import factory

from maillage.territory.models import Commune
from maillage.territory.selectors import normalize_name


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code_insee",)

    code_insee = factory.Sequence(lambda n: f"{59000 + n:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: normalize_name(o.name))
    kind = "commune-actuelle"
    department_code = "59"
    department = "Nord"
    region_code = "32"
    region = "Hauts-de-France"
    zone = Commune.Zone.METRO
    postal_codes = "|59000|"
    population = 1000
    latitude = 50.37
    longitude = 3.08
