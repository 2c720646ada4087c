import datetime

import factory
from django.utils import timezone

from maillage.networks.tests.factories import NetworkFactory
from maillage.opportunities import services
from maillage.opportunities.models import Call, SavedSearch


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    kind = "aap"
    funder = "Région Hauts-de-France"
    amount_min_cents = 1_000_000
    amount_max_cents = 5_000_000
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    scope = "national"
    themes = factory.LazyFunction(lambda: ["alimentation"])
    eligible = factory.LazyFunction(lambda: ["association"])
    mode = "competitive"
    network = factory.SubFactory(NetworkFactory)
    status = Call.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    url = ""
    link_key = factory.LazyAttribute(lambda o: services.link_key(o.url) if o.url else "")
    title_key = factory.LazyAttribute(lambda o: services.title_key(o.title, o.deadline))


class SavedSearchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedSearch

    name = factory.Sequence(lambda n: f"Alerte {n}")
    frequency = SavedSearch.Frequency.DAILY
