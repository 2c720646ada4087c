"""Reads of networks and memberships, and the permission checkpoints every networks view goes through."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404

from maillage.accounts.models import User
from maillage.networks.models import (
    Membership,
    MembershipStatus,
    Network,
    NetworkRole,
    TransparencyPeople,
)
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, places_managed_by
from maillage.territory.models import Commune

AnyUser = User | AnonymousUser

# National > regional > departmental > local: a child network sits strictly below its parent.
LEVEL_RANK = {
    Network.Level.NATIONAL: 4,
    Network.Level.REGIONAL: 3,
    Network.Level.DEPARTMENTAL: 2,
    Network.Level.LOCAL: 1,
}


def ancestor_ids(*, network: Network) -> list[int]:
    """The ids of the network's parent, grand-parent…, nearest first.

    The level rule bounds the depth to four, so this walk costs at most a few small queries.
    """
    ids: list[int] = []
    parent_id = network.parent_id
    while parent_id is not None and parent_id not in ids:
        ids.append(parent_id)
        parent_id = Network.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def descendant_ids(*, network_ids: set[int]) -> set[int]:
    """The ids of every network below the given ones (not including them)."""
    found: set[int] = set()
    frontier = set(network_ids)
    while frontier:
        children = set(Network.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = children - found - network_ids
        found |= frontier
    return found


def is_coordinator(*, user: AnyUser, network: Network) -> bool:
    """Whether this person coordinates the network or one of its ancestors (admins always do)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    ids = [network.pk, *ancestor_ids(network=network)]
    return NetworkRole.objects.filter(
        user=user, role=NetworkRole.Role.COORDINATOR, network_id__in=ids
    ).exists()


def networks_coordinated_by(*, user: AnyUser) -> QuerySet[Network]:
    """The networks this person coordinates, directly or through an ancestor (all, for an admin)."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    return Network.objects.filter(pk__in=coordinated_network_ids(user=user))


# Many sections of a page ask which networks the person coordinates: the answer is kept on the
# user object (loaded afresh for each request) until a role or a network changes in this process.
_roles_version = 0
_MEMO = "_coordinated_network_ids"


def forget_coordinated_networks(**_kwargs: object) -> None:
    """Receiver of the saves and deletions of roles and networks: the memos are stale."""
    global _roles_version
    _roles_version += 1


def coordinated_network_ids(*, user: User) -> frozenset[int]:
    """The ids of the networks this (signed-in) person coordinates, directly or through an
    ancestor; read once per request."""
    memo = getattr(user, _MEMO, None)
    if memo is not None and memo[0] == _roles_version:
        return memo[1]
    version = _roles_version
    direct = set(
        NetworkRole.objects.filter(user=user, role=NetworkRole.Role.COORDINATOR).values_list(
            "network_id", flat=True
        )
    )
    ids = frozenset(direct | descendant_ids(network_ids=direct))
    setattr(user, _MEMO, (version, ids))
    return ids


def networks_guided_by(*, user: AnyUser) -> QuerySet[Network]:
    """The networks whose commons and orientations this person curates: as a guide
    (aiguilleur·se) or as a coordinator, directly or through an ancestor (all, for an admin)."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    direct = set(
        NetworkRole.objects.filter(
            user=user, role__in=[NetworkRole.Role.GUIDE, NetworkRole.Role.COORDINATOR]
        ).values_list("network_id", flat=True)
    )
    return Network.objects.filter(pk__in=direct | descendant_ids(network_ids=direct))


def get_network_for_coordinator(*, user: AnyUser, slug: str) -> Network:
    """Return the network for administration; raise Http404 if unknown, PermissionDenied if not a coordinator."""
    network = get_object_or_404(Network.objects.select_related("parent"), slug=slug)
    if not is_coordinator(user=user, network=network):
        raise PermissionDenied
    return network


def get_network(*, slug: str) -> Network:
    """Return a network for its public page; raise Http404 if unknown (every network is public)."""
    return get_object_or_404(Network.objects.select_related("parent"), slug=slug)


def public_networks() -> QuerySet[Network]:
    """Every network with its parent and its number of member places (accepted memberships)."""
    return Network.objects.select_related("parent").annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACCEPTED))
    )


def child_networks(*, network: Network) -> QuerySet[Network]:
    return network.children.order_by("name")


def member_places(*, network: Network) -> list[Place]:
    """The places with an accepted membership of the network, by name."""
    return list(
        Place.objects.filter(
            memberships__network=network, memberships__status=MembershipStatus.ACCEPTED
        )
        .select_related("commune")
        .order_by("name")
    )


def charter_versions_accepted(*, network: Network) -> dict[int | None, int]:
    """How many member places accepted each version of the charter (None: before versions)."""
    rows = (
        Membership.objects.filter(network=network, status=MembershipStatus.ACCEPTED)
        .values("charter_version")
        .annotate(n=Count("pk"))
    )
    return {row["charter_version"]: row["n"] for row in rows}


@dataclass(frozen=True)
class TerritorySummary:
    commune_count: int
    department_count: int
    population: int
    departments: list[str]


def territory_summary(*, network: Network) -> TerritorySummary:
    """How many communes, departments and inhabitants the network's territory covers."""
    communes = network.communes.all()
    totals = communes.aggregate(
        commune_count=Count("pk"),
        department_count=Count("department_code", distinct=True),
        population=Sum("population"),
    )
    departments = list(
        communes.order_by("department_code").values_list("department_code", flat=True).distinct()
    )
    return TerritorySummary(
        commune_count=totals["commune_count"] or 0,
        department_count=totals["department_count"] or 0,
        population=totals["population"] or 0,
        departments=departments,
    )


def territory_codes_text(*, network: Network) -> str:
    """The territory written back as codes: whole departments by their code, other communes by INSEE code."""
    chosen = dict(
        network.communes.values("department_code")
        .annotate(n=Count("pk"))
        .values_list("department_code", "n")
    )
    if not chosen:
        return ""
    totals = dict(
        Commune.objects.filter(department_code__in=chosen)
        .values("department_code")
        .annotate(n=Count("pk"))
        .values_list("department_code", "n")
    )
    whole = sorted(code for code, n in chosen.items() if totals.get(code) == n)
    partial = network.communes.exclude(department_code__in=whole).order_by("code_insee")
    codes = [*whole, *partial.values_list("code_insee", flat=True)]
    return ", ".join(codes)


def network_roles(*, network: Network) -> QuerySet[NetworkRole]:
    return network.roles.select_related("user").order_by("role", "user__display_name")


def coordinators(*, network: Network) -> QuerySet[NetworkRole]:
    return network_roles(network=network).filter(role=NetworkRole.Role.COORDINATOR)


def get_role_for_coordinator(*, user: AnyUser, slug: str, pk: int) -> NetworkRole:
    """Return a role of a network the user coordinates; Http404 / PermissionDenied otherwise."""
    network = get_network_for_coordinator(user=user, slug=slug)
    return get_object_or_404(
        NetworkRole.objects.select_related("network", "user"), network=network, pk=pk
    )


# --- places and memberships -------------------------------------------------------------------


def memberships_by_status(*, network: Network) -> list[tuple[str, str, list[Membership]]]:
    """The network's memberships grouped by status, in the order of the workflow: (code, label, rows)."""
    rows = list(
        network.memberships.select_related("place", "place__commune", "applied_by").order_by(
            "-applied_at"
        )
    )
    return [
        (code, label, [m for m in rows if m.status == code])
        for code, label in MembershipStatus.choices
    ]


def get_membership_for_coordinator(*, user: AnyUser, slug: str, pk: int) -> Membership:
    """Return a membership of a network the user coordinates; Http404 / PermissionDenied otherwise."""
    network = get_network_for_coordinator(user=user, slug=slug)
    return get_object_or_404(
        Membership.objects.select_related("network", "place"), network=network, pk=pk
    )


def can_view_membership(*, user: AnyUser, membership: Membership) -> bool:
    """Coordinators of the network and managers of the place may see a membership."""
    return is_coordinator(user=user, network=membership.network) or can_edit_place(
        user=user, place=membership.place
    )


def get_membership_for_viewer(*, user: AnyUser, slug: str, pk: int) -> Membership:
    """Return a membership for its coordinators or its place's managers; Http404 / PermissionDenied otherwise."""
    membership = get_object_or_404(
        Membership.objects.select_related(
            "network", "network__parent", "place", "charter_accepted_by", "decided_by"
        ),
        network__slug=slug,
        pk=pk,
    )
    if not can_view_membership(user=user, membership=membership):
        raise PermissionDenied
    return membership


def membership_events(*, membership: Membership) -> QuerySet:
    return membership.events.select_related("by").order_by("at", "pk")


def memberships_of_managed_places(*, user: AnyUser) -> list[Membership]:
    """Every membership of the places this person manages, by place then most recent first."""
    places = places_managed_by(user=user)
    return list(
        Membership.objects.filter(place__in=places)
        .select_related("network", "place")
        .order_by("place__name", "-applied_at")
    )


# --- Who shares a network (skills' "network" visibility, members-only pages) ---------------


def _in_networks_of(user: User) -> Q:
    """A filter on Network: the networks this person belongs to.

    Directly (a NetworkRole), or through a place where they have a PlaceRole and whose
    membership in the network is accepted (a suspended or pending place does not count).
    """
    via_roles = NetworkRole.objects.filter(user=user).values("network_id")
    via_places = Membership.objects.filter(
        status=MembershipStatus.ACCEPTED, place__roles__user=user
    ).values("network_id")
    return Q(pk__in=via_roles) | Q(pk__in=via_places)


def networks_of(*, user: AnyUser) -> QuerySet[Network]:
    """The networks a person belongs to, directly or through an accepted place (none if anonymous)."""
    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(_in_networks_of(user)).distinct()


def shares_network(a: AnyUser, b: AnyUser) -> bool:
    """Whether both people belong to at least one common network (one query at most)."""
    if not a.is_authenticated or not b.is_authenticated:
        return False
    if a.pk == b.pk:
        return True
    return Network.objects.filter(_in_networks_of(a)).filter(_in_networks_of(b)).exists()


# --- The networks of a place (its page, the API, the freshness threshold) --------------------


def accepted_memberships_prefetch() -> Prefetch:
    """Prefetch a place's accepted memberships with their network, by network name, as
    `accepted_memberships` (what the place page, the API and `stale_after_days` read)."""
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(status=MembershipStatus.ACCEPTED)
        .select_related("network")
        .order_by("network__name"),
        to_attr="accepted_memberships",
    )


def accepted_memberships_of(*, place: Place) -> list[Membership]:
    """The place's accepted memberships with their network (one query, none if prefetched)."""
    if not hasattr(place, "accepted_memberships"):
        prefetch_related_objects([place], accepted_memberships_prefetch())
    return place.accepted_memberships


def publishes_payee_names(*, network: Network) -> bool:
    """Whether the network's transparency pages name the people its circles pay (or their role)."""
    return network.transparency_people == TransparencyPeople.NAME


def pending_applications(*, networks: QuerySet[Network]) -> QuerySet[Network]:
    """Those of the networks that have applications waiting for a decision, with how many
    (`pending_count`), by name."""
    return (
        networks.annotate(
            pending_count=Count(
                "memberships",
                filter=Q(
                    memberships__status__in=[MembershipStatus.APPLIED, MembershipStatus.IN_REVIEW]
                ),
            )
        )
        .filter(pending_count__gt=0)
        .order_by("name")
    )


def by_level(networks: QuerySet[Network]) -> QuerySet[Network]:
    """The networks from the widest (national) to the closest (local), then by name: a
    regional coordinator sees their own network before the local ones under it."""
    rank = Case(
        *[When(level=level, then=Value(i)) for i, level in enumerate(Network.Level.values)],
        default=Value(len(Network.Level.values)),
        output_field=IntegerField(),
    )
    return networks.annotate(level_rank=rank).order_by("level_rank", "name")
