"""Reads of circles and the permission checkpoints every circles view, API call and service uses.

Who can do what (DESIGN.md, issue 5):
- anyone sees a circle's page, programme and (if the network made it public) its transparency page;
- members of the network may join a circle as participant;
- circle members (any current role) propose actions and spending, take part in meetings;
- soucieux·ses run meetings, record decisions and approve expenses (never their own);
- coordinators of the network (or an ancestor) manage circles, envelopes and settings.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.selectors import networks_of
from maillage.circles.models import Circle, CircleMember, CircleRole, Transparency
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator

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


def circles_of_network(*, network: Network) -> QuerySet[Circle]:
    return Circle.objects.filter(network=network).order_by("name")


def stewards_of(*, circle: Circle) -> list[User]:
    """The circle's soucieux·ses in office today."""
    return [row.user for row in current_members(circle=circle).filter(role=CircleRole.STEWARD)]
