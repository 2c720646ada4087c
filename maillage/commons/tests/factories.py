import factory

from maillage.commons.models import Commons, Nature
from maillage.networks.tests.factories import NetworkFactory


class CommonsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commons

    name = factory.Sequence(lambda n: f"Commun {n}")
    slug = factory.Sequence(lambda n: f"commun-{n}")
    summary = "Une ressource ouverte pour les tiers-lieux."
    nature = Nature.TOOL
    licence = "AGPL-3.0"
    actions = factory.LazyFunction(lambda: ["gerer"])
    domains = factory.LazyFunction(lambda: ["comptabilite"])
    network = factory.SubFactory(NetworkFactory)
