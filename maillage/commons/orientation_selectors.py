"""Reads of the aiguillage: the ranked suggestions for a request, the guides' queue, the
requester's page and the network's dashboard."""

import datetime
import math
import statistics
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from maillage.accounts.models import Skill, User
from maillage.commons.models import (
    Action,
    Commons,
    Contact,
    Domain,
    FollowUp,
    Maturity,
    Nature,
    OrientationRequest,
    PriorityNeed,
    Suggestion,
    Usage,
)
from maillage.commons.need_selectors import ranked_needs
from maillage.commons.selectors import AnyUser
from maillage.directory.search.people import visible_skills_for
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
WEAK_SAMPLE = 25
PRIORITY_NEEDS_SHOWN = 10


@dataclass
class Ranked:
    commons: Commons
    score: float
    reasons: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    places_near: list[tuple[Place, float]] = field(default_factory=list)


def _box(lat: float, lon: float, km: float) -> dict[str, float]:
    """The latitude/longitude box around a point holding every point within `km`; the true
    distance is checked after."""
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.2, math.cos(math.radians(lat))))
    return {
        "latitude__gte": lat - dlat,
        "latitude__lte": lat + dlat,
        "longitude__gte": lon - dlon,
        "longitude__lte": lon + dlon,
    }


def rank_suggestions(*, request: OrientationRequest, limit: int = 8) -> list[Ranked]:
    """Published commons ranked for the request: words of the need, action and domain, places
    using it near the commune, the maturity; each with its people to call and nearby places.

    Reads the stored stems of the catalogue (one query), the usages in a box around the commune
    (one query), then loads only the commons kept (bench/commons_suggestions.py)."""
    stems = list(dict.fromkeys(tokens(request.need)))
    commune = request.commune
    origin = (
        (commune.latitude, commune.longitude)
        if commune is not None and commune.latitude is not None and commune.longitude is not None
        else None
    )
    natures = MATURITY_NATURES.get(request.maturity, set())
    near: dict[int, list[tuple[int, float]]] = {}
    if origin is not None:
        # The places in the box first, then their usages by the place index: joining the other
        # way round scans every usage (49 ms against 4 on the bench's 20,000 usages).
        boxed = Place.objects.filter(is_published=True, **_box(*origin, NEAR_KM))
        rows = Usage.objects.filter(place__in=boxed).values_list(
            "commons_id", "place_id", "place__latitude", "place__longitude"
        )
        for commons_id, place_id, lat, lon in rows:
            if lat is None or lon is None:
                continue
            km = distance_km(origin[0], origin[1], lat, lon)
            if km <= NEAR_KM:
                near.setdefault(commons_id, []).append((place_id, km))
    scored: list[tuple[float, str, int, list[str]]] = []
    action = f" a:{request.action} " if request.action else None
    domain = f" d:{request.domain} " if request.domain else None
    action_label = str(Action(request.action).label) if request.action else ""
    domain_label = str(Domain(request.domain).label) if request.domain else ""
    catalogue = Commons.objects.filter(is_published=True).values_list(
        "pk", "name", "search_stems", "nature"
    )
    patterns = [(stem, f" {stem}") for stem in stems]
    for pk, name, words, nature in catalogue.iterator(chunk_size=2000):
        matched = [stem for stem, pattern in patterns if pattern in words]
        score = 3.0 * len(matched) / len(stems) if stems else 0.0
        reasons = ["mots : " + ", ".join(matched[:5])] if matched else []
        if action and action in words:
            score += 1
            reasons.append(action_label)
        if domain and domain in words:
            score += 1.5
            reasons.append(domain_label)
        if nature in natures:
            score += 0.3
        places = near.get(pk)
        if places:
            places.sort(key=lambda item: item[1])
            score += 1 - places[0][1] / NEAR_KM
            reasons.append(f"utilisé à {places[0][1]:.0f} km")
        if score > 0.3:
            scored.append((score, name, pk, reasons))
    # People to call weigh a little: counted for the leading candidates only.
    scored.sort(key=lambda item: (-item[0], item[1]))
    leading = scored[: limit * 3]
    with_contacts = set(
        Contact.objects.filter(commons_id__in=[pk for _s, _n, pk, _r in leading]).values_list(
            "commons_id", flat=True
        )
    )
    leading = sorted(
        ((score + (0.2 if pk in with_contacts else 0), name, pk, reasons)
         for score, name, pk, reasons in leading),
        key=lambda item: (-item[0], item[1]),
    )[:limit]  # fmt: skip
    kept = [pk for _s, _n, pk, _r in leading]
    objects = Commons.objects.in_bulk(kept)
    contacts: dict[int, list[Contact]] = {}
    for contact in Contact.objects.filter(commons_id__in=kept).select_related("user"):
        contacts.setdefault(contact.commons_id, []).append(contact)
    place_ids = [place for pk in kept for place, _km in near.get(pk, [])[:3]]
    places_by_id = Place.objects.in_bulk(place_ids)
    return [
        Ranked(
            objects[pk],
            round(score, 2),
            reasons,
            contacts.get(pk, []),
            [(places_by_id[p], km) for p, km in near.get(pk, [])[:3] if p in places_by_id],
        )
        for score, _name, pk, reasons in leading
    ]


# --- People of the skills directory -------------------------------------------------------

PEOPLE_STEMS = 12


@dataclass
class PersonMatch:
    person: User
    skills: list[Skill]
    score: int
    words: list[str]


def skills_shown_to_both(*, guide: AnyUser, request: OrientationRequest) -> QuerySet[Skill]:
    """Skills the guide may see and that the requester may see too — by each skill's own
    visibility (public; people sharing a network; never private ones of others) —, of active
    people other than the requester."""
    requester = request.requester
    shown = visible_skills_for(viewer=guide).filter(
        pk__in=visible_skills_for(viewer=requester).values("pk")
    )
    if requester is not None:
        shown = shown.exclude(user=requester)
    return shown


def rank_people(
    *, request: OrientationRequest, guide: AnyUser, limit: int = 6
) -> list[PersonMatch]:
    """People of the skills directory whose skills share words with the need (and its domain),
    most words first; each with the matching skills. Two queries."""
    text = request.need
    if request.domain:
        text += " " + str(Domain(request.domain).label)
    stems = list(dict.fromkeys(tokens(text)))[:PEOPLE_STEMS]
    if not stems:
        return []
    condition = Q()
    for stem in stems:
        condition |= Q(search_text__startswith=stem) | Q(search_text__contains=f" {stem}")
    skills = skills_shown_to_both(guide=guide, request=request).filter(condition)
    by_person: dict[int, list[tuple[Skill, list[str]]]] = {}
    for skill in skills.only("pk", "user_id", "name", "description", "search_text")[:500]:
        words = f" {skill.search_text}"
        found = [stem for stem in stems if f" {stem}" in words]
        by_person.setdefault(skill.user_id, []).append((skill, found))
    scored = sorted(
        (
            (len({w for _skill, found in rows for w in found}), user_id)
            for user_id, rows in by_person.items()
        ),
        key=lambda item: (-item[0], item[1]),
    )[:limit]
    people = User.objects.in_bulk([user_id for _score, user_id in scored])
    matches = []
    for score, user_id in scored:
        rows = sorted(by_person[user_id], key=lambda row: -len(row[1]))
        shared = list(dict.fromkeys(w for _skill, found in rows for w in found))
        matches.append(PersonMatch(people[user_id], [skill for skill, _f in rows], score, shared))
    return matches


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
                    "commons", "contact__user", "contact__commons", "place", "skill__user"
                ),
            ),
            "follow_ups",
        ),
        token=token,
    )


def get_introduction_for_contact(*, user: AnyUser, pk: int) -> Suggestion:
    suggestion = get_object_or_404(
        Suggestion.objects.select_related(
            "contact__user", "contact__commons", "skill__user", "request"
        ),
        pk=pk,
    )
    person = suggestion.person
    if person is None or person.pk != user.pk:
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
    # The places' priority needs, most supported first: the other input of the next call.
    priority_needs: list[PriorityNeed] = field(default_factory=list)

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
    # Ranking costs a catalogue read per request: the oldest open ones are enough to see a gap.
    weak = [
        request
        for request in requests.filter(
            status__in=[OrientationRequest.Status.NEW, OrientationRequest.Status.CLAIMED]
        )
        .select_related("commune")
        .order_by("created_at")[:WEAK_SAMPLE]
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
        priority_needs=list(ranked_needs(networks=networks)[:PRIORITY_NEEDS_SHOWN]),
    )
