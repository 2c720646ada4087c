"""The demo's animation: a facilitator ("animation@demo…") on a weekly round through four member
places of the regional network — past permanences to log, one logged with its needs, a closure,
an absence with a stand-in, a swap waiting for a place's consent and a cost to share."""

import datetime

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillage.accounts.models import User
from maillage.communication import services
from maillage.communication.models import Permanence, Rota
from maillage.demo.selectors import DEMO_DOMAIN, REGIONAL_SLUG
from maillage.demo.services import DEMO_PASSWORD, DemoLogin
from maillage.networks.models import Network, NetworkRole
from maillage.networks.selectors import member_places
from maillage.places.models import PlaceRole

FACILITATOR_EMAIL = f"animation@{DEMO_DOMAIN}"
ROTA_TITLE = "Tournée d'animation — Compagnie (démo)"

# (weekday, half, purpose) for the four places, in order.
SLOTS = [
    (1, "am", "Accueil des nouveaux adhérents et point sur l'agenda"),
    (3, "am", "Atelier communication : affiches et réseaux sociaux"),
    (3, "pm", "Co-développement entre équipes de lieux voisins"),
    (4, "am", "Permanence d'information : mobilité et communs du réseau"),
]


def _facilitator() -> User:
    user, _created = User.objects.get_or_create(
        email=FACILITATOR_EMAIL,
        defaults={
            "first_name": "Camille",
            "last_name": "Animatrice",
            "display_name": "Camille, l'animatrice",
            "password": make_password(DEMO_PASSWORD),
        },
    )
    return user


def load_demo_communication(*, today: datetime.date | None = None) -> list[DemoLogin]:
    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None or Rota.objects.filter(network=network, title=ROTA_TITLE).exists():
        return []
    coordinator = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return []
    managed = set(
        PlaceRole.objects.filter(role=PlaceRole.Role.MANAGER).values_list("place_id", flat=True)
    )
    # Places with a manager first, so the demo's place managers find their permanences.
    places = sorted(member_places(network=network), key=lambda p: (p.pk not in managed, p.name))[:4]
    if len(places) < 2:
        return []
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    with transaction.atomic():
        facilitator = _facilitator()
        rota = services.create_rota(
            by=coordinator,
            network=network,
            data=services.RotaData(
                title=ROTA_TITLE,
                facilitator=facilitator,
                pattern=Rota.Pattern.WEEKLY,
                starts_on=monday - datetime.timedelta(days=21),
                ends_on=monday + datetime.timedelta(days=180),
                cost_cents=18_000_00,
                cost_key="equal",
            ),
        )
        for place, (weekday, half, purpose) in zip(places, SLOTS, strict=False):
            services.add_slot(
                by=coordinator, rota=rota, place=place, weekday=weekday, half=half, purpose=purpose
            )
        stand_in = (
            User.objects.filter(network_roles__network__parent=network)
            .exclude(pk=facilitator.pk)
            .order_by("pk")
            .first()
        )
        if stand_in is not None:
            services.add_absence(
                by=coordinator,
                rota=rota,
                starts_on=monday + datetime.timedelta(days=35),
                ends_on=monday + datetime.timedelta(days=39),
                stand_in=stand_in,
                reason="Formation",
            )
        services.generate_permanences(by=coordinator, rota=rota)
        past = list(Permanence.objects.filter(rota=rota, date__lt=today).order_by("date"))
        if past:
            services.log_visit(
                by=facilitator,
                permanence=past[0],
                notes="Six personnes à l'accueil. L'équipe voudrait relayer ses ateliers "
                "au-delà de sa page ; l'affiche du kit de communication leur plaît.",
                people_met=6,
                needs=[
                    "Un outil pour tenir les adhésions et la comptabilité",
                    "Former deux bénévoles à l'animation de réunions",
                ],
            )
        future = Permanence.objects.filter(rota=rota, date__gt=today + datetime.timedelta(days=2))
        first = future.filter(place=places[0]).order_by("date").first()
        second = future.filter(place=places[1]).order_by("date").first()
        asker = PlaceRole.objects.filter(place=places[1], role=PlaceRole.Role.MANAGER).first()
        if first and second and asker:
            services.propose_swap(
                by=asker.user,
                offered=second,
                wanted=first,
                message="Notre salle est prise ce jour-là : pouvons-nous échanger ?",
            )
    return [
        DemoLogin(
            "Animation",
            FACILITATOR_EMAIL,
            "Ses permanences dans les lieux, les visites à consigner et les besoins repérés "
            "à confier à l'aiguillage (Mon espace → Animation et permanences).",
        )
    ]


def delete_demo_communication() -> None:
    """The demo rota, its permanences and its ledger rows (demo only: real transfers are never
    deleted)."""
    from maillage.communication import models as m
    from maillage.ledger.models import Account, Transfer, content_type_for

    rotas = list(Rota.objects.filter(title=ROTA_TITLE))
    if not rotas:
        return
    with transaction.atomic():
        accounts = Account.objects.filter(
            owner_type=content_type_for(Rota), owner_id__in=[r.pk for r in rotas]
        )
        transfers = Transfer.objects.filter(Q(debit__in=accounts) | Q(credit__in=accounts))
        # Transfers refuse deletion through their manager (the ledger is append-only).
        models.QuerySet.delete(transfers.filter(reverses__isnull=False))
        models.QuerySet.delete(transfers)
        accounts.delete()
        m.CostCharge.objects.filter(rota__in=rotas).delete()
        m.Swap.objects.filter(offered__rota__in=rotas).delete()
        for rota in rotas:
            rota.delete()
