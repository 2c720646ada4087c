"""Who could help with a support request, ranked: peers first, then professionals, then services.

- **peer places**: places that declared they went through this topic (`PlaceExperience`), near
  the request (read by bounding box on the similarity features' positions), those that already
  helped on it first;
- **peer people**: people whose skills (as the viewer may see them: `directory.search.people`)
  match the topic's words, living near;
- **professionals**: accepted members of the network's cercle with this speciality, serving the
  request's département, not unavailable;
- **services**: the network's published services on this topic.

Each candidate carries the reason shown to the team. A few indexed queries whatever the size of
the directory (see bench/services_similar.py).
"""

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.search.people import matching, visible_skills_for
from maillage.lib.geo import distance_km
from maillage.networks.selectors import ancestor_ids
from maillage.places.models import Place
from maillage.services.models import (
    Accompanist,
    HelperKind,
    PeerProfile,
    PlaceExperience,
    PlaceFeatures,
    Proposal,
    Service,
    SupportRequest,
    Topic,
)

PEER_RADIUS_KM = 60
WIDE_RADIUS_KM = 150
PER_KIND = 5
# How many matching people are read before keeping the nearest PER_KIND.
PEOPLE_READ = 40
KIND_ORDER = {
    HelperKind.PEER_PLACE: 0,
    HelperKind.PEER_PERSON: 0,
    HelperKind.PROFESSIONAL: 1,
    HelperKind.SERVICE: 2,
}
# The words a skill about the topic would hold (every word of one phrase must match).
TOPIC_WORDS: dict[str, list[str]] = {
    Topic.BUSINESS_MODEL: [
        "modèle économique",
        "business model",
        "tarification",
        "plan de financement",
    ],
    Topic.GOVERNANCE: ["gouvernance", "sociocratie", "décision"],
    Topic.LEGAL: ["juridique", "statuts", "droit"],
    Topic.FUNDING: ["financement", "subvention", "mécénat"],
    Topic.REAL_ESTATE: ["immobilier", "travaux", "bail"],
    Topic.FACILITATION: ["animation", "facilitation", "communauté"],
    Topic.DIGITAL: ["numérique", "informatique", "site web"],
    Topic.BIDS: ["appel à projets", "dossier de subvention", "appels d'offres"],
    Topic.COMMUNICATION: ["communication", "réseaux sociaux"],
}


@dataclass
class Candidate:
    kind: str
    name: str
    reason: str
    score: float
    place: Place | None = None
    person: User | None = None
    accompanist: Accompanist | None = None
    service: Service | None = None
    distance_km: float | None = None

    @property
    def key(self) -> str:
        obj = self.place or self.person or self.accompanist or self.service
        return f"{self.kind}:{obj.pk if obj else 0}"

    @property
    def kind_label(self) -> str:
        return str(HelperKind(self.kind).label)


def _centre(request: SupportRequest) -> tuple[float, float] | None:
    place = request.place
    if place is not None and place.latitude is not None and place.longitude is not None:
        return place.latitude, place.longitude
    commune = request.commune or (place.commune if place is not None else None)
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        return commune.latitude, commune.longitude
    return None


def _box(centre: tuple[float, float], radius: float) -> tuple[float, float, float, float]:
    lat, lon = centre
    dlat = radius / 111.0
    dlon = radius / (111.0 * max(math.cos(math.radians(lat)), 0.1))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _distance_text(km: float | None) -> str:
    if km is None:
        return ""
    return _("à %(km)s km") % {"km": max(1, round(km))}


def peer_places(request: SupportRequest, *, limit: int = PER_KIND) -> list[Candidate]:
    centre = _centre(request)
    topic_label = str(Topic(request.topic).label)
    experienced = PlaceExperience.objects.filter(topic=request.topic)
    if request.place_id:
        experienced = experienced.exclude(place_id=request.place_id)
    # The places of this topic, read with their positions (in the similarity features) in one
    # statement: those in the wide box around the request when they are enough, else all.
    features = PlaceFeatures.objects.filter(
        is_published=True, place_id__in=experienced.values("place_id")
    ).values_list("place_id", "latitude", "longitude")
    rows: list[tuple[int, float | None, float | None]] = []
    if centre is not None:
        south, north, west, east = _box(centre, WIDE_RADIUS_KM)
        rows = [
            row
            for row in features.filter(
                latitude__range=(south, north), longitude__range=(west, east)
            )
            if distance_km(centre[0], centre[1], row[1], row[2]) <= WIDE_RADIUS_KM  # type: ignore[arg-type]
        ]
    if len(rows) < limit:
        rows = list(features)
    if not rows:
        return []
    helped = set(
        Proposal.objects.filter(
            place__isnull=False, request__topic=request.topic, status__in=["taken", "done"]
        ).values_list("place_id", flat=True)
    )
    scored = []
    for place_id, lat, lon in rows:
        km = (
            distance_km(centre[0], centre[1], lat, lon)
            if centre and lat is not None and lon is not None
            else None
        )
        score = 1.0 + (0.5 if place_id in helped else 0) - (km or 0) / 300
        scored.append((score, km, place_id))
    scored.sort(key=lambda row: (-row[0], row[2]))
    best = scored[:limit]
    places = Place.objects.in_bulk([row[2] for row in best])
    notes = dict(
        PeerProfile.objects.filter(place_id__in=places).values_list("place_id", "experience_note")
    )
    found = []
    for score, km, place_id in best:
        place = places[place_id]
        parts = [_("a déjà traversé « %(topic)s »") % {"topic": topic_label}]
        if place_id in helped:
            parts.append(_("a déjà aidé un lieu sur ce sujet"))
        if km is not None:
            parts.append(_distance_text(km))
        if notes.get(place_id):
            parts.append(notes[place_id])
        found.append(
            Candidate(
                kind=HelperKind.PEER_PLACE,
                name=place.name,
                reason=" — ".join(parts),
                score=score,
                place=place,
                distance_km=km,
            )
        )
    return found


def peer_people(request: SupportRequest, *, viewer: Any, limit: int = PER_KIND) -> list[Candidate]:
    centre = _centre(request)
    visible = visible_skills_for(viewer=viewer)
    if centre is not None:
        south, north, west, east = _box(centre, PEER_RADIUS_KM)
        visible = visible.filter(
            user__commune__latitude__range=(south, north),
            user__commune__longitude__range=(west, east),
        )
    visible = visible.exclude(user_id=request.requester_id)
    found: dict[int, str] = {}
    for words in TOPIC_WORDS.get(request.topic, []):
        skills = matching(visible, words)
        if skills is None:
            continue
        # Unordered, so the database stops at the first matches it meets in the box instead of
        # sorting every skill of the topic in France; the nearest of these are kept below.
        for user_id, name in skills.order_by().values_list("user_id", "name")[:PEOPLE_READ]:
            found.setdefault(user_id, name)
        if len(found) >= limit:
            break
    if not found:
        return []
    people = User.objects.select_related("commune").in_bulk(list(found))
    result = []
    for user_id, skill in found.items():
        person = people[user_id]
        km = None
        if (
            centre
            and person.commune
            and person.commune.latitude is not None
            and person.commune.longitude is not None
        ):
            km = distance_km(
                centre[0], centre[1], person.commune.latitude, person.commune.longitude
            )
        parts = [_("compétence : %(skill)s") % {"skill": skill}]
        if km is not None:
            parts.append(_distance_text(km))
        result.append(
            Candidate(
                kind=HelperKind.PEER_PERSON,
                name=person.public_name,
                reason=" — ".join(parts),
                score=0.9 - (km or 0) / 300,
                person=person,
                distance_km=km,
            )
        )
    result.sort(key=lambda c: (-c.score, c.name))
    return result[:limit]


def _networks(request: SupportRequest) -> list[int]:
    """The request's network and those above it (whose cercle and services serve it too)."""
    return [request.network_id, *ancestor_ids(network=request.network)]


def professionals(
    request: SupportRequest, *, limit: int = PER_KIND, networks: list[int] | None = None
) -> list[Candidate]:
    networks = networks or _networks(request)
    department = ""
    commune = request.commune or (request.place.commune if request.place else None)
    if commune is not None:
        department = commune.department_code
    profiles = Accompanist.objects.filter(
        network_id__in=networks, status=Accompanist.Status.ACCEPTED
    ).exclude(availability=Accompanist.Availability.UNAVAILABLE)
    result = []
    fitting = [p for p in profiles if request.topic in p.specialities]
    # The communes served matter only for those whose départements do not cover the request.
    by_commune = (
        set(
            Accompanist.communes.through.objects.filter(
                accompanist_id__in=[p.pk for p in fitting if department not in p.departments],
                commune_id=commune.pk,
            ).values_list("accompanist_id", flat=True)
        )
        if commune is not None and department and fitting
        else set()
    )
    for profile in fitting:
        serves = not department or department in profile.departments or profile.pk in by_commune
        if not serves:
            continue
        parts = [_("spécialité : %(topic)s") % {"topic": Topic(request.topic).label}]
        if department:
            parts.append(_("intervient dans le %(dep)s") % {"dep": department})
        parts.append(str(profile.get_availability_display()).lower())
        score = 1.0 if profile.availability == Accompanist.Availability.AVAILABLE else 0.7
        result.append(
            Candidate(
                kind=HelperKind.PROFESSIONAL,
                name=profile.name,
                reason=" — ".join(parts),
                score=score,
                accompanist=profile,
            )
        )
    result.sort(key=lambda c: (-c.score, c.name))
    return result[:limit]


def network_services(
    request: SupportRequest, *, limit: int = PER_KIND, networks: list[int] | None = None
) -> list[Candidate]:
    networks = networks or _networks(request)
    result = []
    for service in Service.objects.filter(network_id__in=networks, is_published=True):
        if request.topic not in service.topics:
            continue
        result.append(
            Candidate(
                kind=HelperKind.SERVICE,
                name=service.title,
                reason=_("service du réseau (%(kind)s) : %(summary)s")
                % {"kind": service.get_kind_display().lower(), "summary": service.summary},
                score=0.5,
                service=service,
            )
        )
    return result[:limit]


def ranked_helpers(request: SupportRequest, *, viewer: Any) -> list[Candidate]:
    """Peers first (places and people, by score), then professionals, then services."""
    peers = peer_places(request) + peer_people(request, viewer=viewer)
    peers.sort(key=lambda c: -c.score)
    already = {
        f"{p.kind}:{(p.place_id or p.person_id or p.accompanist_id or p.service_id)}"
        for p in request.proposals.all()
    }
    networks = _networks(request)
    ranked = (
        peers
        + professionals(request, networks=networks)
        + network_services(request, networks=networks)
    )
    ranked.sort(key=lambda c: KIND_ORDER[HelperKind(c.kind)])
    return [c for c in ranked if c.key not in already]
