"""Demo animations of the regional demo network, built through the events services.

A monthly virtual café (first Tuesday, RRULE), a thematic video call, a co-development group
(for a demo circle's members when the demo has circles, else for the network's members), a bike
tour of four demo places whose managers confirmed their stop, a paid training, a meeting reserved
to the managers of rural places, and registrations of demo coworkers. Idempotent: nothing happens if the café already exists.
"""

import datetime
import itertools
import zoneinfo

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.demo.selectors import REGIONAL_SLUG, demo_places, demo_users
from maillage.events import registration as registration_services
from maillage.events import services as event_services
from maillage.events.models import Audience, Event, EventKind
from maillage.lib.geo import distance_km
from maillage.networks.models import Network, NetworkRole
from maillage.places.audiences import PeerAudience, places_in_audience
from maillage.places.models import Place, PlaceRole, PlaceStatus

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CAFE_TITLE = "Café virtuel des tiers-lieux"
VISIO_LINK = "https://visio.demo.maillage.fr/"


def _first_tuesday_from(day: datetime.date) -> datetime.date:
    """The first Tuesday of `day`'s month if still ahead, else of the next month."""
    first = day.replace(day=1)
    tuesday = first + datetime.timedelta(days=(1 - first.weekday()) % 7)
    if tuesday > day:
        return tuesday
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return following + datetime.timedelta(days=(1 - following.weekday()) % 7)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def _tour_places(places: list[Place]) -> list[Place]:
    """Four managed places close to each other: a start and its three nearest neighbours."""
    located = [place for place in places if place.latitude is not None]
    if len(located) < 2:
        return []
    best: list[Place] = []
    best_length = float("inf")
    for start in located:
        others = sorted(
            (p for p in located if p.pk != start.pk),
            key=lambda p: distance_km(start.latitude, start.longitude, p.latitude, p.longitude),
        )
        chosen = [start, *others[:3]]
        length = sum(
            distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
            for a, b in itertools.pairwise(chosen)
        )
        if length < best_length:
            best, best_length = chosen, length
    return best


def _demo_circle(network: Network):
    from maillage.circles.models import Circle

    return Circle.objects.filter(network=network).order_by("pk").first()


def _peer_meeting(make, network: Network, managed: list[Place], managers: dict, *, today) -> None:
    """A meeting reserved to the managers of rural places (of any place if the demo has no
    rural one), a few of whom already registered."""
    # Registration admits managers of places that are not closed: the census has closed ones.
    managed = [place for place in managed if place.status != PlaceStatus.CLOSED]
    rural = places_in_audience(place_ids=[p.pk for p in managed], audience=PeerAudience.RURAL)
    audience = PeerAudience.RURAL if rural else PeerAudience.ALL
    day = today + datetime.timedelta(days=12)
    event = make(
        network,
        kind=EventKind.MEETUP,
        title="Rencontre entre gérant·es de lieux ruraux"
        if rural
        else "Rencontre entre gérant·es de lieux",
        description=(
            "Une après-midi entre pairs, sans public : mobilité, bénévolat, financement d'un "
            "lieu loin des villes. Chacun·e apporte une question, on repart avec des pistes."
        ),
        starts_at=_at(day, 14),
        ends_at=_at(day, 17),
        online_url=VISIO_LINK + "rencontre-pairs",
        capacity=20,
        peer_audience=audience,
        tags=["pairs"],
    )
    occurrence = event.occurrences.order_by("starts_at").first()
    peers = [place for place in managed if not rural or place.pk in rural][:3]
    for person in dict.fromkeys(managers[place.pk] for place in peers):
        registration_services.register(occurrence=occurrence, user=person)


def load_demo_events(*, now: datetime.datetime | None = None) -> int:
    """Create the demo animations once; return how many events were created (0 if present)."""
    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None or Event.objects.filter(network=network, title=CAFE_TITLE).exists():
        return 0
    coordinator = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return 0
    today = timezone.localdate(now or timezone.now())
    managers = {
        role.place_id: role.user
        for role in PlaceRole.objects.filter(
            place__in=demo_places(), role=PlaceRole.Role.MANAGER
        ).select_related("user")
    }
    managed = list(demo_places().filter(pk__in=managers).order_by("name"))
    created: list[Event] = []

    def make(owner, **values) -> Event:
        data = event_services.EventData(organisers=[coordinator], **values)
        event = event_services.create_event(by=coordinator, owner=owner, data=data)
        created.append(event)
        return event

    with transaction.atomic():
        cafe_day = _first_tuesday_from(today)
        make(
            network,
            kind=EventKind.CAFE,
            title=CAFE_TITLE,
            description=(
                "Une heure pour se retrouver entre tiers-lieux de la région, chaque premier "
                "mardi du mois : tour de table, une question du moment, des nouvelles du réseau. "
                "Sans inscription préalable obligatoire, mais inscrivez-vous pour recevoir le lien."
            ),
            starts_at=_at(cafe_day, 9),
            ends_at=_at(cafe_day, 10),
            rrule="FREQ=MONTHLY;BYDAY=1TU",
            online_url=VISIO_LINK + "cafe-virtuel",
            capacity=40,
            tags=["café", "réseau"],
        )
        visio_day = today + datetime.timedelta(days=16)
        make(
            network,
            kind=EventKind.VISIO,
            title="Visio thématique : le modèle économique des tiers-lieux",
            description=(
                "Trois lieux présentent leurs sources de revenus (coworking, location d'espaces, "
                "formations, prestations) et leurs difficultés ; échanges ensuite."
            ),
            starts_at=_at(visio_day, 14),
            ends_at=_at(visio_day, 15, 30),
            online_url=VISIO_LINK + "modele-economique",
            capacity=80,
            tags=["modèle économique"],
        )
        circle = _demo_circle(network)
        codev_day = today + datetime.timedelta(days=9)
        codev_values = {
            "kind": EventKind.CODEV,
            "title": "Groupe de codéveloppement entre lieux",
            "description": (
                "Six personnes, une situation apportée par l'une d'elles, la méthode du "
                "codéveloppement : clarifier, questionner, conseiller, puis un plan d'action."
            ),
            "starts_at": _at(codev_day, 17, 30),
            "ends_at": _at(codev_day, 19, 30),
            "rrule": "FREQ=WEEKLY;INTERVAL=4;COUNT=6",
            "online_url": VISIO_LINK + "codev",
            "capacity": 6,
            "requires_approval": True,
        }
        if circle is not None:
            codev_data = event_services.EventData(
                organisers=[coordinator], audience=Audience.CIRCLE, **codev_values
            )
            created.append(
                event_services.create_event(by=coordinator, owner=circle, data=codev_data)
            )
        else:
            make(network, audience=Audience.NETWORK, **codev_values)

        stops = _tour_places(managed)
        if len(stops) >= 2:
            tour_day = today + datetime.timedelta(days=23)
            tour = make(
                network,
                kind=EventKind.TOUR,
                title="Tournée à vélo des tiers-lieux",
                description=(
                    "Une journée à vélo d'un lieu à l'autre : visite, café, présentation des "
                    "projets de chaque lieu. Vélos à assistance électrique prêtés sur demande."
                ),
                starts_at=_at(tour_day, 9),
                ends_at=_at(tour_day, 18),
                venue=stops[0],
                capacity=15,
                tags=["vélo", "visite"],
            )
            for index, place in enumerate(stops):
                arrives = _at(tour_day, 9 + 2 * index)
                stop = event_services.add_stop(
                    by=coordinator,
                    event=tour,
                    place=place,
                    arrives_at=arrives,
                    leaves_at=arrives + datetime.timedelta(hours=1, minutes=30),
                    note="Visite et présentation du lieu.",
                )
                event_services.confirm_stop(by=managers[place.pk], stop=stop)

        if managed:
            training_day = today + datetime.timedelta(days=30)
            make(
                network,
                kind=EventKind.TRAINING,
                title="Formation : animer la communauté d'un tiers-lieu",
                description=(
                    "Deux jours pour outiller les personnes qui animent un lieu : accueil, "
                    "gouvernance partagée, faire vivre les communs. Prise en charge possible par "
                    "votre OPCO."
                ),
                starts_at=_at(training_day, 9),
                ends_at=_at(training_day + datetime.timedelta(days=1), 17),
                venue=managed[0],
                capacity=12,
                price_cents=35_000,
                tags=["formation"],
            )

        if managed:
            _peer_meeting(make, network, managed, managers, today=today)

        # Coworkers of the demo take seats at the next café and at the thematic visio.
        coworkers = list(
            demo_users()
            .filter(place_roles__role=PlaceRole.Role.MEMBER)
            .order_by("pk")
            .distinct()[:8]
        )
        member = demo_users().filter(email__startswith="membre@").first()
        for event in created[:2]:
            occurrence = event.occurrences.order_by("starts_at").first()
            for person in [*([member] if member else []), *coworkers]:
                registration_services.register(occurrence=occurrence, user=person)
    return len(created)
