"""API of governance: collective debates and proposals (public reads, supports with a token),
a person's fees and the treasurer's calls, volunteer hours (log and read one's own)."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from maillage.accounts.api_auth import token_auth
from maillage.accounts.models import User
from maillage.governance import debates as debate_services
from maillage.governance import selectors, volunteering
from maillage.governance.models import FeeCall, Proposal, VolunteerEntry
from maillage.lib.api import (
    CONFLICT_ERRORS,
    DETAIL_ERRORS,
    PRIVATE_READ_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Pagination,
)


def _auth(request: HttpRequest) -> User:
    """The person of the token (operations with `auth=token_auth` only)."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


debates = Router()
proposals = Router()
fees = Router()
volunteering_router = Router()
# The name maillage/api.py mounts.
volunteering_api = volunteering_router


class DebateSpaceOut(Schema):
    id: int
    slug: str
    title: str
    network: str
    threshold_kind: str
    threshold_value: int

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return obj.network.name


class DebateProposalOut(Schema):
    id: int
    slug: str
    kind: str
    title: str
    status: str
    space: str
    author: str
    place: str | None
    supports_people: int
    supports_places: int
    answer: str
    conclusion: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_space(obj: Proposal) -> str:
        return obj.space.slug

    @staticmethod
    def resolve_author(obj: Proposal) -> str:
        return obj.author.public_name

    @staticmethod
    def resolve_place(obj: Proposal) -> str | None:
        return obj.place.name if obj.place else None

    @staticmethod
    def resolve_supports_people(obj: Proposal) -> int:
        return obj.supports.filter(place=None).count()

    @staticmethod
    def resolve_supports_places(obj: Proposal) -> int:
        return obj.supports.exclude(place=None).count()


class ProposalDetailOut(DebateProposalOut):
    body: str


class SupportIn(Schema):
    place_id: int | None = Field(None, description="Soutenir au nom de ce lieu (gestionnaire).")


class SupportOut(Schema):
    supports_people: int
    supports_places: int
    status: str


@debates.get(
    "", response={200: list[DebateSpaceOut], **READ_ERRORS}, summary="Les espaces de débat"
)
@paginate(Pagination)
def list_spaces(request: HttpRequest) -> Any:
    return selectors.spaces_for(user=request.user)


@debates.get(
    "/{slug}/proposals",
    response={200: list[DebateProposalOut], **DETAIL_ERRORS},
    summary="Débats et propositions d'un espace",
)
@paginate(Pagination)
def list_space_proposals(request: HttpRequest, slug: str) -> Any:
    space = selectors.get_space(slug=slug)
    return space.proposals.select_related("space", "author", "place").order_by("-created_at")


@proposals.get(
    "", response={200: list[DebateProposalOut], **READ_ERRORS}, summary="Propositions collectives"
)
@paginate(Pagination)
def list_proposals(request: HttpRequest, status: str = "") -> Any:
    rows = Proposal.objects.select_related("space", "author", "place").order_by("-created_at")
    return rows.filter(status=status) if status else rows


@proposals.get(
    "/{slug}", response={200: ProposalDetailOut, **DETAIL_ERRORS}, summary="Une proposition"
)
def get_proposal(request: HttpRequest, slug: str) -> Proposal:
    return selectors.get_proposal(slug=slug)


@proposals.post(
    "/{slug}/supports",
    auth=token_auth,
    response={200: SupportOut, **CONFLICT_ERRORS},
    summary="Soutenir une proposition (en personne, ou au nom d'un lieu géré)",
)
def support(request: HttpRequest, slug: str, payload: SupportIn) -> dict[str, Any]:
    proposal = selectors.get_proposal(slug=slug)
    place = None
    if payload.place_id is not None:
        place = next(
            (
                p
                for p in selectors.places_that_may_support(user=_auth(request), proposal=proposal)
                if p.pk == payload.place_id
            ),
            None,
        )
        if place is None:
            raise debate_services.NotAllowed(
                "Vous ne gérez pas ce lieu, ou il n'est pas adhérent du réseau."
            )
    debate_services.support(by=_auth(request), proposal=proposal, place=place)
    proposal.refresh_from_db()
    return {
        "supports_people": proposal.supports.filter(place=None).count(),
        "supports_places": proposal.supports.exclude(place=None).count(),
        "status": proposal.status,
    }


class GovernanceCallOut(Schema):
    id: int
    network: str
    year: int
    payer: str
    amount_cents: int
    paid_cents: int
    status: str
    due_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date

    @staticmethod
    def resolve_network(obj: FeeCall) -> str:
        return obj.schedule.network.slug

    @staticmethod
    def resolve_year(obj: FeeCall) -> int:
        return obj.schedule.year

    @staticmethod
    def resolve_payer(obj: FeeCall) -> str:
        return obj.payer_name

    @staticmethod
    def resolve_paid_cents(obj: FeeCall) -> int:
        return sum(p.fee_cents for p in obj.payments.all() if p.refunded_at is None)


@fees.get(
    "",
    auth=token_auth,
    response={200: list[GovernanceCallOut], **PRIVATE_READ_ERRORS},
    summary="Mes appels de cotisation (mes lieux et moi)",
)
@paginate(Pagination)
def my_calls(request: HttpRequest) -> Any:
    return selectors.calls_for_person(user=_auth(request))


@fees.get(
    "/networks/{slug}",
    auth=token_auth,
    response={200: list[GovernanceCallOut], **PRIVATE_READ_ERRORS},
    summary="Les appels de cotisation d'un réseau (trésorerie, coordination)",
)
@paginate(Pagination)
def network_calls(request: HttpRequest, slug: str) -> Any:
    network = selectors.get_network_for_treasurer(user=_auth(request), slug=slug)
    return (
        FeeCall.objects.filter(schedule__network=network)
        .select_related("schedule__network", "place", "person")
        .prefetch_related("payments")
        .order_by("-due_on", "pk")
    )


class EntryIn(Schema):
    network: str = Field(description="Slug du réseau.")
    activity: str = Field(description="circle, event, commons, peer, governance.")
    label: str = Field(max_length=200)
    day: datetime.date
    hours: float = Field(gt=0, description="Heures données ce jour-là (au plus 24 par jour).")
    note: str = ""


class EntryOut(Schema):
    id: int
    network: str
    activity: str
    label: str
    day: datetime.date
    minutes: int
    status: str

    @staticmethod
    def resolve_network(obj: VolunteerEntry) -> str:
        return obj.network.slug


@volunteering_router.get(
    "",
    auth=token_auth,
    response={200: list[EntryOut], **PRIVATE_READ_ERRORS},
    summary="Mes heures de bénévolat",
)
@paginate(Pagination)
def my_entries(request: HttpRequest) -> Any:
    return VolunteerEntry.objects.filter(person=_auth(request)).select_related("network")


@volunteering_router.post(
    "",
    auth=token_auth,
    response={201: EntryOut, **WRITE_ERRORS},
    summary="Déclarer des heures de bénévolat (à valider par la coordination)",
)
def log_entry(request: HttpRequest, payload: EntryIn) -> tuple[int, VolunteerEntry]:
    network = selectors.get_network_for_member(user=_auth(request), slug=payload.network)
    entry = volunteering.log_hours(
        by=_auth(request),
        data=volunteering.EntryData(
            network=network,
            activity=payload.activity,
            label=payload.label,
            day=payload.day,
            minutes=round(payload.hours * 60),
            note=payload.note,
        ),
    )
    return 201, entry
