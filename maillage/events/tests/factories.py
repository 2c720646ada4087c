import datetime

import factory

from maillage.events.models import Audience, Event, EventKind, Occurrence
from maillage.networks.tests.factories import NetworkFactory


class EventFactory(factory.django.DjangoModelFactory):
    """A one-off public event of a network; use the services to expand recurring ones."""

    class Meta:
        model = Event

    network = factory.SubFactory(NetworkFactory)
    kind = EventKind.CAFE
    title = factory.Sequence(lambda n: f"Café des tiers-lieux {n}")
    slug = factory.Sequence(lambda n: f"cafe-{n}")
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    audience = Audience.PUBLIC


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occurrence

    event = factory.SubFactory(EventFactory)
    original_start = factory.SelfAttribute("event.starts_at")
    starts_at = factory.SelfAttribute("event.starts_at")
    ends_at = factory.SelfAttribute("event.ends_at")
