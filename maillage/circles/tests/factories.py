import datetime

import factory

from maillage.circles.models import (
    Action,
    Circle,
    CircleMember,
    CircleRole,
    CircleStatus,
    Envelope,
    FunderKind,
    Meeting,
    PayeeKind,
    Proposal,
)
from maillage.networks.tests.factories import NetworkFactory

# The smallest PDF a reader opens (one empty page): uploads are checked by opening them.
ONE_PAGE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class CircleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Circle

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Cercle {n}")
    slug = factory.Sequence(lambda n: f"cercle-{n}")
    status = CircleStatus.ACTIVE
    quorum_minimum = 2


class CircleMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CircleMember

    circle = factory.SubFactory(CircleFactory)
    user = factory.SubFactory("maillage.accounts.tests.factories.UserFactory")
    role = CircleRole.PARTICIPANT
    starts_on = datetime.date(2020, 1, 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    circle = factory.SubFactory(CircleFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    status = Action.Status.ADOPTED
    expected_cost_cents = 300_000


class EnvelopeFactory(factory.django.DjangoModelFactory):
    """An envelope row only; use `budget_services.record_envelope` when the ledger must see it."""

    class Meta:
        model = Envelope

    circle = factory.SubFactory(CircleFactory)
    year = 2026
    funder_kind = FunderKind.REGION
    funder = "Région Hauts-de-France"
    amount_cents = 1_000_000


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    circle = factory.SubFactory(CircleFactory)
    action = factory.SubFactory(ActionFactory, circle=factory.SelfAttribute("..circle"))
    title = factory.Sequence(lambda n: f"Dépense {n}")
    amount_cents = 100_000
    payee_kind = PayeeKind.PROVIDER
    payee_name = "Imprimerie du Douaisis"
    justification = "Pour imprimer le guide des lieux."
    idempotency_key = factory.Sequence(lambda n: f"proposal-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    circle = factory.SubFactory(CircleFactory)
    title = factory.Sequence(lambda n: f"Réunion de régulation {n}")
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 12, 1, 18, 0, tzinfo=datetime.UTC)
    )
