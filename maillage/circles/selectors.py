"""Reads of circles and the permission checkpoints every circles view, API call and service uses.

Who can do what (DESIGN.md, issue 5):
- anyone sees a circle's page, programme and (if the network made it public) its transparency page;
- members of the network may join a circle as participant;
- circle members (any current role) propose actions and spending, take part in meetings;
- soucieux·ses run meetings, record decisions and approve expenses (never their own);
- coordinators of the network (or an ancestor) manage circles, envelopes and settings.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import User
from maillage.circles.models import (
    Action,
    ActionReport,
    Circle,
    CircleMember,
    CircleRole,
    CircleStatus,
    CircleStatusChange,
    Decision,
    Expense,
    Meeting,
    RoleRequest,
    Transparency,
)
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator, networks_coordinated_by, networks_of

AnyUser = User | AnonymousUser


def current_members(*, circle: Circle, on: datetime.date | None = None) -> QuerySet[CircleMember]:
    """The roles in force in the circle on a day (today by default): one row per person."""
    on = on or timezone.localdate()
    return (
        CircleMember.objects.filter(circle=circle, ended_at__isnull=True, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("user")
    )


def current_role(*, user: AnyUser, circle: Circle) -> str | None:
    """The person's role in force in the circle today (a `CircleRole` value), or None."""
    if not user.is_authenticated:
        return None
    row = current_members(circle=circle).filter(user=user).values_list("role", flat=True).first()
    return row


def is_circle_member(*, user: AnyUser, circle: Circle) -> bool:
    return current_role(user=user, circle=circle) is not None


def is_steward(*, user: AnyUser, circle: Circle) -> bool:
    return current_role(user=user, circle=circle) == CircleRole.STEWARD


def can_manage_circle(*, user: AnyUser, circle: Circle) -> bool:
    """Coordinators of the circle's network (or of a parent network) and admins."""
    return is_coordinator(user=user, network=circle.network)


def is_network_member(*, user: AnyUser, network: Network) -> bool:
    """Whether the person belongs to the network (role, or a place accepted in it)."""
    if not user.is_authenticated:
        return False
    return (
        is_coordinator(user=user, network=network)
        or networks_of(user=user).filter(pk=network.pk).exists()
    )


def can_join_circle(*, user: AnyUser, circle: Circle) -> bool:
    return is_network_member(user=user, network=circle.network) and not is_circle_member(
        user=user, circle=circle
    )


def can_run_meetings(*, user: AnyUser, circle: Circle) -> bool:
    """Soucieux·ses of the circle, and the network's coordinators."""
    return is_steward(user=user, circle=circle) or can_manage_circle(user=user, circle=circle)


def can_see_transparency(*, user: AnyUser, circle: Circle) -> bool:
    if circle.transparency == Transparency.PUBLIC:
        return True
    # "Members" are the network's: its places' people, its coordinators, and the people who
    # sit in one of its circles (a circle's own contributors must see where its money goes).
    return is_network_member(user=user, network=circle.network) or (
        user.is_authenticated
        and CircleMember.objects.filter(
            circle__network=circle.network, user=user, ended_at__isnull=True
        ).exists()
    )


def get_circle(*, slug: str) -> Circle:
    """Any circle, for its public page (404 if unknown)."""
    return get_object_or_404(Circle.objects.select_related("network"), slug=slug)


def get_circle_for_manager(*, user: AnyUser, slug: str) -> Circle:
    circle = get_circle(slug=slug)
    if not can_manage_circle(user=user, circle=circle):
        raise PermissionDenied
    return circle


def get_circle_for_member(*, user: AnyUser, slug: str) -> Circle:
    """A circle whose member (or coordinator) the person is; 403 otherwise."""
    circle = get_circle(slug=slug)
    if not (
        is_circle_member(user=user, circle=circle) or can_manage_circle(user=user, circle=circle)
    ):
        raise PermissionDenied
    return circle


def get_circle_for_steward(*, user: AnyUser, slug: str) -> Circle:
    circle = get_circle(slug=slug)
    if not can_run_meetings(user=user, circle=circle):
        raise PermissionDenied
    return circle


def get_circle_for_transparency(*, user: AnyUser, slug: str) -> Circle:
    circle = get_circle(slug=slug)
    if not can_see_transparency(user=user, circle=circle):
        raise PermissionDenied
    return circle


def stewards_of(*, circle: Circle) -> list[User]:
    """The circle's soucieux·ses in office today."""
    return [row.user for row in current_members(circle=circle).filter(role=CircleRole.STEWARD)]


# --- circles area: directory, people, programme (appended by the circles engineer) -------------


def can_see_circle_people(*, user: AnyUser, circle: Circle) -> bool:
    """Names of the circle's people and its contacts: network members, members of any circle of
    the network, coordinators."""
    if not user.is_authenticated:
        return False
    return (
        is_network_member(user=user, network=circle.network)
        or CircleMember.objects.filter(
            circle__network=circle.network, user=user, ended_at__isnull=True
        ).exists()
    )


def can_report_on_action(*, user: AnyUser, action: Action) -> bool:
    if not user.is_authenticated:
        return False
    circle = action.circle
    return (
        action.owners.filter(pk=user.pk).exists()
        or is_steward(user=user, circle=circle)
        or can_manage_circle(user=user, circle=circle)
    )


def circles_by_network() -> list[tuple[Network, list[Circle]]]:
    """Every network that has circles, with its circles by name (two queries)."""
    groups: dict[int, tuple[Network, list[Circle]]] = {}
    circles = Circle.objects.select_related("network").order_by("network__name", "name")
    for circle in circles:
        groups.setdefault(circle.network_id, (circle.network, []))[1].append(circle)
    return list(groups.values())


def circles_geojson(circles: list[Circle]) -> dict:
    """One feature per circle (hull of its communes' centroids) and one point per commune.

    Circles' communes must be prefetched. Properties: kind (circle|commune), name, url, status,
    status_label; a circle drawn around a single commune is a Point with kind circle.
    """
    from maillage.lib.geo import feature_collection, hull_geometry, point_feature

    features = []
    for circle in circles:
        points = [
            (c.longitude, c.latitude)
            for c in circle.communes.all()
            if c.latitude is not None and c.longitude is not None
        ]
        properties = {
            "name": circle.name,
            "url": circle_url(circle),
            "status": circle.status,
            "status_label": str(CircleStatus(circle.status).label),
        }
        geometry = hull_geometry(points)
        if geometry is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {"kind": "circle", **properties},
                }
            )
        for commune in circle.communes.all():
            if commune.latitude is None or commune.longitude is None:
                continue
            features.append(
                point_feature(
                    lat=commune.latitude,
                    lon=commune.longitude,
                    properties={
                        "kind": "commune",
                        "name": commune.name,
                        "circle": circle.name,
                        "status": circle.status,
                    },
                )
            )
    return feature_collection(features)


def circle_url(circle: Circle) -> str:
    from django.urls import reverse

    return reverse("circles:circle-detail", kwargs={"slug": circle.slug})


def network_circles(*, network: Network) -> list[Circle]:
    """The network's circles with their communes and places, for its map (three queries)."""
    return list(
        Circle.objects.filter(network=network)
        .prefetch_related("communes")
        .annotate(place_count=Count("places", distinct=True))
        .order_by("name")
    )


def status_history(*, circle: Circle) -> QuerySet[CircleStatusChange]:
    return CircleStatusChange.objects.filter(circle=circle).select_related("by")


def people_by_role(*, circle: Circle) -> dict[str, list[CircleMember]]:
    """The roles in force today, grouped by role (participants, contributors, stewards)."""
    groups: dict[str, list[CircleMember]] = {role: [] for role in CircleRole.values}
    for row in current_members(circle=circle).order_by("user__display_name", "user__email"):
        groups[row.role].append(row)
    return groups


def role_history(*, circle: Circle) -> list[tuple[User, list[CircleMember]]]:
    """Every role row of the circle, grouped by person (oldest first within a person)."""
    people: dict[int, tuple[User, list[CircleMember]]] = {}
    rows = (
        CircleMember.objects.filter(circle=circle)
        .select_related("user", "decision__meeting")
        .order_by("user__display_name", "user__email", "starts_on", "pk")
    )
    for row in rows:
        people.setdefault(row.user_id, (row.user, []))[1].append(row)
    return list(people.values())


def pending_role_request(*, circle: Circle, user: AnyUser) -> RoleRequest | None:
    if not user.is_authenticated:
        return None
    return RoleRequest.objects.filter(
        circle=circle, user=user, status=RoleRequest.Status.PENDING
    ).first()


def role_requests(*, circle: Circle) -> QuerySet[RoleRequest]:
    return RoleRequest.objects.filter(circle=circle).select_related("user")


ACTION_ORDER = [
    Action.Status.IN_PROGRESS,
    Action.Status.ADOPTED,
    Action.Status.PROPOSED,
    Action.Status.DONE,
    Action.Status.DROPPED,
]


def programme(*, circle: Circle) -> QuerySet[Action]:
    """The circle's actions, owners prefetched, live ones first."""
    order = Case(
        *(When(status=s, then=Value(i)) for i, s in enumerate(ACTION_ORDER)),
        output_field=IntegerField(),
    )
    return (
        Action.objects.filter(circle=circle)
        .prefetch_related("owners")
        .annotate(status_rank=order)
        .order_by("status_rank", "title", "pk")
    )


def get_action(*, circle: Circle, pk: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("circle__network").prefetch_related("owners"),
        circle=circle,
        pk=pk,
    )


def action_reports(*, action: Action) -> QuerySet[ActionReport]:
    return ActionReport.objects.filter(action=action).select_related("author")


def can_reverse_expense(*, user: AnyUser, expense: Expense) -> bool:
    """Who may correct a paid expense: the network's coordinators, or a soucieux·se of the
    circle who is not its payee."""
    circle = expense.proposal.circle
    if not getattr(user, "is_authenticated", False):
        return False
    if can_manage_circle(user=user, circle=circle):
        return True
    return is_steward(user=user, circle=circle) and expense.payee_user_id != user.pk


# --- meetings: the only way views get a meeting or a decision (moved from meeting_services) ---


def get_meeting_for_member(*, user: AnyUser, slug: str, pk: int) -> Meeting:
    """A meeting of a circle the person is a member (or coordinator) of: 403, or 404 if unknown."""
    circle = get_circle_for_member(user=user, slug=slug)
    meeting = get_object_or_404(Meeting, circle=circle, pk=pk)
    meeting.circle = circle
    return meeting


def get_meeting_for_runner(*, user: AnyUser, slug: str, pk: int) -> Meeting:
    """A meeting the person may run (soucieux·se of the circle, coordinator): 403 otherwise."""
    circle = get_circle_for_steward(user=user, slug=slug)
    meeting = get_object_or_404(Meeting, circle=circle, pk=pk)
    meeting.circle = circle
    return meeting


def get_decision_for_viewer(*, user: AnyUser, slug: str, pk: int) -> Decision:
    """A decision, seen by whoever may see the circle's transparency page (403 otherwise)."""
    circle = get_circle_for_transparency(user=user, slug=slug)
    return get_object_or_404(
        Decision.objects.select_related(
            "meeting__circle",
            "proposal__action",
            "proposal__payee_user",
            "proposal__payee_place",
            "role_request__user",
            "envelope",
            "supersedes__meeting",
        ).prefetch_related("votes__user", "objections__user", "superseded_by__meeting"),
        meeting__circle=circle,
        pk=pk,
    )


def can_see_decision_names(*, user: AnyUser, circle: Circle) -> bool:
    """Names of who voted or objected stay among the circle's members, soucieux·ses and the
    network's coordinators (others see the counts)."""
    return is_circle_member(user=user, circle=circle) or can_run_meetings(user=user, circle=circle)


# --- expenses -----------------------------------------------------------------------------------


def can_review_expense(*, user: AnyUser, expense: Expense) -> bool:
    """A soucieux·se of the circle who is neither the payee nor the person who filed it."""
    return (
        is_steward(user=user, circle=expense.proposal.circle)
        and expense.payee_user_id != user.pk
        and expense.submitted_by_id != user.pk
    )


def can_see_circle_workspace(*, user: AnyUser, circle: Circle) -> bool:
    """Budget and meetings pages: the circle's members and the network's coordinators."""
    return is_circle_member(user=user, circle=circle) or can_manage_circle(user=user, circle=circle)


# --- the person's own circles (circles list page) -------------------------------------------------


@dataclass(frozen=True)
class RoleRow:
    """One of the person's role rows, with whether it is in force today and the decision link."""

    member: CircleMember
    state: str  # "current", "coming" or "past"
    decision_url: str


@dataclass(frozen=True)
class MyCircle:
    circle: Circle
    rows: list[RoleRow]  # newest first

    @property
    def current(self) -> RoleRow | None:
        return next((row for row in self.rows if row.state == "current"), None)


def _role_state(member: CircleMember, today: datetime.date) -> str:
    if member.ended_at is not None or (member.ends_on is not None and member.ends_on < today):
        return "past"
    return "coming" if member.starts_on > today else "current"


def roles_of_person(*, user: AnyUser) -> list[MyCircle]:
    """Every role the person has held in any circle (current and past), grouped by circle —
    circles where they hold a role today first — with a link to the decision that named them
    when they may open it (as on the transparency page). A fixed number of queries (≤ 4)."""
    if not user.is_authenticated:
        return []
    rows = list(
        CircleMember.objects.filter(user=user)
        .select_related("circle__network", "decision__meeting")
        .order_by("circle__name", "circle_id", "-starts_on", "-pk")
    )
    if not rows:
        return []
    today = timezone.localdate()
    # Networks whose members-only decisions the person may open (`can_see_transparency`): those
    # they belong to or coordinate, and those where they hold an open circle role.
    network_ids = {row.circle.network_id for row in rows if row.ended_at is None}
    network_ids |= set(networks_of(user=user).values_list("pk", flat=True))
    network_ids |= set(networks_coordinated_by(user=user).values_list("pk", flat=True))
    circles: dict[int, MyCircle] = {}
    for member in rows:
        circle = member.circle
        visible = circle.transparency == Transparency.PUBLIC or circle.network_id in network_ids
        url = (
            reverse("circles:decision-detail", args=[circle.slug, member.decision_id])
            if member.decision_id and visible
            else ""
        )
        circles.setdefault(circle.pk, MyCircle(circle=circle, rows=[])).rows.append(
            RoleRow(member=member, state=_role_state(member, today), decision_url=url)
        )
    return sorted(circles.values(), key=lambda mine: mine.current is None)


# --- For other areas (events): circles through named reads, never their models -------------


def is_circle(owner: object) -> bool:
    """Whether an owner (a network, circle or place) is a circle."""
    return isinstance(owner, Circle)


def get_circle_by_pk(pk: int) -> Circle | None:
    return Circle.objects.filter(pk=pk).first()


def circles_by_name() -> QuerySet[Circle]:
    """Every circle, by name, with only its slug and name (for filters)."""
    return Circle.objects.order_by("name").only("slug", "name")


def current_circle_ids(*, user: User, stewarded: bool = False) -> QuerySet:
    """The ids (`circle_id`) of the circles a person sits in today (or stewards, if asked)."""
    today = timezone.localdate()
    roles = CircleMember.objects.filter(user=user, ended_at__isnull=True, starts_on__lte=today)
    roles = roles.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if stewarded:
        roles = roles.filter(role=CircleRole.STEWARD)
    return roles.values("circle_id")


def circles_run_by(*, user: User, coordinated: QuerySet[Network]) -> QuerySet[Circle]:
    """The circles of the networks a person coordinates, and those they are soucieux·se of."""
    today = timezone.localdate()
    circles = Circle.objects.filter(network__in=coordinated) | Circle.objects.filter(
        members__user=user,
        members__role=CircleRole.STEWARD,
        members__ended_at__isnull=True,
        members__starts_on__lte=today,
    )
    return circles.distinct().order_by("name")


def expenses_to_review(*, user: AnyUser) -> list[Expense]:
    """The expenses waiting for validation in the circles this person is soucieux·se of, which
    they may validate (neither payee nor filer), oldest first."""
    if not user.is_authenticated:
        return []
    return list(
        Expense.objects.filter(
            status=Expense.Status.SUBMITTED,
            proposal__circle_id__in=current_circle_ids(user=user, stewarded=True),
        )
        .exclude(payee_user=user)
        .exclude(submitted_by=user)
        .select_related("proposal__circle")
        .order_by("pk")
    )


def circles_of_or_run_by(*, user: AnyUser, coordinated: QuerySet[Network]) -> QuerySet[Circle]:
    """The circles a person sits in today and those of the networks they coordinate (the
    menu's "Mes cercles"), by name: one query, `coordinated` being a subquery."""
    if not user.is_authenticated:
        return Circle.objects.none()
    return (
        Circle.objects.filter(
            Q(pk__in=current_circle_ids(user=user)) | Q(network__in=coordinated.values("pk"))
        )
        .distinct()
        .order_by("name")
    )


def network_stewards(*, network: Network) -> list[CircleMember]:
    """The soucieux·ses in office today in the network's circles: one row per person and circle,
    with the person and the circle (for the network's coordination of the soucieux·ses)."""
    today = timezone.localdate()
    return list(
        CircleMember.objects.filter(
            circle__network=network,
            role=CircleRole.STEWARD,
            ended_at__isnull=True,
            starts_on__lte=today,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("user", "circle")
        .order_by("user__display_name", "user_id", "circle__name")
    )
