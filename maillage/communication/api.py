"""API of animation and communication (public reads): the planned permanences, the kit's
published resources and the case library."""

import datetime
import re
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from maillage.communication import kit
from maillage.communication.models import Permanence, Resource, ResourceKind
from maillage.lib.api import DETAIL_ERRORS, READ_ERRORS, Pagination, ref_lookup
from maillage.lib.urls import absolute_url

permanences = Router()
resources = Router()
cases = Router()


class PermanenceFiltersIn(Schema):
    network: str = Field("", description="Slug du réseau.")
    place: str = Field("", description="Slug du lieu.")
    since: datetime.date | None = Field(
        None, description="À partir de cette date (aujourd'hui par défaut)."
    )

    @field_validator("since", mode="before")
    @classmethod
    def _iso_date_only(cls, value: Any) -> Any:
        # Pydantic would read "0" as a Unix timestamp: a date is written AAAA-MM-JJ here.
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value
        raise ValueError("Date attendue au format AAAA-MM-JJ.")


class PermanenceOut(Schema):
    id: int
    date: datetime.date
    half: str = Field(description="am (matin) ou pm (après-midi).")
    place: str
    place_slug: str
    network: str
    facilitator: str = Field(description="Nom public de l'animateur·rice (ou de son remplaçant·e).")
    stand_in: bool
    purpose: str

    @staticmethod
    def resolve_place(obj: Permanence) -> str:
        return obj.place.name

    @staticmethod
    def resolve_place_slug(obj: Permanence) -> str:
        return obj.place.slug

    @staticmethod
    def resolve_network(obj: Permanence) -> str:
        return obj.rota.network.slug

    @staticmethod
    def resolve_facilitator(obj: Permanence) -> str:
        return obj.facilitator.public_name

    @staticmethod
    def resolve_stand_in(obj: Permanence) -> bool:
        return obj.stands_in_for_id is not None


@permanences.get(
    "", response={200: list[PermanenceOut], **READ_ERRORS}, summary="Les permanences prévues"
)
@paginate(Pagination)
def list_permanences(request: HttpRequest, filters: Query[PermanenceFiltersIn]) -> Any:
    queryset = Permanence.objects.filter(
        status=Permanence.Status.PLANNED, date__gte=filters.since or timezone.localdate()
    ).select_related("place", "facilitator", "rota__network")
    if filters.network:
        queryset = queryset.filter(rota__network__slug=filters.network)
    if filters.place:
        queryset = queryset.filter(place__slug=filters.place)
    return queryset.order_by("date", "half", "pk")


class ResourceFiltersIn(Schema):
    q: str = Field("", max_length=100)
    type: str = Field("", description="pitch, template, logo, photo, slides, poster, factsheet.")
    action: str = Field("", description="gerer, developper, travailler, animer, documenter.")
    tag: str = Field("", max_length=50)
    network: str = Field("", description="Slug du réseau.")


class ResourceOut(Schema):
    id: int
    slug: str
    kind: str
    title: str
    summary: str
    licence: str
    credit: str
    tags: list[str]
    actions: list[str]
    network: str
    place: str | None
    downloads: int
    version: int | None = Field(description="Numéro de la dernière version du fichier.")
    download_url: str | None
    url: str
    adapted_from: int | None = Field(description="La ressource d'origine d'une adaptation.")
    attribution: str

    @staticmethod
    def resolve_network(obj: Resource) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_place(obj: Resource) -> str | None:
        return obj.place.slug if obj.place else None

    @staticmethod
    def resolve_version(obj: Resource) -> int | None:
        latest = kit.latest_version(obj)
        return latest.number if latest else None

    @staticmethod
    def resolve_download_url(obj: Resource) -> str | None:
        from django.urls import reverse

        latest = kit.latest_version(obj)
        if latest is None:
            return None
        return absolute_url(reverse("communication:kit-download", args=[obj.slug, latest.number]))

    @staticmethod
    def resolve_url(obj: Resource) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_adapted_from(obj: Resource) -> int | None:
        return obj.adapted_from_id


class CaseOut(ResourceOut):
    context: str
    what_they_did: str
    results: str
    contacts: str


def _search(filters: ResourceFiltersIn, *, case: bool) -> list[Resource]:
    kind = (
        "case"
        if case
        else (
            filters.type if filters.type in ResourceKind.values and filters.type != "case" else ""
        )
    )
    parsed = kit.KitFilters.from_query(
        {
            "q": filters.q,
            "type": kind,
            "action": filters.action,
            "tag": filters.tag,
            "reseau": filters.network,
        }
    )
    found = kit.search(parsed, limit=1000)
    return [r for r in found if r.is_case == case]


def _published(ref: str, *, case: bool) -> Resource:
    resource = (
        Resource.objects.filter(**ref_lookup(ref), status=Resource.Status.PUBLISHED)
        .select_related("network", "place")
        .first()
    )
    if resource is None or resource.is_case != case:
        raise Http404
    return resource


@resources.get(
    "", response={200: list[ResourceOut], **READ_ERRORS}, summary="La valise de communication"
)
@paginate(Pagination)
def list_resources(request: HttpRequest, filters: Query[ResourceFiltersIn]) -> Any:
    return _search(filters, case=False)


@resources.get(
    "/{ref}", response={200: ResourceOut, **DETAIL_ERRORS}, summary="Une ressource publiée"
)
def get_resource(request: HttpRequest, ref: str) -> Resource:
    return _published(ref, case=False)


@cases.get("", response={200: list[CaseOut], **READ_ERRORS}, summary="Les cas pratiques des lieux")
@paginate(Pagination)
def list_cases(request: HttpRequest, filters: Query[ResourceFiltersIn]) -> Any:
    return _search(filters, case=True)


@cases.get("/{ref}", response={200: CaseOut, **DETAIL_ERRORS}, summary="Un cas pratique publié")
def get_case(request: HttpRequest, ref: str) -> Resource:
    return _published(ref, case=True)
