"""Reads of governance, and the permission checkpoints its views and API go through."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from maillage.accounts.models import User
from maillage.circles.selectors import is_network_member
from maillage.governance.models import (
    DebateSpace,
    Election,
    FeeCall,
    FeeSchedule,
    GovernanceMeeting,
    GovernanceRole,
    Proposal,
    VolunteerEntry,
)
from maillage.networks.models import Network
from maillage.networks.selectors import (
    AnyUser,
    ancestor_ids,
    by_level,
    descendant_ids,
    is_coordinator,
    member_places,
    networks_coordinated_by,
    networks_of,
)
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, places_managed_by

STEWARD = "steward"  # circles.models.CircleRole.STEWARD, whose models a feature may not import

# --- who may do what --------------------------------------------------------------------------


def is_treasurer(*, user: AnyUser, network: Network) -> bool:
    """The network's treasurers (or an ancestor's), its coordinators, and admins."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user=user, network=network):
        return True
    ids = [network.pk, *ancestor_ids(network=network)]
    return GovernanceRole.objects.filter(
        user=user, role=GovernanceRole.Role.TREASURER, network_id__in=ids
    ).exists()


def networks_treasured_by(*, user: AnyUser) -> QuerySet[Network]:
    """The networks whose fees and accounts this person keeps (treasurer or coordinator)."""
    if not user.is_authenticated:
        return Network.objects.none()
    direct = set(
        GovernanceRole.objects.filter(user=user, role=GovernanceRole.Role.TREASURER).values_list(
            "network_id", flat=True
        )
    )
    ids = direct | descendant_ids(network_ids=direct)
    ids |= set(networks_coordinated_by(user=user).values_list("pk", flat=True))
    # Widest first: a regional treasurer sees their own network before the local ones under it.
    return by_level(Network.objects.filter(pk__in=ids))


def is_member(*, user: AnyUser, network: Network) -> bool:
    """Members of the network: its roles, people of its accepted places, treasurers."""
    return is_network_member(user=user, network=network) or is_treasurer(user=user, network=network)


def get_network_for_treasurer(*, user: AnyUser, slug: str) -> Network:
    network = get_object_or_404(Network, slug=slug)
    if not is_treasurer(user=user, network=network):
        raise PermissionDenied
    return network


def get_network_for_member(*, user: AnyUser, slug: str) -> Network:
    network = get_object_or_404(Network, slug=slug)
    if not is_member(user=user, network=network):
        raise PermissionDenied
    return network


def can_validate_volunteering(*, user: AnyUser, network: Network) -> bool:
    """Coordinators of the network; soucieux·ses of one of its circles."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user=user, network=network):
        return True
    from maillage.circles.selectors import roles_of_person

    return any(
        mine.current is not None
        and mine.current.member.role == STEWARD
        and mine.circle.network_id == network.pk
        for mine in roles_of_person(user=user)
    )


# --- fees -------------------------------------------------------------------------------------


def schedules_of(*, network: Network) -> QuerySet[FeeSchedule]:
    return FeeSchedule.objects.filter(network=network).prefetch_related("brackets")


def get_schedule_for_treasurer(*, user: AnyUser, pk: int) -> FeeSchedule:
    schedule = get_object_or_404(FeeSchedule.objects.select_related("network"), pk=pk)
    if not is_treasurer(user=user, network=schedule.network):
        raise PermissionDenied
    return schedule


def calls_of(*, schedule: FeeSchedule) -> QuerySet[FeeCall]:
    return (
        schedule.calls.select_related("place", "person", "schedule__network")
        .prefetch_related("payments")
        .order_by("status", "place__name", "pk")
    )


def can_view_call(*, user: AnyUser, call: FeeCall) -> bool:
    if is_treasurer(user=user, network=call.schedule.network):
        return True
    if call.place_id is not None:
        return can_edit_place(user=user, place=call.place)  # type: ignore[arg-type]
    return user.is_authenticated and call.person_id == user.pk


def get_call_for_viewer(*, user: AnyUser, pk: int) -> FeeCall:
    call = get_object_or_404(
        FeeCall.objects.select_related("schedule__network", "place", "person"), pk=pk
    )
    if not can_view_call(user=user, call=call):
        raise PermissionDenied
    return call


def calls_for_person(*, user: AnyUser) -> QuerySet[FeeCall]:
    """The calls a person must answer: their places' and their own."""
    if not user.is_authenticated:
        return FeeCall.objects.none()
    return (
        FeeCall.objects.filter(Q(place__in=places_managed_by(user=user)) | Q(person=user))
        .select_related("schedule__network", "place", "person")
        .prefetch_related("payments")
        .order_by("-due_on", "pk")
    )


def covering_call(*, network: Network, place: Place, on: datetime.date) -> FeeCall | None:
    return (
        FeeCall.objects.filter(
            schedule__network=network, place=place, period_start__lte=on, period_end__gte=on
        )
        .order_by("-period_start")
        .first()
    )


def is_up_to_date(*, network: Network, place: Place, on: datetime.date | None = None) -> bool:
    """Whether the place may vote: an accepted member whose fee for the period is paid (or not
    yet due; a network that calls no fee leaves every member up to date)."""
    on = on or timezone.localdate()
    call = covering_call(network=network, place=place, on=on)
    if call is None:
        return True
    return call.status == FeeCall.Status.PAID or (
        call.status == FeeCall.Status.CALLED and call.due_on >= on
    )


def voting_places(*, network: Network, on: datetime.date | None = None) -> list[Place]:
    """The member places with voting rights: accepted and up to date with their fee."""
    return [
        p for p in member_places(network=network) if is_up_to_date(network=network, place=p, on=on)
    ]


# --- volunteering -----------------------------------------------------------------------------


def entries_to_validate(*, user: AnyUser) -> QuerySet[VolunteerEntry]:
    if not user.is_authenticated:
        return VolunteerEntry.objects.none()
    networks = [
        n for n in networks_of(user=user) if can_validate_volunteering(user=user, network=n)
    ]
    networks += list(networks_coordinated_by(user=user))
    return (
        VolunteerEntry.objects.filter(network__in=networks, status=VolunteerEntry.Status.PENDING)
        .exclude(person=user)
        .select_related("person", "network")
        .order_by("day", "pk")
    )


# --- debates ----------------------------------------------------------------------------------


def spaces_for(*, user: AnyUser) -> QuerySet[DebateSpace]:
    """Every debate space is readable by everyone; writing needs membership."""
    return DebateSpace.objects.select_related("network", "circle").order_by(
        "network__name", "title"
    )


def get_space(*, slug: str) -> DebateSpace:
    return get_object_or_404(DebateSpace.objects.select_related("network", "circle"), slug=slug)


def get_proposal(*, slug: str) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("space__network", "author", "place"), slug=slug
    )


def can_take_part(*, user: AnyUser, space: DebateSpace) -> bool:
    """Members of the space's network may open, comment and support (the national network's
    spaces are open to every member of any network)."""
    if not user.is_authenticated:
        return False
    if space.network.level == Network.Level.NATIONAL and space.network.parent_id is None:
        return networks_of(user=user).exists() or is_member(user=user, network=space.network)
    return is_member(user=user, network=space.network)


def can_moderate(*, user: AnyUser, space: DebateSpace) -> bool:
    return is_coordinator(user=user, network=space.network)


def places_that_may_support(*, user: AnyUser, proposal: Proposal) -> list[Place]:
    """The places this person manages that are accepted members of the proposal's network."""
    members = {p.pk for p in member_places(network=proposal.space.network)}
    return [p for p in places_managed_by(user=user) if p.pk in members]


def circles_for_spaces(*, user: AnyUser, network: Network) -> list:
    """The network's circles this person may open a debate space for: all of them for its
    coordinators, those where they are soucieux·se otherwise."""
    from maillage.circles.selectors import is_steward, network_circles

    if not user.is_authenticated:
        return []
    circles = network_circles(network=network)
    if is_coordinator(user=user, network=network):
        return circles
    return [c for c in circles if is_steward(user=user, circle=c)]


def spaces_of_circle_with_counts(*, circle_id: int) -> QuerySet[DebateSpace]:
    """A circle's debate spaces, each with `open_count`: its proposals still gathering supports
    or on the agenda (one query)."""
    return (
        DebateSpace.objects.filter(circle_id=circle_id)
        .annotate(
            open_count=Count(
                "proposals",
                filter=Q(proposals__status__in=[Proposal.Status.OPEN, Proposal.Status.ON_AGENDA]),
            )
        )
        .order_by("title")
    )


def network_space(*, network: Network) -> DebateSpace | None:
    """The network's own debate space (not a circle's), where its charter changes are proposed."""
    return DebateSpace.objects.filter(network=network, circle=None).order_by("pk").first()


def get_election(*, pk: int) -> Election:
    """Elections are public: who stands, who was elected, with what quorum."""
    return get_object_or_404(Election.objects.select_related("network"), pk=pk)


def networks_with_elections_to_run(*, user: AnyUser) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    return networks_coordinated_by(user=user).order_by("name")


def meetings_of(*, network: Network) -> QuerySet[GovernanceMeeting]:
    return GovernanceMeeting.objects.filter(network=network).order_by("-starts_at")


def get_meeting_for_coordinator(*, user: AnyUser, pk: int) -> GovernanceMeeting:
    meeting = get_object_or_404(GovernanceMeeting.objects.select_related("network"), pk=pk)
    if not is_coordinator(user=user, network=meeting.network):
        raise PermissionDenied
    return meeting


def as_user(user: AnyUser) -> User | None:
    return user if isinstance(user, User) else None
