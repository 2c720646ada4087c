"""API of the gazetteer: commune search by name or postal code."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from maillage.lib.api import READ_ERRORS
from maillage.territory.models import Commune
from maillage.territory.selectors import search_communes

router = Router()


class CommuneOut(Schema):
    code_insee: str
    name: str
    department_code: str
    department: str
    region: str
    postal_codes: list[str]
    population: int
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_postal_codes(obj: Commune) -> list[str]:
        return obj.postal_code_list


class CommuneSearchIn(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="Début du nom (accents ignorés) ou du code postal ; 2 caractères au moins.",
    )
    limit: int = Field(10, ge=1, le=50, description="Nombre de communes, au plus 50.")


@router.get(
    "",
    response={200: list[CommuneOut], **READ_ERRORS},
    summary="Chercher une commune",
    description="Les communes les plus peuplées d'abord. Moins de 2 caractères : liste vide.",
)
def list_communes(request: HttpRequest, params: Query[CommuneSearchIn]) -> list[Commune]:
    return search_communes(query=params.q, limit=params.limit)
