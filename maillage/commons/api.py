"""API of the commons catalogue (public reads): the faceted list and one commons."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from maillage.commons import qualification, selectors
from maillage.commons.models import Commons
from maillage.lib.api import DETAIL_ERRORS, READ_ERRORS, Pagination, ref_lookup

router = Router()


class CommonsFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Mots cherchés (nom, résumé, description).")
    nature: str = Field(
        "", description="tool, method, community, legal, training, hardware, other."
    )
    action: str = Field("", description="gerer, developper, travailler, animer, documenter.")
    domain: str = Field("", description="Un domaine (gouvernance, economie…).")
    licence: str = Field("", description="Identifiant SPDX.")
    near: str = Field(
        "", max_length=100, description="Utilisés près de cette commune (nom, code postal)."
    )
    radius_km: int = Field(30, description="Rayon autour de `near` : 10, 30, 50 ou 100 km.")


class LinkOut(Schema):
    kind: str
    url: str
    label: str


class ContactOut(Schema):
    name: str = Field(description="Personne à appeler (qui y a consenti).")
    helps_with: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.user.public_name


class UsageOut(Schema):
    place_id: int
    place: str
    since: str | None
    testimonial: str

    @staticmethod
    def resolve_place(obj: Any) -> str:
        return obj.place.name

    @staticmethod
    def resolve_since(obj: Any) -> str | None:
        return obj.since.isoformat() if obj.since else None


class CommonsOut(Schema):
    id: int
    slug: str
    name: str
    summary: str
    nature: str
    licence: str
    actions: list[str]
    domains: list[str]
    website: str
    url: str = Field(description="Adresse de sa page publique.")

    @staticmethod
    def resolve_url(obj: Commons, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class CommonsDetailOut(CommonsOut):
    description: str
    how_to_start: str
    links: list[LinkOut]
    contacts: list[ContactOut]
    usages: list[UsageOut]

    @staticmethod
    def resolve_links(obj: Commons) -> list[Any]:
        return list(obj.links.all())

    @staticmethod
    def resolve_contacts(obj: Commons) -> list[Any]:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_usages(obj: Commons) -> list[Any]:
        return list(obj.usages.all())


class LevelOut(Schema):
    criterion: str
    level: str
    index: int = Field(description="Rang du niveau, à partir de 0 (le plus facile).")
    levels: int = Field(description="Nombre de niveaux du critère.")


class QualificationOut(Schema):
    author: str
    created_at: str
    grid_version: int
    stale: bool = Field(description="Plus ancienne que le délai de fraîcheur du réseau.")
    note: str
    levels: list[LevelOut]


@router.get("", response={200: list[CommonsOut], **READ_ERRORS}, summary="Chercher des communs")
@paginate(Pagination)
def list_commons(request: HttpRequest, filters: Query[CommonsFiltersIn]) -> Any:
    parsed, _notices = selectors.CommonsFilters.from_query(
        {k: str(v) for k, v in filters.dict().items()}
    )
    return selectors.search_commons(parsed).commons


@router.get(
    "/{ref}",
    response={200: CommonsDetailOut, **DETAIL_ERRORS},
    summary="Un commun : liens, personnes à appeler, lieux qui l'utilisent",
    description="`ref` est l'identifiant numérique du commun ou son slug.",
)
def get_commons(request: HttpRequest, ref: str) -> Commons:
    slug = Commons.objects.filter(**ref_lookup(ref)).values_list("slug", flat=True).first()
    if slug is None:
        raise Http404
    return selectors.get_public_commons(slug=slug, user=AnonymousUser())


@router.get(
    "/{ref}/qualifications",
    response={200: list[QualificationOut], **DETAIL_ERRORS},
    summary="Les qualifications en cours d'un commun, une par aiguilleur·se",
)
def list_qualifications(request: HttpRequest, ref: str) -> list[dict[str, Any]]:
    commons = get_commons(request, ref)
    return [
        {
            "author": reading.qualification.author.public_name
            if reading.qualification.author
            else "",
            "created_at": reading.qualification.created_at.isoformat(),
            "grid_version": reading.qualification.grid.version,
            "stale": reading.stale,
            "note": reading.qualification.note,
            "levels": [
                {"criterion": label, "level": level, "index": index, "levels": count}
                for label, level, index, count in reading.levels
            ],
        }
        for reading in qualification.readings(commons=commons)
    ]
