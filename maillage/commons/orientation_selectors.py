"""Reads of the aiguillage: the ranked suggestions for a request, the guides' queue, the
requester's page and the network's dashboard."""

import datetime
import statistics
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from maillage.accounts.models import User
from maillage.commons.models import (
    Action,
    Commons,
    Contact,
    Domain,
    FollowUp,
    Maturity,
    Nature,
    OrientationRequest,
    Suggestion,
    Usage,
)
from maillage.commons.selectors import AnyUser
from maillage.lib.french_stem import tokens
from maillage.lib.geo import distance_km
from maillage.networks.models import Network
from maillage.networks.selectors import networks_guided_by
from maillage.places.models import Place

TO_HANDLE_AFTER = datetime.timedelta(days=10)
NO_FOLLOW_UP_AFTER = datetime.timedelta(days=30)
NEAR_KM = 50
# A maturity leans towards some natures: an idea needs methods and peers before tools.
MATURITY_NATURES: dict[str, set[str]] = {
    Maturity.IDEA: {Nature.METHOD, Nature.COMMUNITY, Nature.TRAINING},
    Maturity.PROJECT: {Nature.METHOD, Nature.LEGAL, Nature.TRAINING, Nature.COMMUNITY},
    Maturity.YOUNG: {Nature.TOOL, Nature.METHOD, Nature.COMMUNITY},
    Maturity.ESTABLISHED: {Nature.TOOL, Nature.HARDWARE, Nature.LEGAL},
}
WEAK_SCORE = 1.0


@dataclass
class Ranked:
    commons: Commons
    score: float
    reasons: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    places_near: list[tuple[Place, float]] = field(default_factory=list)


def _words(commons: Commons) -> set[str]:
    labels = [label for _value, label in commons.domain_labels()]
    return set(tokens(" ".join([commons.name, commons.summary, commons.description, *labels])))


def rank_suggestions(*, request: OrientationRequest, limit: int = 8) -> list[Ranked]:
    """Published commons ranked for the request: words of the need, action and domain, places
    using it near the commune, the maturity; each with its people to call and nearby places."""
    stems = list(dict.fromkeys(tokens(request.need)))
    commune = request.commune
    origin = (
        (commune.latitude, commune.longitude)
        if commune is not None and commune.latitude is not None and commune.longitude is not None
        else None
    )
    catalogue = Commons.objects.filter(is_published=True).prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.select_related("user")),
        Prefetch(
            "usages",
            queryset=Usage.objects.select_related("place").filter(
                place__is_published=True, place__latitude__isnull=False
            ),
        ),
    )
    ranked = []
    for commons in catalogue:
        reasons: list[str] = []
        words = _words(commons)
        matched = [s for s in stems if any(w.startswith(s) for w in words)]
        score = 3.0 * len(matched) / len(stems) if stems else 0.0
        if matched:
            reasons.append("mots : " + ", ".join(matched[:5]))
        if request.action and request.action in commons.actions:
            score += 1
            reasons.append(str(Action(request.action).label))
        if request.domain and request.domain in commons.domains:
            score += 1.5
            reasons.append(str(Domain(request.domain).label))
        if request.maturity and commons.nature in MATURITY_NATURES.get(request.maturity, set()):
            score += 0.3
        near: list[tuple[Place, float]] = []
        if origin is not None:
            for usage in commons.usages.all():
                place = usage.place
                if place.latitude is None or place.longitude is None:
                    continue
                km = distance_km(origin[0], origin[1], place.latitude, place.longitude)
                if km <= NEAR_KM:
                    near.append((place, km))
            near.sort(key=lambda item: item[1])
            if near:
                score += 1 - near[0][1] / NEAR_KM
                reasons.append(f"utilisé à {near[0][1]:.0f} km")
        contacts = list(commons.contacts.all())
        if contacts:
            score += 0.2
        if score > 0.3:
            ranked.append(Ranked(commons, round(score, 2), reasons, contacts, near[:3]))
    ranked.sort(key=lambda r: (-r.score, r.commons.name))
    return ranked[:limit]


# --- The guides' side ----------------------------------------------------------------------


def get_request_for_guide(*, user: AnyUser, pk: int) -> OrientationRequest:
    request = get_object_or_404(
        OrientationRequest.objects.select_related("network", "commune", "guide", "requester"),
        pk=pk,
    )
    if not networks_guided_by(user=user).filter(pk=request.network_id).exists():
        raise PermissionDenied
    return request


def flag(request: OrientationRequest, now: datetime.datetime | None = None) -> str:
    """ "à traiter" once a request waits 10 days, "sans suite" once unanswered for 30."""
    now = now or timezone.now()
    if request.status in (OrientationRequest.Status.NEW, OrientationRequest.Status.CLAIMED):
        waited = now - request.created_at
        if waited >= NO_FOLLOW_UP_AFTER:
            return "sans suite"
        if waited >= TO_HANDLE_AFTER:
            return "à traiter"
    return ""


def queue_for(*, user: AnyUser) -> list[OrientationRequest]:
    """The open requests of the networks this person guides, oldest first, flagged."""
    requests = list(
        OrientationRequest.objects.filter(
            network__in=networks_guided_by(user=user),
            status__in=[
                OrientationRequest.Status.NEW,
                OrientationRequest.Status.CLAIMED,
                OrientationRequest.Status.ANSWERED,
            ],
        )
        .select_related("network", "commune", "guide")
        .order_by("status", "created_at")
    )
    now = timezone.now()
    for request in requests:
        request.flag = flag(request, now)  # type: ignore[attr-defined]
    return requests


def guides_load(*, networks: QuerySet[Network]) -> list[tuple[User, int]]:
    """Each guide of these networks with the number of requests they follow still open."""
    guides = (
        User.objects.filter(network_roles__network__in=networks, network_roles__role="guide")
        .distinct()
        .annotate(
            open_count=Count(
                "guided_requests",
                filter=Q(
                    guided_requests__status__in=[
                        OrientationRequest.Status.CLAIMED,
                        OrientationRequest.Status.ANSWERED,
                    ]
                ),
                distinct=True,
            )
        )
        .order_by("display_name")
    )
    return [(guide, guide.open_count) for guide in guides]  # type: ignore[attr-defined]


# --- The requester's side --------------------------------------------------------------------


def request_by_token(*, token: str) -> OrientationRequest:
    return get_object_or_404(
        OrientationRequest.objects.select_related("network", "guide").prefetch_related(
            Prefetch(
                "suggestions",
                queryset=Suggestion.objects.select_related(
                    "commons", "contact__user", "contact__commons", "place"
                ),
            ),
            "follow_ups",
        ),
        token=token,
    )


def get_introduction_for_contact(*, user: AnyUser, pk: int) -> Suggestion:
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("contact__user", "contact__commons", "request"), pk=pk
    )
    if suggestion.contact is None or suggestion.contact.user_id != user.pk:
        raise PermissionDenied
    return suggestion


# --- Dashboard ---------------------------------------------------------------------------------


@dataclass
class Dashboard:
    counts: dict[str, int]
    median_days_to_answer: float | None
    follow_through: dict[int, tuple[int, int]]  # after_days → (yes or partly, answered)
    weak_needs: list[OrientationRequest]
    load: list[tuple[User, int]]

    def rate(self, days: int) -> int | None:
        positive, answered = self.follow_through.get(days, (0, 0))
        return round(100 * positive / answered) if answered else None


def dashboard(*, networks: QuerySet[Network]) -> Dashboard:
    requests = OrientationRequest.objects.filter(network__in=networks)
    counts = {
        str(label): requests.filter(status=status).count()
        for status, label in OrientationRequest.Status.choices
    }
    delays = [
        (answered - created).total_seconds() / 86400
        for created, answered in requests.filter(answered_at__isnull=False).values_list(
            "created_at", "answered_at"
        )
        if answered is not None
    ]
    follow_through = {}
    for days in (30, 90):
        answered = FollowUp.objects.filter(
            request__in=requests, after_days=days, answered_at__isnull=False
        )
        positive = answered.filter(answer__in=[FollowUp.Answer.YES, FollowUp.Answer.PARTLY])
        follow_through[days] = (positive.count(), answered.count())
    # The needs no commons answers well: the input of the next call for commons.
    weak = [
        request
        for request in requests.filter(
            status__in=[OrientationRequest.Status.NEW, OrientationRequest.Status.CLAIMED]
        ).select_related("commune")[:200]
        if not any(r.score >= WEAK_SCORE for r in rank_suggestions(request=request, limit=1))
    ]
    weak += [
        request
        for request in requests.filter(status=OrientationRequest.Status.ANSWERED)
        .exclude(suggestions__commons__isnull=False)
        .select_related("commune")
    ]
    return Dashboard(
        counts=counts,
        median_days_to_answer=round(statistics.median(delays), 1) if delays else None,
        follow_through=follow_through,
        weak_needs=weak,
        load=guides_load(networks=networks),
    )
