import datetime

import factory

from maillage.mobility.models import HostOffer, Scheme, SchemeModel, SchemeVersion
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.tests.factories import PlaceFactory


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Pass {n}")
    model = SchemeModel.PASS


class SchemeVersionFactory(factory.django.DjangoModelFactory):
    """Terms in force since 2020 (created directly: the service refuses past dates)."""

    class Meta:
        model = SchemeVersion

    scheme = factory.SubFactory(SchemeFactory)
    effective_from = datetime.date(2020, 1, 1)
    monthly_price_cents = 4000
    quota_days = 4
    day_rate_cents = 1200
    half_day_rate_cents = 700
    retrocession_share_bp = 2500
    preferential_discount_bp = 3000
    cancellation_deadline_hours = 24
    no_show_charged = True


class HostOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostOffer

    place = factory.SubFactory(PlaceFactory)
    desks_monday = 3
    desks_tuesday = 3
    desks_wednesday = 3
    desks_thursday = 3
    desks_friday = 3
    desks_saturday = 0
    desks_sunday = 0
