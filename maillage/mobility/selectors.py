"""Reads of mobility, and the permission checkpoints every mobility view goes through."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from maillage.accounts.models import User
from maillage.ledger.models import Transfer
from maillage.mobility import settlement
from maillage.mobility.models import (
    HOLDING_STATUSES,
    Booking,
    Half,
    HostDay,
    HostOffer,
    Pass,
    QuotaPeriod,
    Scheme,
    SchemeVersion,
)
from maillage.mobility.settlement import Flow, PlaceStatement
from maillage.networks.models import Membership, MembershipStatus, Network
from maillage.networks.selectors import get_network_for_coordinator, is_coordinator
from maillage.places.models import Place, PlaceRole
from maillage.places.selectors import can_edit_place, get_place_for_manager

AnyUser = User | AnonymousUser


# --- schemes ----------------------------------------------------------------------------------


def version_on(*, scheme: Scheme, day: datetime.date) -> SchemeVersion | None:
    """The version of the scheme in force on `day` (None before its first version or after its end)."""
    versions = getattr(scheme, "prefetched_versions", None)
    if versions is None:
        versions = list(scheme.versions.order_by("-effective_from"))
    for version in versions:
        if version.effective_from <= day:
            return version if version.covers(day) else None
    return None


def network_schemes(*, network: Network) -> list[Scheme]:
    """The network's schemes, each with its versions (newest first) in `prefetched_versions`."""
    return list(
        network.mobility_schemes.select_related("network")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=SchemeVersion.objects.order_by("-effective_from"),
                to_attr="prefetched_versions",
            )
        )
        .annotate(
            active_passes=Count("passes", filter=Q(passes__status=Pass.Status.ACTIVE)),
        )
        .order_by("name")
    )


def get_scheme_for_coordinator(*, user: AnyUser, slug: str, pk: int) -> Scheme:
    """Return a scheme of a network the user coordinates; Http404 / PermissionDenied otherwise."""
    network = get_network_for_coordinator(user=user, slug=slug)
    return get_object_or_404(
        Scheme.objects.select_related("network").prefetch_related(
            Prefetch(
                "versions",
                queryset=SchemeVersion.objects.order_by("-effective_from"),
                to_attr="prefetched_versions",
            )
        ),
        network=network,
        pk=pk,
    )


def networks_of_place(*, place: Place) -> QuerySet[Network]:
    """The networks the place is an accepted member of, by name."""
    return Network.objects.filter(
        memberships__place=place, memberships__status=MembershipStatus.ACCEPTED
    ).order_by("name")


def is_place_in_network(*, place: Place, network: Network) -> bool:
    return Membership.objects.filter(
        place=place, network=network, status=MembershipStatus.ACCEPTED
    ).exists()


def member_places(*, user: AnyUser) -> QuerySet[Place]:
    """The places where this person is a member (coworker), by name."""
    if not user.is_authenticated:
        return Place.objects.none()
    return (
        Place.objects.filter(roles__user=user, roles__role=PlaceRole.Role.MEMBER)
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class SchemeChoice:
    scheme: Scheme
    home_place: Place
    version: SchemeVersion


def subscribable_schemes(*, user: AnyUser, today: datetime.date) -> list[SchemeChoice]:
    """Schemes in force today of the networks this person's places belong to, not yet held."""
    places = list(member_places(user=user))
    if not places:
        return []
    memberships = Membership.objects.filter(
        place__in=places, status=MembershipStatus.ACCEPTED
    ).select_related("place")
    home_by_network: dict[int, Place] = {}
    for membership in memberships:
        home_by_network.setdefault(membership.network_id, membership.place)
    held = set(
        Pass.objects.filter(holder=user, status=Pass.Status.ACTIVE).values_list(
            "scheme_id", flat=True
        )
    )
    schemes = (
        Scheme.objects.filter(network_id__in=home_by_network)
        .exclude(pk__in=held)
        .select_related("network")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=SchemeVersion.objects.order_by("-effective_from"),
                to_attr="prefetched_versions",
            )
        )
        .order_by("network__name", "name")
    )
    choices = []
    for scheme in schemes:
        version = version_on(scheme=scheme, day=today)
        if version is not None:
            choices.append(SchemeChoice(scheme, home_by_network[scheme.network_id], version))
    return choices


# --- host offers ------------------------------------------------------------------------------


def offer_of(*, place: Place) -> HostOffer | None:
    return HostOffer.objects.filter(place=place).first()


def get_place_and_offer_for_manager(*, user: AnyUser, slug: str) -> tuple[Place, HostOffer | None]:
    """Return a place the user manages and its host offer (None if not yet published)."""
    place = get_place_for_manager(user=user, slug=slug)
    return place, offer_of(place=place)


@dataclass(frozen=True)
class Availability:
    offer: HostOffer
    capacity: int
    free_am: int
    free_pm: int

    @property
    def free_full(self) -> int:
        return min(self.free_am, self.free_pm)

    @property
    def place(self) -> Place:
        return self.offer.place


def free_desks(*, offer: HostOffer, host_day: HostDay | None, day: datetime.date) -> Availability:
    capacity = offer.desks_on(day)
    am = host_day.am_booked if host_day else 0
    pm = host_day.pm_booked if host_day else 0
    return Availability(offer, capacity, max(capacity - am, 0), max(capacity - pm, 0))


def available_hosts(
    *, day: datetime.date, network: Network | None = None, exclude_place_ids: set[int] = frozenset()
) -> list[Availability]:
    """Host places (active offer, published, accepted in a network) with a free desk on `day`."""
    offers = HostOffer.objects.filter(
        is_active=True,
        place__is_published=True,
        place__memberships__status=MembershipStatus.ACCEPTED,
    )
    if network is not None:
        offers = offers.filter(place__memberships__network=network)
    offers = (
        offers.exclude(place_id__in=exclude_place_ids)
        .select_related("place", "place__commune")
        .prefetch_related(
            Prefetch("days", queryset=HostDay.objects.filter(day=day), to_attr="the_day")
        )
        .distinct()
        .order_by("place__name")
    )
    found = []
    for offer in offers:
        availability = free_desks(
            offer=offer, host_day=offer.the_day[0] if offer.the_day else None, day=day
        )
        if availability.free_am or availability.free_pm:
            found.append(availability)
    return found


def get_bookable_offer(*, slug: str) -> HostOffer:
    """Return the active host offer of a published place; Http404 otherwise."""
    offer = get_object_or_404(
        HostOffer.objects.select_related("place", "place__commune"),
        place__slug=slug,
        place__is_published=True,
    )
    if not offer.is_active:
        raise Http404
    return offer


def host_day_bookings(*, offer: HostOffer, day: datetime.date) -> list[Booking]:
    """The bookings of a host on a day, all statuses, with their holders and home places."""
    return list(
        Booking.objects.filter(offer=offer, day=day)
        .select_related("member_pass__holder", "member_pass__home_place", "member_pass__scheme")
        .order_by("status", "pk")
    )


def pending_bookings(*, offer: HostOffer) -> list[Booking]:
    return list(
        Booking.objects.filter(offer=offer, status=Booking.Status.PENDING)
        .select_related("member_pass__holder", "member_pass__home_place")
        .order_by("day", "pk")
    )


# --- passes and bookings ----------------------------------------------------------------------


def passes_of(*, user: AnyUser) -> list[Pass]:
    if not user.is_authenticated:
        return []
    return list(
        Pass.objects.filter(holder=user)
        .select_related("scheme", "scheme__network", "home_place")
        .order_by("status", "-created_at")
    )


def own_place_ids(*, user: AnyUser) -> set[int]:
    """The places a person works from (a role there, or the home place of a pass): they need
    no booking there, so the find-a-desk page does not offer them."""
    if not user.is_authenticated:
        return set()
    roles = PlaceRole.objects.filter(user=user).values_list("place_id", flat=True)
    homes = Pass.objects.filter(holder=user, status=Pass.Status.ACTIVE).values_list(
        "home_place_id", flat=True
    )
    return set(roles) | set(homes)


def active_passes_of(*, user: AnyUser) -> QuerySet[Pass]:
    if not user.is_authenticated:
        return Pass.objects.none()
    return Pass.objects.filter(holder=user, status=Pass.Status.ACTIVE).select_related(
        "scheme", "scheme__network", "home_place"
    )


def can_view_pass(*, user: AnyUser, pass_: Pass) -> bool:
    """The holder, coordinators of the scheme's network and admins may see a pass."""
    if not user.is_authenticated:
        return False
    return pass_.holder_id == user.pk or is_coordinator(user=user, network=pass_.scheme.network)


def get_pass_for_viewer(*, user: AnyUser, pk: int) -> Pass:
    """Return a pass for its holder or coordinators; Http404 otherwise (someone else's pass is
    not there for you: a 403 would tell which ids exist)."""
    pass_ = get_object_or_404(
        Pass.objects.select_related("scheme", "scheme__network", "holder", "home_place"), pk=pk
    )
    if not can_view_pass(user=user, pass_=pass_):
        raise Http404
    return pass_


def period_bounds(*, day: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    """The [start, end) of the quota period holding `day`: its calendar month or year."""
    if period == QuotaPeriod.YEAR:
        return day.replace(month=1, day=1), day.replace(year=day.year + 1, month=1, day=1)
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def used_halves(*, pass_: Pass, start: datetime.date, end: datetime.date) -> int:
    """Half days of the quota taken by the pass's holding bookings in [start, end)."""
    counts = Booking.objects.filter(
        member_pass=pass_, day__gte=start, day__lt=end, status__in=HOLDING_STATUSES
    ).aggregate(
        full=Count("pk", filter=Q(half=Half.FULL)), halves=Count("pk", filter=~Q(half=Half.FULL))
    )
    return 2 * counts["full"] + counts["halves"]


@dataclass(frozen=True)
class PassUsage:
    version: SchemeVersion | None
    start: datetime.date
    end: datetime.date
    used_halves: int

    @property
    def quota_days(self) -> int:
        return self.version.quota_days if self.version else 0

    @property
    def used_days(self) -> float:
        return self.used_halves / 2

    @property
    def remaining_days(self) -> float:
        return max(self.quota_days - self.used_days, 0)


def pass_usage(*, pass_: Pass, day: datetime.date) -> PassUsage:
    """Quota, days used and days remaining of the pass in the period holding `day`."""
    version = version_on(scheme=pass_.scheme, day=day)
    period = version.quota_period if version else QuotaPeriod.MONTH
    start, end = period_bounds(day=day, period=period)
    return PassUsage(version, start, end, used_halves(pass_=pass_, start=start, end=end))


def pass_bookings(*, pass_: Pass) -> list[Booking]:
    return list(
        pass_.bookings.select_related("offer__place", "offer__place__commune").order_by(
            "-day", "-pk"
        )
    )


def pass_transfers(*, pass_: Pass) -> list[Transfer]:
    """The money movements of a pass: its fees and the payments of its visits, oldest first."""
    return list(
        (
            Transfer.objects.caused_by(pass_)
            | Transfer.objects.caused_by_any(pass_.bookings.order_by())
        )
        .select_related("debit__network", "credit__network")
        # Each side is named after its owner (the place, the member).
        .prefetch_related("debit__owner", "credit__owner")
        .order_by("created_at", "pk")
    )


def get_booking_for_holder(*, user: AnyUser, pk: int) -> Booking:
    """Return a booking of the user's own pass; Http404 otherwise (ids are not to be guessed)."""
    booking = get_object_or_404(
        Booking.objects.select_related("member_pass", "member_pass__scheme", "offer__place"), pk=pk
    )
    if not user.is_authenticated or booking.member_pass.holder_id != user.pk:
        raise Http404
    return booking


def get_booking_for_host(*, user: AnyUser, pk: int) -> Booking:
    """Return a booking at a place the user manages; Http404 otherwise."""
    booking = get_object_or_404(
        Booking.objects.select_related(
            "member_pass",
            "member_pass__holder",
            "member_pass__home_place",
            "member_pass__scheme",
            "offer__place",
        ),
        pk=pk,
    )
    if not can_edit_place(user=user, place=booking.offer.place):
        raise Http404
    return booking


# --- statements -------------------------------------------------------------------------------


def place_statement(*, place: Place, network: Network, month: datetime.date) -> PlaceStatement:
    """A place's statement for a month: see `settlement.place_statement` (frozen once closed)."""
    return settlement.place_statement(place=place, network=network, month=month)


def get_statement_for_viewer(
    *, user: AnyUser, slug: str, network_slug: str
) -> tuple[Place, Network]:
    """Return a place and a network it belongs to, for its managers or the network's coordinators;
    Http404 / PermissionDenied otherwise."""
    place = get_object_or_404(Place, slug=slug)
    network = get_object_or_404(Network, slug=network_slug)
    if not (can_edit_place(user=user, place=place) or is_coordinator(user=user, network=network)):
        raise PermissionDenied
    if not Membership.objects.filter(place=place, network=network).exists():
        raise Http404
    return place, network


def network_flows(*, network: Network, month: datetime.date) -> list[Flow]:
    """Visits of a month from home place to host place with the amounts the hosts received:
    see `settlement.settle_month` (frozen once closed)."""
    return settlement.settle_month(network=network, month=month).flows


# --- for a person's own space (Mon espace) -----------------------------------------------------


def upcoming_bookings_of(*, user: AnyUser, limit: int = 5) -> list[Booking]:
    """The person's coming visits (pending or confirmed), soonest first."""
    if not user.is_authenticated:
        return []
    return list(
        Booking.objects.filter(
            member_pass__holder=user,
            day__gte=timezone.localdate(),
            status__in=[Booking.Status.PENDING, Booking.Status.CONFIRMED],
        )
        .select_related("offer__place")
        .order_by("day", "pk")[:limit]
    )


def bookings_to_accept(*, user: AnyUser) -> list[Booking]:
    """The bookings waiting for a decision at the places this person manages, soonest first."""
    if not user.is_authenticated:
        return []
    return list(
        Booking.objects.filter(
            status=Booking.Status.PENDING,
            offer__place__roles__user=user,
            offer__place__roles__role=PlaceRole.Role.MANAGER,
        )
        .select_related("offer__place", "member_pass__holder")
        .order_by("day", "pk")
        .distinct()
    )


def visits_to_check_in(*, user: AnyUser) -> list[Place]:
    """The places this person manages that expect visitors today not checked in yet, each with
    how many (`to_check_in`), by name."""
    if not user.is_authenticated:
        return []
    return list(
        Place.objects.filter(roles__user=user, roles__role=PlaceRole.Role.MANAGER)
        .annotate(
            to_check_in=Count(
                "host_offer__bookings",
                filter=Q(
                    host_offer__bookings__day=timezone.localdate(),
                    host_offer__bookings__status=Booking.Status.CONFIRMED,
                ),
                distinct=True,
            )
        )
        .filter(to_check_in__gt=0)
        .order_by("name")
    )
