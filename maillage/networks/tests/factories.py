import factory

from maillage.networks.models import Network


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Réseau {n}")
    slug = factory.Sequence(lambda n: f"reseau-{n}")
    level = Network.Level.REGIONAL
    charter = "Nous partageons nos espaces et nos savoirs."
