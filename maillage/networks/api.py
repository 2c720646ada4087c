"""API of the networks: the list and one network with its member places (all public)."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from maillage.lib.api import DETAIL_ERRORS, READ_ERRORS, Pagination, ref_lookup
from maillage.networks import selectors
from maillage.networks.models import Network

router = Router()


class NetworkOut(Schema):
    id: int
    slug: str
    name: str
    level: str
    parent_id: int | None
    summary: str
    website: str
    open_data_licence: str
    member_count: int = Field(description="Nombre de lieux adhérents.")
    url: str = Field(description="Adresse de sa page publique.")

    @staticmethod
    def resolve_url(obj: Network, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class NetworkDetailOut(NetworkOut):
    description: str
    stale_after_days: int
    child_ids: list[int]
    place_ids: list[int] = Field(description="Lieux adhérents (visibles dans l'annuaire).")


@router.get("", response={200: list[NetworkOut], **READ_ERRORS}, summary="Lister les réseaux")
@paginate(Pagination)
def list_networks(request: HttpRequest) -> Any:
    return selectors.public_networks().order_by("name", "pk")


@router.get(
    "/{ref}",
    response={200: NetworkDetailOut, **DETAIL_ERRORS},
    summary="Un réseau et ses lieux adhérents",
    description="`ref` est l'identifiant numérique du réseau ou son slug.",
)
def get_network(request: HttpRequest, ref: str) -> Network:
    slug = Network.objects.filter(**ref_lookup(ref)).values_list("slug", flat=True).first()
    if slug is None:
        raise Http404
    network = selectors.get_network(slug=slug)
    places = [place for place in selectors.member_places(network=network) if place.is_published]
    network.member_count = len(places)  # type: ignore[attr-defined]
    network.place_ids = [place.pk for place in places]  # type: ignore[attr-defined]
    network.child_ids = list(  # type: ignore[attr-defined]
        selectors.child_networks(network=network).values_list("pk", flat=True)
    )
    return network
