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
    load_demo_kit()
    load_demo_logbook()
    load_demo_coordination(today=today)
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
    with transaction.atomic():
        accounts = Account.objects.filter(
            owner_type=content_type_for(Rota), owner_id__in=[r.pk for r in rotas]
        )
        transfers = Transfer.objects.filter(Q(debit__in=accounts) | Q(credit__in=accounts))
        # Transfers refuse deletion through their manager (the ledger is append-only).
        models.QuerySet.delete(transfers.filter(reverses__isnull=False))
        models.QuerySet.delete(transfers)
        accounts.delete()
        # Agreements protect their soucieux·ses, whom the demo's reset deletes.
        m.CoordinationGroup.objects.filter(network__slug=REGIONAL_SLUG).delete()
        m.CostCharge.objects.filter(rota__in=rotas).delete()
        m.Swap.objects.filter(offered__rota__in=rotas).delete()
        for rota in rotas:
            rota.delete()
    from maillage.communication.models import Resource

    ids = [pk for pk, tags in Resource.objects.values_list("pk", "tags") if KIT_TAG in tags]
    Resource.objects.filter(pk__in=ids).delete()


# --- the kit and the case library ----------------------------------------------------------------

KIT_TAG = "demo-valise"


def _poster_png(title: str, when: str, where: str) -> bytes:
    from maillage.communication import cards

    text = cards.CardText(title=title, when=when, where=where, network="Compagnie des tiers-lieux")
    return cards.render_card(text, size="carre", primary="#2a6f4e", accent="#f2c14e")


def _photo_jpeg() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 800), (90, 120, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, 1200, 40):
        draw.rectangle([i, 500 + (i % 120), i + 30, 800], fill=(60 + i % 80, 90, 70))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def load_demo_kit() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillage.communication import kit
    from maillage.communication.models import Resource

    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None or any(
        KIT_TAG in tags
        for tags in Resource.objects.filter(network=network).values_list("tags", flat=True)
    ):
        return
    coordinator = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    role = (
        PlaceRole.objects.filter(
            role=PlaceRole.Role.MANAGER, place__in=member_places(network=network)
        )
        .select_related("user", "place")
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return

    def data(**fields):
        return kit.ResourceData(**{"tags": [KIT_TAG], **fields})

    kit.contribute(
        by=coordinator,
        network=network,
        data=data(
            kind="pitch",
            title="Présenter le réseau en trois minutes",
            summary="L'argumentaire pour présenter la Compagnie à une mairie ou à un financeur.",
            body="**Un tiers-lieu, c'est** un lieu ouvert où l'on travaille, apprend et fabrique "
            "ensemble.\n\n**Le réseau** relie les lieux de la région : entraide, mobilité des "
            "coworkers, communs partagés.\n\n**Ce que nous demandons** : un appui pour ouvrir "
            "des permanences dans les communes sans lieu.",
            licence="CC-BY-SA-4.0",
            actions=["developper", "animer"],
        ),
    )
    kit.contribute(
        by=coordinator,
        network=network,
        data=data(
            kind="poster",
            title="Affiche « Portes ouvertes »",
            summary="Une affiche carrée à reprendre pour vos portes ouvertes (réseaux sociaux).",
            licence="CC-BY-4.0",
            credit="Compagnie des tiers-lieux",
            actions=["animer"],
        ),
        upload=SimpleUploadedFile(
            "affiche.png", _poster_png("Portes ouvertes", "Samedi, 10 h – 17 h", "Votre lieu")
        ),
    )
    kit.contribute(
        by=coordinator,
        network=network,
        data=data(
            kind="photo",
            title="Atelier partagé, lumière du soir",
            summary="Pour illustrer une page ou une publication.",
            licence="CC-BY-4.0",
            credit="Photo : Camille, l'animatrice",
        ),
        upload=SimpleUploadedFile("atelier.jpg", _photo_jpeg()),
    )
    if role is not None:
        kit.contribute(
            by=role.user,
            network=network,
            data=data(
                kind="case",
                title=f"Un café-réparation mensuel à {role.place.name}",
                summary="Réparer ensemble un samedi par mois a fait venir de nouveaux publics.",
                context="Un lieu en bourg rural, peu connu des habitant·es de plus de 60 ans.",
                what_they_did="Un samedi matin par mois, des bénévoles réparent avec les "
                "visiteur·ses ; affiche du kit, relais par la mairie.",
                results="Quarante objets réparés en trois mois, douze nouvelles adhésions.",
                contacts="L'équipe du lieu, par la page du lieu.",
                place=role.place,
                licence="CC-BY-4.0",
                actions=["animer", "documenter"],
            ),
        )


# --- the tour's logbook ----------------------------------------------------------------------------

DEMO_TOUR_TITLE = "Tournée à vélo des tiers-lieux"


def load_demo_logbook() -> None:
    """Notes of the demo bike tour's preparation: the organiser's scouting with a photo, and each
    stop's team saying how they will welcome the riders."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillage.communication import logbook
    from maillage.communication.models import LogbookEntry
    from maillage.events.models import Event

    tour = Event.objects.filter(title=DEMO_TOUR_TITLE, kind="tour").order_by("pk").first()
    if tour is None or LogbookEntry.objects.filter(stop__event=tour).exists():
        return
    stops = list(tour.stops.select_related("place").order_by("position"))
    organiser = tour.organisers.order_by("pk").first()
    if not stops or organiser is None:
        return
    logbook.add_entry(
        by=organiser,
        stop=stops[0],
        text="Repérage du parcours fait à vélo : 34 km, deux côtes sérieuses, une pause "
        "prévue au bord du canal. Les vélos prêtés seront prêts au départ.",
        photo=SimpleUploadedFile("reperage.jpg", _photo_jpeg()),
        alt_text="Un atelier partagé baigné de la lumière du soir",
    )
    welcomes = [
        "Café et viennoiseries à l'arrivée ; les vélos se garent dans la cour.",
        "Visite de l'atelier de fabrication, puis démonstration de la découpeuse laser.",
        "Pique-nique partagé dans le jardin : apportez une spécialité de chez vous !",
    ]
    for stop, text in zip(stops, welcomes, strict=False):
        manager = (
            PlaceRole.objects.filter(place=stop.place, role=PlaceRole.Role.MANAGER)
            .order_by("pk")
            .first()
        )
        if manager is not None:
            logbook.add_entry(by=manager.user, stop=stop, text=text)


# --- the coordination of the soucieux·ses --------------------------------------------------------


def _agreement_pdf(text: str) -> bytes:
    """A one-page PDF standing for a signed agreement."""
    import io

    from PIL import Image, ImageDraw

    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(text.split("\n")):
        draw.text((60, 80 + 24 * i), line, fill="black")
    out = io.BytesIO()
    page.save(out, format="PDF")
    return out.getvalue()


def load_demo_coordination(*, today: datetime.date | None = None) -> None:
    """The regional network's coordination of the soucieux·ses: its monthly meeting, points
    brought by the circles (one already discussed), a checklist half ticked and an agreement."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillage.communication import coordination
    from maillage.communication.models import CoordinationGroup

    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None or CoordinationGroup.objects.filter(network=network).exists():
        return
    coordinator = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    rows = coordination.stewards(network=network)
    if coordinator is None or not rows:
        return
    today = today or timezone.localdate()
    group = coordination.open_group(
        by=coordinator,
        network=network,
        purpose="Une fois par mois, les soucieux·ses des cercles de la Compagnie échangent leurs "
        "pratiques, préparent ce qui concerne tout le réseau et s'entraident en codéveloppement.",
    )
    # The second Tuesday of next month, 14 h.
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    first += datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)
    coordination.set_meeting(
        by=coordinator,
        group=group,
        data=coordination.MeetingData(
            starts_at=timezone.make_aware(datetime.datetime.combine(first, datetime.time(14))),
            minutes=120,
            rhythm="monthly",
            online_url="https://visio.example.org/coordination-soucieux",
        ),
    )
    points = [
        (
            "Partager un modèle de budget prévisionnel entre cercles",
            "Nous repartons de zéro chaque année ; un cercle a-t-il un modèle à prêter ?",
        ),
        ("Accueillir les nouveaux et nouvelles soucieux·ses", ""),
    ]
    first_row = rows[0]
    for (title, details), row in zip(points, [first_row, rows[-1]], strict=False):
        coordination.propose_point(
            by=row.user, group=group, circle=row.circles[0], title=title, details=details
        )
    done = coordination.propose_point(
        by=first_row.user,
        group=group,
        circle=first_row.circles[0],
        title="Une tournée commune des cercles au printemps",
    )
    coordination.close_point(
        by=coordinator,
        point=done,
        status="discussed",
        outcome="Accord pour une tournée à vélo ; le cercle du Nord propose un parcours.",
    )
    items = list(group.onboarding_items.all())
    for item in items[:2]:
        coordination.tick(by=first_row.user, item=item, done=True)
    coordination.record_agreement(
        by=coordinator,
        group=group,
        data=coordination.AgreementData(
            person=first_row.user,
            circle=first_row.circles[0],
            amount_cents=3_600_00,
            funding_source="region",
            funder="Région Hauts-de-France — appel « Tiers-lieux en réseau »",
            starts_on=today.replace(month=1, day=1),
            ends_on=today.replace(month=12, day=31),
        ),
        document=SimpleUploadedFile(
            "convention.pdf",
            _agreement_pdf(
                "Convention de soucieux·se\nCompagnie des tiers-lieux (démo)\n"
                f"{first_row.user.public_name}\n3 600 euros, financement Région"
            ),
        ),
    )
