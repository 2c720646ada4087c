"""Demo mobility of the regional demo network, built through the mobility services so the
ledger and the statements are real.

Three schemes, one of each model (pass réseau, rétrocession, tarif préférentiel), in force since
the first day of the month before last; host offers at the first managed member places (the
first one open every day, the second one asking to approve each booking); passes held by demo
coworkers since then, the demo coworker's included; visits of last month (checked in, one
missed) and of this month so far, recorded as history; last month closed with its statements;
then, live, bookings of today and of the coming days (one to approve, one cancelled) — all
dated from today, so the demo is alive whenever it is loaded.

Idempotent: nothing happens if the demo network already has its schemes.
`delete_demo_mobility` removes all of it (ledger rows included) before a `load_demo --reset`.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from maillage.accounts.models import User
from maillage.demo.selectors import EXTERNAL_PREFIX, REGIONAL_SLUG, demo_networks, demo_places
from maillage.ledger.models import Account, Transfer
from maillage.mobility import booking as booking_services
from maillage.mobility import history
from maillage.mobility import services as mobility_services
from maillage.mobility.models import (
    Booking,
    ClosedMonth,
    Half,
    HostDay,
    HostOffer,
    MobilityReason,
    Pass,
    Scheme,
    SchemeModel,
)
from maillage.mobility.selectors import is_place_in_network, network_schemes
from maillage.mobility.settlement import close_month, previous_month
from maillage.networks.models import Network, NetworkRole
from maillage.places.models import Place, PlaceRole

HOSTS = 6
HOLDERS = 7


@dataclass(frozen=True)
class _Scheme:
    name: str
    model: str
    description: str
    terms: mobility_services.SchemeTerms


SCHEMES = [
    _Scheme(
        "Nomade",
        SchemeModel.PASS,
        "30 € par mois pour 4 jours par mois dans les lieux d'accueil du réseau ; le réseau "
        "verse 15 € par journée (9 € la demi-journée) au lieu qui vous accueille.",
        mobility_services.SchemeTerms(
            quota_days=4,
            monthly_price_cents=3000,
            day_rate_cents=1500,
            half_day_rate_cents=900,
        ),
    ),
    _Scheme(
        "Réciprocité",
        SchemeModel.RETROCESSION,
        "Votre lieu d'attache encaisse 40 € par mois et reverse 60 % de la valeur de chaque "
        "journée passée ailleurs au lieu qui vous accueille (6 jours par mois).",
        mobility_services.SchemeTerms(
            quota_days=6, monthly_price_cents=4000, retrocession_share_bp=6000
        ),
    ),
    _Scheme(
        "Tarif réseau",
        SchemeModel.PREFERENTIAL,
        "Sans abonnement : vous payez au lieu d'accueil sa journée à 20 € moins 30 % "
        "(14 €, 8,40 € la demi-journée), jusqu'à 8 jours par mois.",
        mobility_services.SchemeTerms(
            quota_days=8,
            day_rate_cents=2000,
            half_day_rate_cents=1200,
            preferential_discount_bp=3000,
        ),
    ),
]
# The scheme of each pass holder, in order (the first is the demo coworker's).
HOLDER_SCHEMES = [0, 0, 1, 2, 1, 2, 0]

# Desks from Monday to Sunday of the host offers, in order; the first host opens every day so
# its manager has visitors to check in whatever the day the demo is loaded.
DESKS = [
    [6, 6, 6, 6, 6, 3, 3],
    [4, 4, 4, 4, 4, 0, 0],
    [3, 3, 3, 3, 3, 2, 0],
    [3, 3, 3, 3, 3, 0, 0],
]
INSTRUCTIONS = (
    "Présentez-vous à l'accueil avec votre pass (QR code) : on vous montre votre poste, le "
    "wifi et la cuisine partagée. Café offert, merci de laver votre tasse."
)


def _open_days(offer: HostOffer, start: datetime.date, end: datetime.date) -> Iterator:
    """The days in [start, end) on which the host has desks."""
    day = start
    while day < end:
        if offer.desks_on(day):
            yield day
        day += datetime.timedelta(days=1)


@dataclass
class _Story:
    network: Network
    coordinator: User
    today: datetime.date
    managers: dict[int, User]
    offers: list[HostOffer] = field(default_factory=list)
    passes: list[Pass] = field(default_factory=list)
    keys: int = 0

    def key(self) -> str:
        self.keys += 1
        return f"demo-mobility-{self.network.pk}-{self.keys}"

    def hosts_for(self, pass_: Pass, shift: int) -> list[HostOffer]:
        """The hosts a holder visits (not their own place), rotated by `shift`."""
        hosts = [offer for offer in self.offers if offer.place_id != pass_.home_place_id]
        shift %= max(len(hosts), 1)
        return hosts[shift:] + hosts[:shift]

    def first(self, attempts: Iterator, make: Callable) -> Booking | None:
        """Try `make(offer, day)` on each (offer, day) until one is accepted."""
        for offer, day in attempts:
            try:
                return make(offer, day)
            except (
                booking_services.DayFull,
                booking_services.DuplicateBooking,
                booking_services.QuotaExhausted,
            ):
                continue
        return None

    def past(self, pass_: Pass, offer: HostOffer, day: datetime.date, attended: bool) -> Booking:
        return history.record_past_visit(
            pass_=pass_,
            place=offer.place,
            day=day,
            half=Half.FULL if self.keys % 3 else Half.AM,
            attended=attended,
            idempotency_key=self.key(),
            by=self.managers[offer.place_id],
        )

    def book(self, pass_: Pass, offer: HostOffer, day: datetime.date) -> Booking:
        return booking_services.book_visit(
            pass_=pass_,
            place=offer.place,
            day=day,
            idempotency_key=self.key(),
            by=pass_.holder,
        )


def _regional_context() -> tuple[Network, User] | None:
    network = Network.objects.filter(slug=REGIONAL_SLUG).first()
    if network is None:
        return None
    coordinator = (
        User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    return (network, coordinator) if coordinator else None


def _census_order(place: Place) -> int:
    return int(place.external_id.removeprefix(EXTERNAL_PREFIX))


def load_demo_mobility(*, now: datetime.datetime | None = None) -> dict[str, str]:
    """Build the demo mobility once; return what each demo person can try, by e-mail."""
    context = _regional_context()
    if context is None:
        return {}
    network, coordinator = context
    if any(scheme.name == SCHEMES[0].name for scheme in network_schemes(network=network)):
        keep_a_request_pending(network=network, now=now)
        return {}
    today = timezone.localdate(now or timezone.now())
    this_month = today.replace(day=1)
    last_month = previous_month(this_month)
    since = previous_month(last_month)

    managers = {
        role.place_id: role.user
        for role in PlaceRole.objects.filter(
            place__in=demo_places(), role=PlaceRole.Role.MANAGER
        ).select_related("user")
    }
    hosts = sorted(
        (
            place
            for place in demo_places().filter(pk__in=managers)
            if is_place_in_network(place=place, network=network)
        ),
        key=_census_order,
    )[:HOSTS]
    members = [
        (role.user, role.place)
        for role in PlaceRole.objects.filter(place__in=demo_places(), role=PlaceRole.Role.MEMBER)
        .select_related("user", "place")
        .order_by("user_id")
        if is_place_in_network(place=role.place, network=network)
    ][:HOLDERS]
    if len(hosts) < 2 or not members:
        return {}

    story = _Story(network=network, coordinator=coordinator, today=today, managers=managers)
    with transaction.atomic():
        for index, place in enumerate(hosts):
            story.offers.append(
                mobility_services.save_host_offer(
                    place=place,
                    by=managers[place.pk],
                    desks=DESKS[min(index, len(DESKS) - 1)],
                    closed_dates=[],
                    half_days_allowed=True,
                    instructions=INSTRUCTIONS,
                    approval_required=index == 1,
                    approval_hours=48,
                    is_active=True,
                )
            )
        schemes = [
            history.record_scheme_since(
                network=network,
                by=coordinator,
                name=spec.name,
                model=spec.model,
                since=since,
                terms=spec.terms,
                description=spec.description,
            )
            for spec in SCHEMES
        ]
        for (person, home), scheme_index in zip(members, HOLDER_SCHEMES, strict=False):
            story.passes.append(
                history.record_pass_since(
                    scheme=schemes[scheme_index], holder=person, home_place=home, since=since
                )
            )

        # Last month: two or three visits each, the demo coworker missing one.
        for index, pass_ in enumerate(story.passes):
            hosts_of = story.hosts_for(pass_, index)
            for visit in range(2 + index % 2 if index else 3):
                offer = hosts_of[visit % len(hosts_of)]
                start = last_month + datetime.timedelta(days=3 * visit + index)
                attended = not (index == 0 and visit == 1)
                story.first(
                    ((offer, day) for day in _open_days(offer, start, this_month)),
                    lambda offer, day, p=pass_, a=attended: story.past(p, offer, day, a),
                )
        close_month(network=network, month=last_month, by=coordinator)

        # This month so far: one visit each (when the month has a past yet).
        for index, pass_ in enumerate(story.passes):
            hosts_of = story.hosts_for(pass_, index + 1)
            story.first(
                (
                    (offer, day)
                    for offer in hosts_of
                    for day in _open_days(offer, this_month, today)
                ),
                lambda offer, day, p=pass_: story.past(p, offer, day, True),
            )

        # Today and the coming days, live: visitors at the first host (one already checked in),
        # the demo coworker's visits elsewhere (one awaiting the host's approval), one cancelled.
        first_host = story.offers[0]
        week = list(_open_days(first_host, today, today + datetime.timedelta(days=7)))
        visitors = [p for p in story.passes if p.home_place_id != first_host.place_id]
        for index, pass_ in enumerate(visitors[:4]):
            days = week[index // 2 * 2 :] if index else week
            booked = story.first(
                ((first_host, day) for day in days),
                lambda offer, day, p=pass_: story.book(p, offer, day),
            )
            if index == 0 and booked is not None and booked.day == today:
                booking_services.check_in(booking=booked, by=managers[first_host.place_id])
        holder = story.passes[0]
        for shift, offer in enumerate(story.hosts_for(holder, 0)[:3]):
            start = today + datetime.timedelta(days=2 + 3 * shift)
            booked = story.first(
                ((offer, day) for day in _open_days(offer, start, start + datetime.timedelta(14))),
                lambda offer, day: story.book(holder, offer, day),
            )
            if shift == 2 and booked is not None:
                booking_services.cancel_booking(booking=booked, by=holder.holder)

    return _notes(story, hosts, last_month)


def keep_a_request_pending(*, network: Network, now: datetime.datetime | None = None) -> bool:
    """Give the demo host that approves each booking a request to answer again, if none waits.

    A request expires when its host does not answer within the offer's delay (48 hours), so
    the one built with the demo would be gone two days after `make run`; each `load_demo` (each
    `make run`) books a new one for the coming days, for the same coworker (the first pass of
    the network). Nothing happens while a request still waits. Return whether one was booked.
    """
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    offer = (
        HostOffer.objects.filter(
            place__in=demo_places(),
            approval_required=True,
            is_active=True,
            place__memberships__network=network,
        )
        .select_related("place")
        .order_by("pk")
        .first()
    )
    if (
        offer is None
        or Booking.objects.filter(
            offer=offer, status=Booking.Status.PENDING, approval_due_at__gt=moment
        ).exists()
    ):
        return False
    pass_ = (
        Pass.objects.filter(scheme__network=network, status=Pass.Status.ACTIVE)
        .exclude(home_place=offer.place)
        .select_related("holder", "scheme", "home_place")
        .order_by("pk")
        .first()
    )
    if pass_ is None:
        return False
    start = today + datetime.timedelta(days=2)
    for day in _open_days(offer, start, start + datetime.timedelta(days=14)):
        try:
            booking_services.book_visit(
                pass_=pass_,
                place=offer.place,
                day=day,
                idempotency_key=f"demo-mobility-{network.pk}-request-{today:%Y%m%d}-{day:%Y%m%d}",
                by=pass_.holder,
            )
        except booking_services.BookingError:
            continue
        return True
    return False


def _notes(story: _Story, hosts: list[Place], last_month: datetime.date) -> dict[str, str]:
    holder = story.passes[0]
    upcoming = Booking.objects.filter(
        member_pass=holder, day__gte=story.today, status__in=["pending", "confirmed"]
    ).count()
    month = date_format(last_month, "F Y")
    notes = {
        holder.holder.email: (
            f"Mobilité : son pass « {holder.scheme.name} », "
            + (f"{upcoming} visites à venir" if upcoming > 1 else f"{upcoming} visite à venir")
            + ", réserver un poste dans un autre lieu (/mobilite/)."
        ),
        story.coordinator.email: (
            f"Mobilité : {len(SCHEMES)} formules, relevés et flux de {month} (mois clôturé)."
        ),
    }
    first, second = hosts[0], hosts[1]
    notes[story.managers[first.pk].email] = (
        f"Accueil de « {first.name} » : visiteurs du jour et de la semaine à pointer, relevés."
    )
    notes.setdefault(
        story.managers[second.pk].email,
        f"Accueil de « {second.name} » : une réservation à valider.",
    )
    return notes


# --- deleting (reset) -------------------------------------------------------------------------


def delete_demo_mobility() -> None:
    """Delete the demo networks' mobility and its ledger rows (demo only: real transfers are
    never deleted)."""
    networks = list(demo_networks())
    schemes = Scheme.objects.filter(network__in=networks)
    if not schemes.exists() and not HostOffer.objects.filter(place__in=demo_places()).exists():
        return
    with transaction.atomic():
        accounts = Account.objects.filter(network__in=networks)
        transfers = Transfer.objects.filter(
            Q(debit__in=accounts) | Q(credit__in=accounts),
            reason__in=MobilityReason.values,
        )
        reversals = Transfer.objects.filter(reverses__in=transfers)
        # Transfers refuse deletion through their manager (the ledger is append-only); the demo
        # is the one place allowed to drop its own, reversals first.
        models.QuerySet.delete(reversals)
        models.QuerySet.delete(transfers)
        used = set(Transfer.objects.values_list("debit_id", flat=True).order_by()) | set(
            Transfer.objects.values_list("credit_id", flat=True).order_by()
        )
        accounts.exclude(pk__in=list(used)).delete()
        offers = HostOffer.objects.filter(place__in=demo_places())
        Booking.objects.filter(Q(offer__in=offers) | Q(member_pass__scheme__in=schemes)).delete()
        Pass.objects.filter(Q(scheme__in=schemes) | Q(home_place__in=demo_places())).delete()
        HostDay.objects.filter(offer__in=offers).delete()
        offers.delete()
        schemes.delete()
        ClosedMonth.objects.filter(network__in=networks).delete()
