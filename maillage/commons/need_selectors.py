"""Reads of the places' priority needs: the ranking by supports (what the next call for commons
should answer first), a place's own needs, and who may post or support in a place's name."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from maillage.commons.models import NeedSupport, PriorityNeed
from maillage.commons.selectors import AnyUser
from maillage.networks.models import Network
from maillage.networks.selectors import accepted_memberships_of
from maillage.places.models import Place
from maillage.places.selectors import places_managed_by


def open_needs() -> QuerySet[PriorityNeed]:
    return PriorityNeed.objects.filter(closed_at__isnull=True, place__is_published=True)


def ranked_needs(*, networks: QuerySet[Network] | None = None) -> QuerySet[PriorityNeed]:
    """Open needs, most supported first (then the oldest: it has waited longest), each with
    `support_count`; only those of `networks` when given."""
    needs = open_needs()
    if networks is not None:
        needs = needs.filter(network__in=networks)
    return (
        needs.select_related("place", "network")
        .annotate(support_count=Count("supports", distinct=True))
        .order_by("-support_count", "created_at", "pk")
    )


def get_open_need(*, pk: int) -> PriorityNeed:
    return get_object_or_404(open_needs().select_related("place", "network"), pk=pk)


def needs_of_place(*, place: Place) -> QuerySet[PriorityNeed]:
    return (
        PriorityNeed.objects.filter(place=place)
        .select_related("network")
        .annotate(support_count=Count("supports", distinct=True))
        .order_by("closed_at", "-created_at", "-pk")
    )


def networks_of_place(*, place: Place) -> list[Network]:
    """The networks a place may post a need in: those it is an accepted member of."""
    return [membership.network for membership in accepted_memberships_of(place=place)]


@dataclass(frozen=True)
class SupportChoice:
    """For the viewer: which of their places may still support a need, which already did."""

    may_support: list[Place]
    supported: list[Place]


def support_choices(*, user: AnyUser, needs: list[PriorityNeed]) -> dict[int, SupportChoice]:
    """For each need, the places the viewer manages that may support it (not the need's own
    place, not twice) and those that already do. Two queries whatever the number of needs."""
    if not user.is_authenticated or not needs:
        return {}
    places = list(places_managed_by(user=user).order_by("name"))
    if not places:
        return {}
    given: set[tuple[int, int]] = set(
        NeedSupport.objects.filter(
            need__in=[n.pk for n in needs], place__in=[p.pk for p in places]
        ).values_list("need_id", "place_id")
    )
    return {
        need.pk: SupportChoice(
            may_support=[
                p for p in places if p.pk != need.place_id and (need.pk, p.pk) not in given
            ],
            supported=[p for p in places if (need.pk, p.pk) in given],
        )
        for need in needs
    }


def supporting_places(*, need: PriorityNeed) -> list[Place]:
    return [
        support.place
        for support in need.supports.select_related("place").filter(Q(place__is_published=True))
    ]
