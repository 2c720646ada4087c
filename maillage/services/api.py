"""API of the services app: the catalogue and the cercle (public reads), support requests (a
token: the requester, the assignee and the network's coordinators and guides only), peer groups
(their members and the team), and the similar places of a place (public)."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from maillage.accounts.api_auth import token_auth
from maillage.accounts.requests import token_person
from maillage.lib.api import DETAIL_ERRORS, PRIVATE_READ_ERRORS, READ_ERRORS, Pagination, ref_lookup
from maillage.places.models import Place
from maillage.services import selectors
from maillage.services.models import Accompanist, PeerGroup, Service, SupportRequest
from maillage.services.similar import similar_places, with_places

router = Router()


class ServiceOut(Schema):
    id: int
    slug: str
    network: str
    kind: str
    title: str
    summary: str
    topics: list[str]
    audience: str
    conditions: str
    price_member_cents: int | None
    price_other_cents: int | None
    delivered_by: str
    capacity: int | None
    how_to_ask: str
    objectives: str
    prerequisites: str
    duration_hours: int | None
    methods: str
    evaluation: str
    accessibility: str
    certification_number: str

    @staticmethod
    def resolve_network(obj: Service) -> str:
        return obj.network.slug


class ServiceFiltersIn(Schema):
    kind: str = Field(
        "",
        description="training, support, purchasing, insurance, legal, communication, bids, other.",
    )
    topic: str = Field("", description="Un thème (modele-economique, gouvernance…).")


@router.get(
    "/services",
    response={200: list[ServiceOut], **READ_ERRORS},
    summary="Le catalogue des services des réseaux",
)
@paginate(Pagination)
def list_services(request: HttpRequest, filters: Query[ServiceFiltersIn]) -> Any:
    return selectors.published_services(kind=filters.kind, topic=filters.topic).order_by("pk")


@router.get("/services/{ref}", response={200: ServiceOut, **DETAIL_ERRORS}, summary="Un service")
def get_service(request: HttpRequest, ref: str) -> Service:
    service = (
        Service.objects.filter(is_published=True, **ref_lookup(ref))
        .select_related("network")
        .first()
    )
    if service is None:
        raise Http404
    return service


class AccompanistOut(Schema):
    id: int
    network: str
    name: str
    kind: str
    bio: str
    specialities: list[str]
    departments: list[str]
    formats: list[str]
    rates: str
    day_rate_cents: int | None
    website: str
    availability: str
    references: list[dict[str, Any]] = Field(
        description="Lieux accompagnés qui ont consenti à être cités."
    )

    @staticmethod
    def resolve_network(obj: Accompanist) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_references(obj: Accompanist) -> list[dict[str, Any]]:
        return [
            {"place_id": r.place_id, "place": r.place.name, "what": r.what, "year": r.year}
            for r in selectors.visible_references(obj)
        ]


@router.get(
    "/accompanists",
    response={200: list[AccompanistOut], **READ_ERRORS},
    summary="Le cercle des accompagnements (membres acceptés)",
)
@paginate(Pagination)
def list_accompanists(request: HttpRequest, speciality: str = "") -> Any:
    return selectors.accepted_accompanists(topic=speciality)


@router.get(
    "/accompanists/{accompanist_id}",
    response={200: AccompanistOut, **DETAIL_ERRORS},
    summary="Un membre du cercle",
)
def get_accompanist(request: HttpRequest, accompanist_id: int) -> Accompanist:
    found = (
        Accompanist.objects.filter(pk=accompanist_id, status=Accompanist.Status.ACCEPTED)
        .select_related("network")
        .first()
    )
    if found is None:
        raise Http404
    return found


class ProposalOut(Schema):
    kind: str
    helper: str
    reason: str
    status: str


class SupportRequestOut(Schema):
    id: int
    network: str
    topic: str
    description: str
    status: str
    place_id: int | None
    created_at: str
    closed_at: str | None
    outcome: str
    time_spent_minutes: int | None
    proposals: list[ProposalOut]

    @staticmethod
    def resolve_network(obj: SupportRequest) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_created_at(obj: SupportRequest) -> str:
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_closed_at(obj: SupportRequest) -> str | None:
        return obj.closed_at.isoformat() if obj.closed_at else None

    @staticmethod
    def resolve_proposals(obj: SupportRequest) -> list[dict[str, Any]]:
        return [
            {"kind": p.kind, "helper": p.helper_name, "reason": p.reason, "status": p.status}
            for p in obj.proposals.all()
        ]


def _api_requests(user: Any) -> Any:
    """Requester, assignee, the network's team (coordinators and guides); admins."""
    from django.db.models import Q

    if user.is_superuser:
        return SupportRequest.objects.all()
    return SupportRequest.objects.filter(
        Q(requester=user) | Q(assignee=user) | Q(network__in=selectors.team_networks(user=user))
    )


@router.get(
    "/support-requests",
    auth=token_auth,
    response={200: list[SupportRequestOut], **PRIVATE_READ_ERRORS},
    summary="Les demandes d'aide que je peux suivre",
)
@paginate(Pagination)
def list_requests(request: HttpRequest) -> Any:
    return (
        _api_requests(token_person(request))
        .select_related("network")
        .prefetch_related(
            "proposals__person", "proposals__place", "proposals__accompanist", "proposals__service"
        )
        .order_by("-created_at", "-pk")
    )


@router.get(
    "/support-requests/{request_id}",
    auth=token_auth,
    response={200: SupportRequestOut, **PRIVATE_READ_ERRORS},
    summary="Une demande d'aide",
)
def get_request(request: HttpRequest, request_id: int) -> SupportRequest:
    found = (
        _api_requests(token_person(request)).filter(pk=request_id).select_related("network").first()
    )
    if found is None:
        raise Http404
    return found


class PeerGroupOut(Schema):
    id: int
    network: str
    name: str
    audience: str
    status: str
    facilitator: str
    members: list[dict[str, Any]]
    sessions: list[dict[str, Any]] = Field(
        description="Numéro et date ; les notes restent dans le groupe."
    )

    @staticmethod
    def resolve_network(obj: PeerGroup) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_facilitator(obj: PeerGroup) -> str:
        return obj.facilitator.public_name

    @staticmethod
    def resolve_members(obj: PeerGroup) -> list[dict[str, Any]]:
        return [
            {"name": m.user.public_name, "place_id": m.place_id, "place": m.place.name}
            for m in obj.members.all()
        ]

    @staticmethod
    def resolve_sessions(obj: PeerGroup) -> list[dict[str, Any]]:
        return [
            {"number": s.number, "starts_at": s.event.starts_at.isoformat() if s.event else None}
            for s in obj.sessions.all()
        ]


@router.get(
    "/peer-groups",
    auth=token_auth,
    response={200: list[PeerGroupOut], **PRIVATE_READ_ERRORS},
    summary="Mes groupes de codéveloppement",
)
@paginate(Pagination)
def list_groups(request: HttpRequest) -> Any:
    return (
        selectors.groups_visible_to(user=token_person(request))
        .select_related("network", "facilitator")
        .prefetch_related("members__user", "members__place", "sessions__event")
        .order_by("pk")
    )


class SimilarOut(Schema):
    place_id: int
    name: str
    slug: str
    score: float
    distance_km: float | None
    reasons: list[str]


@router.get(
    "/places/{place_id}/similar",
    response={200: list[SimilarOut], **DETAIL_ERRORS},
    summary="Les 10 lieux les plus semblables, avec la raison",
)
def list_similar(request: HttpRequest, place_id: int) -> list[dict[str, Any]]:
    place = Place.objects.filter(pk=place_id, is_published=True).first()
    if place is None:
        raise Http404
    return [
        {
            "place_id": found.pk,
            "name": found.name,
            "slug": found.slug,
            "score": match.score,
            "distance_km": round(match.distance_km, 1) if match.distance_km is not None else None,
            "reasons": match.reasons,
        }
        for found, match in with_places(similar_places(place))
    ]
