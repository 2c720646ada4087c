"""API of the places' priority needs (/api/v1/needs): the ranking of a network's open needs by
supporting places, one need with its supporters, and the writes of the pages — publish a need,
support it or withdraw the support, withdraw the need — in the name of a place one manages.
Every write goes through `commons.needs`: the rules and their French refusals are the pages'."""

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from maillage.accounts.api_auth import token_auth
from maillage.accounts.requests import token_person
from maillage.commons import need_selectors, needs
from maillage.commons.models import Action, Domain, PriorityNeed
from maillage.lib.api import (
    CONFLICT_ERRORS,
    DETAIL_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ChangesIn,
    Pagination,
)
from maillage.networks.models import Network
from maillage.places.models import Place

router = Router()

MAX_ID = 2_000_000_000


class NeedFiltersIn(Schema):
    network: str = Field("", max_length=220, description="Slug d'un réseau : ses besoins seuls.")
    action: str = Field("", max_length=12, description="gerer, developper, travailler…")
    domain: str = Field("", max_length=15, description="Un domaine (gouvernance, economie…).")


class NeedPlaceOut(Schema):
    id: int
    slug: str
    name: str


class NeedOut(Schema):
    id: int
    title: str
    details: str
    action: str = Field(description="Code de l'action, vide si aucune.")
    domain: str = Field(description="Code du domaine, vide si aucun.")
    place: NeedPlaceOut = Field(description="Le lieu qui a publié le besoin.")
    network: str = Field(description="Slug du réseau.")
    support_count: int = Field(description="Nombre de lieux qui soutiennent le besoin.")
    status: str = Field(description="open, ou closed une fois retiré par son lieu.")
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    url: str = Field(description="Le classement du réseau, sur le site.")

    @staticmethod
    def resolve_network(obj: PriorityNeed) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_status(obj: PriorityNeed) -> str:
        return "open" if obj.closed_at is None else "closed"

    @staticmethod
    def resolve_url(obj: PriorityNeed, context: dict[str, Any]) -> str:
        path = f"{reverse('commons:needs')}?reseau={obj.network.slug}"
        return context["request"].build_absolute_uri(path)


class NeedDetailOut(NeedOut):
    supporting_places: list[NeedPlaceOut] = Field(description="Les lieux qui le soutiennent.")

    @staticmethod
    def resolve_supporting_places(obj: PriorityNeed) -> list[Place]:
        return need_selectors.supporting_places(need=obj)


class NeedIn(ChangesIn):
    place: int = Field(
        ge=1, le=MAX_ID, description="Le lieu que vous gérez, au nom duquel publier."
    )
    network: str = Field(
        min_length=1, max_length=220, description="Slug d'un réseau dont le lieu est membre."
    )
    # The schema publishes the accepted values; the service refuses any other with the page's
    # French message ("Dites le besoin en une phrase.", "Choisissez une action de la liste.").
    title: str = Field(
        max_length=200,
        description="Le besoin, en une phrase.",
        json_schema_extra={"minLength": 1, "pattern": r"\S"},
    )
    details: str = Field("", max_length=2000, description="Précisions.")
    action: str = Field(
        "",
        description="Code d'une action, ou vide.",
        json_schema_extra={"enum": ["", *Action.values]},
    )
    domain: str = Field(
        "",
        description="Code d'un domaine, ou vide.",
        json_schema_extra={"enum": ["", *Domain.values]},
    )


class NeedPlaceIn(ChangesIn):
    place: int = Field(ge=1, le=MAX_ID, description="Le lieu que vous gérez.")


def _with_counts(found: QuerySet[PriorityNeed]) -> QuerySet[PriorityNeed]:
    return found.select_related("place", "network").annotate(
        support_count=Count("supports", distinct=True)
    )


def _need(need_id: int) -> PriorityNeed:
    """A need of a published place, open or withdrawn (404 otherwise)."""
    found = _with_counts(PriorityNeed.objects.filter(place__is_published=True)).filter(pk=need_id)
    need = found.first()
    if need is None:
        raise Http404
    return need


def _place(place_id: int) -> Place:
    place = Place.objects.filter(pk=place_id).first()
    if place is None:
        raise Http404
    return place


@router.get(
    "",
    response={200: list[NeedOut], **READ_ERRORS},
    summary="Besoins prioritaires ouverts, les plus soutenus d'abord",
    description=(
        "Les besoins ouverts des lieux, classés par nombre de lieux qui les soutiennent (puis "
        "du plus ancien au plus récent), comme la page « Besoins prioritaires ». Filtres : "
        "`network` (slug), `action`, `domain` ; une valeur inconnue ne donne aucun besoin."
    ),
)
@paginate(Pagination)
def list_needs(request: HttpRequest, filters: Query[NeedFiltersIn]) -> Any:
    networks = None
    if filters.network:
        networks = Network.objects.filter(slug=filters.network)
    ranked = need_selectors.ranked_needs(networks=networks)
    if filters.action:
        ranked = ranked.filter(action=filters.action if filters.action in Action.values else "?")
    if filters.domain:
        ranked = ranked.filter(domain=filters.domain if filters.domain in Domain.values else "?")
    return ranked


@router.get(
    "/{need_id}",
    response={200: NeedDetailOut, **DETAIL_ERRORS},
    summary="Un besoin prioritaire et les lieux qui le soutiennent",
)
def get_need(request: HttpRequest, need_id: int) -> PriorityNeed:
    return _need(need_id)


@router.post(
    "",
    auth=token_auth,
    response={201: NeedDetailOut, **CONFLICT_ERRORS},
    summary="Publier un besoin prioritaire au nom d'un lieu que vous gérez",
    description=(
        "Le lieu doit être membre du réseau (422 sinon) ; il a au plus trois besoins ouverts : "
        "au-delà, retirez-en un d'abord (409). Lieu ou réseau inconnu : 404. Rien ne change "
        "quand la demande est refusée."
    ),
)
def create_need(request: HttpRequest, payload: NeedIn) -> tuple[int, PriorityNeed]:
    place = _place(payload.place)
    network = Network.objects.filter(slug=payload.network).first()
    if network is None:
        raise Http404
    data = needs.NeedData(
        title=payload.title, details=payload.details, action=payload.action, domain=payload.domain
    )
    need = needs.post_need(place=place, network=network, data=data, by=token_person(request))
    return 201, _need(need.pk)


@router.post(
    "/{need_id}/supports",
    auth=token_auth,
    response={201: NeedDetailOut, **CONFLICT_ERRORS},
    summary="Soutenir un besoin au nom d'un lieu que vous gérez",
    description="Un lieu soutient un besoin une fois (409 sinon), jamais le sien, et pas un "
    "besoin retiré (409).",
)
def support_need(
    request: HttpRequest, need_id: int, payload: NeedPlaceIn
) -> tuple[int, PriorityNeed]:
    need = _need(need_id)
    needs.support_need(need=need, place=_place(payload.place), by=token_person(request))
    return 201, _need(need.pk)


@router.delete(
    "/{need_id}/supports/{place_id}",
    auth=token_auth,
    response={200: NeedDetailOut, **WRITE_ERRORS},
    summary="Retirer le soutien d'un lieu que vous gérez",
    description="Sans effet si le lieu ne soutenait pas ce besoin.",
)
def withdraw_support(request: HttpRequest, need_id: int, place_id: int) -> PriorityNeed:
    need = _need(need_id)
    needs.withdraw_support(need=need, place=_place(place_id), by=token_person(request))
    return _need(need.pk)


@router.post(
    "/{need_id}/close",
    auth=token_auth,
    response={200: NeedDetailOut, **CONFLICT_ERRORS},
    summary="Retirer un besoin de votre lieu (satisfait, ou plus prioritaire)",
    description=(
        "Le besoin quitte le classement et ne reçoit plus de soutien ; ses soutiens restent "
        "notés. Déjà retiré : 409."
    ),
)
def close_need(request: HttpRequest, need_id: int) -> PriorityNeed:
    need = _need(need_id)
    needs.close_need(need=need, by=token_person(request))
    return _need(need.pk)
