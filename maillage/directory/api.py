"""API of the directory: places (same filters as the search page), spaces and equipment.

Reads are public and show published places only. Writes need a token and go through the same
checkpoints (`get_place_for_manager`…) and services (`update_place`, `create_space`…) as the pages.
"""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StrictBool

from maillage.accounts.api_auth import token_auth
from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.selectors import Facet, search
from maillage.lib.api import (
    DETAIL_ERRORS,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    READ_ERRORS,
    WRITE_ERRORS,
    ChangesIn,
    ErrorOut,
    Pagination,
    ValidationErrorOut,
    field_errors,
    ref_lookup,
)
from maillage.networks.selectors import accepted_memberships_of
from maillage.places import selectors, services
from maillage.places.models import (
    Equipment,
    EquipmentCategory,
    Place,
    PlaceStatus,
    PlaceType,
    PriceUnit,
    SharingMode,
    Space,
    SpaceKind,
)
from maillage.territory.models import Commune

router = Router()

MAX_INT = 1_000_000_000


# --- Output ---------------------------------------------------------------------------------


# Shared by the other apps' API (mobility, circles): one component name, one shape.
class CommuneRefOut(Schema):
    code_insee: str
    name: str
    department_code: str


class PlaceRefOut(Schema):
    """A place named by another object (a pass's home place, a circle's places)."""

    id: int
    slug: str
    name: str


class PlaceOut(Schema):
    """A place as lists show it."""

    id: int
    slug: str
    name: str
    types: list[str]
    summary: str
    status: str
    address: str
    postal_code: str
    commune: CommuneRefOut | None
    latitude: float | None
    longitude: float | None
    website: str
    url: str = Field(description="Adresse de sa page publique.")
    freshness_score: int
    last_confirmed_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_url(obj: Place, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())

    @staticmethod
    def resolve_types(obj: Place) -> list[str]:
        return [str(code) for code in obj.types or []]


class PlaceSearchResultOut(PlaceOut):
    distance_km: float | None = Field(
        None, description="Distance depuis la commune ou la position demandée (near, lat/lon)."
    )


class SpaceOut(Schema):
    id: int
    place_id: int
    place_slug: str
    name: str
    kind: str
    description: str
    surface_m2: int | None
    capacity: int | None
    uses: list[str]
    price_unit: str
    price_member_cents: int | None
    price_network_cents: int | None
    price_public_cents: int | None
    is_accessible: bool
    accessibility_note: str
    is_bookable: bool
    last_confirmed_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_place_slug(obj: Space) -> str:
        return obj.place.slug

    @staticmethod
    def resolve_uses(obj: Space) -> list[str]:
        return obj.use_list


class EquipmentOut(Schema):
    id: int
    place_id: int
    place_slug: str
    name: str
    category: str
    description: str
    quantity: int
    sharing_mode: str
    deposit_cents: int | None
    price_cents: int | None
    price_unit: str
    conditions: str
    last_confirmed_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_place_slug(obj: Equipment) -> str:
        return obj.place.slug


class PhotoOut(Schema):
    url: str
    alt_text: str
    width: int
    height: int

    @staticmethod
    def resolve_url(obj: Any, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(obj.image.url)


class AccessibilityOut(Schema):
    step_free: bool
    toilets: bool
    parking: bool
    hearing_loop: bool
    public_transport: bool
    note: str
    acceslibre_url: str


class PlaceDetailOut(PlaceOut):
    """A place with everything its page shows (no person's details: only the place's contacts)."""

    description: str
    address_complement: str
    opening_hours: dict[str, str]
    opening_hours_note: str
    accessibility: AccessibilityOut
    email: str = Field(description="Contact public du lieu.")
    phone: str = Field(description="Contact public du lieu.")
    is_published: bool
    spaces: list[SpaceOut]
    equipment: list[EquipmentOut]
    photos: list[PhotoOut]
    network_ids: list[int] = Field(description="Réseaux dont le lieu est adhérent.")

    @staticmethod
    def resolve_accessibility(obj: Place) -> dict[str, Any]:
        return {
            "step_free": obj.access_step_free,
            "toilets": obj.access_toilets,
            "parking": obj.access_parking,
            "hearing_loop": obj.access_hearing_loop,
            "public_transport": obj.access_public_transport,
            "note": obj.accessibility_note,
            "acceslibre_url": obj.acceslibre_url,
        }

    @staticmethod
    def resolve_opening_hours(obj: Place) -> dict[str, str]:
        return {str(k): str(v) for k, v in (obj.opening_hours or {}).items() if v}

    @staticmethod
    def resolve_spaces(obj: Place) -> list[Space]:
        return list(obj.spaces.all())

    @staticmethod
    def resolve_equipment(obj: Place) -> list[Equipment]:
        return list(obj.equipment.all())

    @staticmethod
    def resolve_photos(obj: Place) -> list[Any]:
        return list(obj.photos.all())

    @staticmethod
    def resolve_network_ids(obj: Place) -> list[int]:
        return [m.network_id for m in getattr(obj, "accepted_memberships", [])]


class PlaceFacetOptionOut(Schema):
    value: str = Field(description="Valeur à donner au paramètre de la facette pour ce choix.")
    label: str = Field(description="Libellé du choix, tel que la page de recherche l'affiche.")
    count: int = Field(
        description=(
            "Nombre de lieux que donnerait ce choix, les autres filtres de la requête gardés "
            "(le même compte que sur la page de recherche)."
        )
    )
    selected: bool = Field(description="Vrai si la requête a déjà fait ce choix.")


class PlaceFacetOut(Schema):
    label: str = Field(description="Nom de la facette, tel que la page de recherche l'affiche.")
    multiple: bool = Field(
        description="Vrai si plusieurs choix peuvent se cumuler (paramètre répétable, « ou »)."
    )
    options: list[PlaceFacetOptionOut] = Field(
        description="Les choix dans l'ordre de la page, chacun avec son nombre de lieux."
    )


class PlacePageOut(Schema):
    count: int = Field(description="Nombre total de lieux trouvés.")
    page: int
    page_size: int
    notices: list[str] = Field(
        description="Filtres ignorés parce que leur valeur est inconnue ou illisible (en français)."
    )
    facets: dict[str, PlaceFacetOut] | None = Field(
        None,
        description=(
            "Avec `facets=1` seulement (sinon null) : les facettes de la page de recherche, "
            "par nom du paramètre qui les règle (`type`, `space_kind`, `network`, `service`…), "
            "dans l'ordre de la page. Chaque choix compte les lieux qu'il donnerait avec les "
            "autres filtres gardés."
        ),
    )
    items: list[PlaceSearchResultOut]


# --- Input ----------------------------------------------------------------------------------


class PlaceSearchIn(Schema):
    """The filters of the search page (/rechercher/), with the same names and the same rules:
    an unknown or unreadable value is ignored and explained in `notices`, never refused."""

    q: str | None = Field(
        None,
        description=(
            "Mots cherchés (accents et pluriels ignorés). Un type de lieu ou une commune parmi "
            "eux devient un filtre (voir `notices`, et `literal`)."
        ),
    )
    type: list[str] = Field(
        [], description="Type de lieu (répétable) : " + ", ".join(PlaceType.values)
    )
    space_kind: str | None = Field(
        None, description="Type d'espace : " + ", ".join(SpaceKind.values)
    )
    capacity_min: str | None = Field(None, description="Capacité d'au moins (personnes).")
    surface_min: str | None = Field(None, description="Surface d'au moins (m²).")
    price_max: str | None = Field(None, description="Prix public d'au plus (euros).")
    equipment_category: str | None = Field(
        None, description="Catégorie d'équipement : " + ", ".join(EquipmentCategory.values)
    )
    sharing_mode: str | None = Field(
        None, description="Mode de partage : " + ", ".join(SharingMode.values)
    )
    accessible: str | None = Field(None, description="1 : accessible en fauteuil roulant.")
    network: str | None = Field(None, description="Identifiant d'adresse (slug) d'un réseau.")
    status: str | None = Field(None, description="Statut : " + ", ".join(PlaceStatus.values))
    service: str | None = Field(
        None, description="Service de médiation numérique proposé (valeur du schéma, telle quelle)."
    )
    audience: str | None = Field(
        None, description="Public accueilli (valeur du schéma, telle quelle : « Jeunes »…)."
    )
    near: str | None = Field(None, description="Commune, code INSEE ou code postal d'origine.")
    lat: str | None = Field(None, description="Latitude d'origine (avec lon).")
    lon: str | None = Field(None, description="Longitude d'origine (avec lat).")
    radius_km: str | None = Field(None, description="Rayon autour de l'origine (km).")
    sort: str | None = Field(None, description="Tri : relevance, distance, freshness, name.")
    open: str | None = Field(
        None,
        description="Ouvert : now (maintenant) ou un jour (mo, tu, we, th, fr, sa, su).",
    )
    literal: str | None = Field(
        None,
        description="1 : chercher les mots tels quels (sans en tirer un type ou une commune).",
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1.")
    page_size: int = Field(
        20, ge=1, le=MAX_PAGE_SIZE, description=f"Lieux par page (au plus {MAX_PAGE_SIZE})."
    )
    facets: bool = Field(
        False,
        description=(
            "1 : ajouter les comptes par facette (`facets` de la réponse), ceux de la page de "
            "recherche pour les mêmes filtres."
        ),
    )


class SpaceFiltersIn(Schema):
    kind: SpaceKind | None = Field(None, description="Type d'espace.")
    capacity_min: int | None = Field(None, ge=0, le=MAX_INT, description="Capacité d'au moins.")
    place: str | None = Field(None, max_length=220, description="Lieu : id ou slug.")


class EquipmentFiltersIn(Schema):
    category: EquipmentCategory | None = Field(None, description="Catégorie d'équipement.")
    sharing_mode: SharingMode | None = Field(None, description="Mode de partage.")
    place: str | None = Field(None, max_length=220, description="Lieu : id ou slug.")


def _text(max_length: int, description: str = "") -> Any:
    return Field(None, max_length=max_length, description=description)


def _count(description: str = "") -> Any:
    return Field(None, ge=0, le=MAX_INT, description=description)


# Fields whose null would mean "empty" rather than "unknown": the model stores "" or a default,
# so they may be left out but never sent as null (ChangesIn).
NOT_NULL = frozenset(
    {
        "name",
        "types",
        "summary",
        "description",
        "status",
        "address",
        "address_complement",
        "postal_code",
        "opening_hours",
        "opening_hours_note",
        "access_step_free",
        "access_toilets",
        "access_parking",
        "access_hearing_loop",
        "access_public_transport",
        "accessibility_note",
        "acceslibre_url",
        "email",
        "phone",
        "website",
        "is_published",
        "kind",
        "uses",
        "price_unit",
        "is_accessible",
        "is_bookable",
        "category",
        "quantity",
        "sharing_mode",
        "conditions",
    }
)


class PlacePatchIn(ChangesIn):
    """The fields to change (the others stay as they are)."""

    never_null = NOT_NULL

    name: str | None = Field(None, min_length=1, max_length=200)
    types: list[PlaceType] | None = Field(None, max_length=len(PlaceType.values))
    summary: str | None = _text(280)
    description: str | None = _text(20_000, "Markdown accepté.")
    status: PlaceStatus | None = None
    address: str | None = _text(250)
    address_complement: str | None = _text(250)
    postal_code: str | None = _text(5)
    commune: str | None = Field(None, max_length=5, description="Code INSEE de la commune.")
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    opening_hours: dict[str, str] | None = Field(
        None, description='Par jour (mo…su) : {"mo": "09:00-12:30,14:00-18:00"}.'
    )
    opening_hours_note: str | None = _text(250)
    access_step_free: StrictBool | None = None
    access_toilets: StrictBool | None = None
    access_parking: StrictBool | None = None
    access_hearing_loop: StrictBool | None = None
    access_public_transport: StrictBool | None = None
    accessibility_note: str | None = _text(5_000)
    acceslibre_url: str | None = _text(200)
    email: str | None = _text(254, "Contact public du lieu.")
    phone: str | None = _text(30, "Contact public du lieu.")
    website: str | None = _text(200)
    is_published: StrictBool | None = None


class SpacePatchIn(ChangesIn):
    """The fields of a space to change (the others stay as they are)."""

    never_null = NOT_NULL

    name: str | None = Field(None, min_length=1, max_length=150)
    kind: SpaceKind | None = None
    description: str | None = _text(20_000, "Markdown accepté.")
    surface_m2: int | None = _count("Surface en m².")
    capacity: int | None = _count("Capacité (personnes).")
    uses: str | None = _text(300, "Usages, séparés par des virgules.")
    price_unit: PriceUnit | None = None
    price_member_cents: int | None = _count("Prix membres, en centimes.")
    price_network_cents: int | None = _count("Prix membres du réseau, en centimes.")
    price_public_cents: int | None = _count("Prix non-membres, en centimes.")
    is_accessible: StrictBool | None = None
    accessibility_note: str | None = _text(250)
    is_bookable: StrictBool | None = None


class SpaceIn(SpacePatchIn):
    """A new space: its name and kind are required."""

    name: str = Field(min_length=1, max_length=150)  # type: ignore[assignment]
    kind: SpaceKind  # type: ignore[assignment]


class EquipmentPatchIn(ChangesIn):
    """The fields of an item of equipment to change (the others stay as they are)."""

    never_null = NOT_NULL

    name: str | None = Field(None, min_length=1, max_length=150)
    category: EquipmentCategory | None = None
    description: str | None = _text(20_000, "Markdown accepté.")
    quantity: int | None = Field(None, ge=1, le=MAX_INT)
    sharing_mode: SharingMode | None = None
    deposit_cents: int | None = _count("Caution, en centimes.")
    price_cents: int | None = _count("Prix, en centimes.")
    price_unit: PriceUnit | None = None
    conditions: str | None = _text(5_000)


class EquipmentIn(EquipmentPatchIn):
    """A new item of equipment: its name and category are required."""

    name: str = Field(min_length=1, max_length=150)  # type: ignore[assignment]
    category: EquipmentCategory  # type: ignore[assignment]


# --- Lookups --------------------------------------------------------------------------------


def _slug_for(ref: str) -> str:
    """The slug of the place an id or slug names; Http404 if none."""
    slug = Place.objects.filter(**ref_lookup(ref)).values_list("slug", flat=True).first()
    if slug is None and "pk" in ref_lookup(ref):
        # A place may be named by digits only ("1789"): try the slug too.
        slug = Place.objects.filter(slug=ref).values_list("slug", flat=True).first()
    if slug is None:
        raise Http404
    return slug


def _place_detail(request: HttpRequest, slug: str) -> Place:
    place = selectors.public_place_detail(slug=slug, user=getattr(request, "auth", None))
    accepted_memberships_of(place=place)  # read once, for `networks`
    return place


# --- Places ---------------------------------------------------------------------------------


@router.get(
    "/places",
    response={200: PlacePageOut, **READ_ERRORS},
    summary="Chercher des lieux",
    description=(
        "Les mêmes filtres que la page de recherche, avec les mêmes noms : une même chaîne de "
        "requête donne les mêmes lieux. Une valeur inconnue est ignorée et signalée dans "
        "`notices`. Avec `facets=1`, la réponse donne aussi les comptes par facette de la page "
        "(ajoutés à la demande : ils allongent la réponse d'environ 9 ko)."
    ),
)
def list_places(request: HttpRequest, params: Query[PlaceSearchIn]) -> dict[str, Any]:
    # The declared parameters document the query string; the search page's own reader parses
    # it, so a query string gives the same places here and on /recherche/.
    filters, notices = SearchFilters.from_query(request.GET)
    found = search(
        filters.with_(page=params.page),
        user=request.user,
        page_size=params.page_size,
        facets=params.facets,
    )
    items = []
    if found.page == params.page:  # past the last page, search() repeats it: give none
        for result in found.results:
            place = result.place
            place.distance_km = (  # type: ignore[attr-defined]
                None if result.distance_km is None else round(result.distance_km, 2)
            )
            items.append(place)
    return {
        "count": found.total,
        "page": params.page,
        "page_size": params.page_size,
        "notices": notices + found.notices,
        "facets": _facets_out(found.facets) if params.facets else None,
        "items": items,
    }


def _facets_out(facets: list[Facet]) -> dict[str, dict[str, Any]]:
    """The search page's facets (same function, same counts), by their query parameter."""
    return {
        facet.name: {
            "label": facet.label,
            "multiple": facet.multiple,
            "options": [asdict(option) for option in facet.options],
        }
        for facet in facets
    }


@router.get(
    "/places/{ref}",
    response={200: PlaceDetailOut, **DETAIL_ERRORS},
    summary="Un lieu, avec ses espaces et équipements",
    description="`ref` est l'identifiant numérique du lieu ou son slug.",
)
def get_place(request: HttpRequest, ref: str) -> Place:
    return _place_detail(request, _slug_for(ref))


@router.patch(
    "/places/{ref}",
    auth=token_auth,
    response={200: PlaceDetailOut, **WRITE_ERRORS},
    summary="Modifier un lieu (gestionnaires)",
    description=(
        "Seuls les champs envoyés changent. Les mêmes règles que le formulaire s'appliquent "
        "(position en France et proche de la commune, code postal de la commune, doublons)."
    ),
)
def patch_place(request: HttpRequest, ref: str, payload: PlacePatchIn) -> Place:
    place = selectors.get_place_for_manager(user=request.auth, slug=_slug_for(ref))
    data = payload.changes()
    if "commune" in data and data["commune"] is not None:
        commune = Commune.objects.filter(code_insee=data["commune"].upper()).first()
        if commune is None:
            raise field_errors(
                "commune",
                _("Commune inconnue : « %(code)s » n'est pas un code INSEE.")
                % {"code": data["commune"]},
            )
        data["commune"] = commune
    services.update_place(place=place, by=request.auth, data=services.PlaceData.from_mapping(data))
    return _place_detail(request, place.slug)


# --- Spaces ---------------------------------------------------------------------------------


def _published_place_filter(ref: str | None) -> dict[str, Any]:
    if not ref:
        return {}
    return {f"place__{key}": value for key, value in ref_lookup(ref).items()}


@router.get(
    "/spaces",
    response={200: list[SpaceOut], **READ_ERRORS},
    summary="Lister les espaces",
)
@paginate(Pagination)
def list_spaces(request: HttpRequest, filters: Query[SpaceFiltersIn]) -> Any:
    spaces = Space.objects.filter(place__is_published=True).select_related("place")
    if filters.kind:
        spaces = spaces.filter(kind=filters.kind)
    if filters.capacity_min is not None:
        spaces = spaces.filter(capacity__gte=filters.capacity_min)
    spaces = spaces.filter(**_published_place_filter(filters.place))
    return spaces.order_by("place__name", "name", "pk")


@router.get(
    "/spaces/{space_id}",
    response={200: SpaceOut, **DETAIL_ERRORS},
    summary="Un espace",
)
def get_space(request: HttpRequest, space_id: int) -> Space:
    return get_object_or_404(
        Space.objects.select_related("place"), pk=space_id, place__is_published=True
    )


@router.post(
    "/places/{ref}/spaces",
    auth=token_auth,
    response={201: SpaceOut, **WRITE_ERRORS},
    summary="Ajouter un espace à un lieu (gestionnaires)",
)
def create_space(request: HttpRequest, ref: str, payload: SpaceIn) -> tuple[int, Space]:
    place = selectors.get_place_for_manager(user=request.auth, slug=_slug_for(ref))
    space = services.create_space(
        place=place, by=request.auth, data=services.SpaceData.from_mapping(payload.changes())
    )
    return 201, space


@router.patch(
    "/places/{ref}/spaces/{space_id}",
    auth=token_auth,
    response={200: SpaceOut, **WRITE_ERRORS},
    summary="Modifier un espace (gestionnaires)",
)
def patch_space(request: HttpRequest, ref: str, space_id: int, payload: SpacePatchIn) -> Space:
    space = selectors.get_space_for_manager(user=request.auth, slug=_slug_for(ref), pk=space_id)
    return services.update_space(
        space=space, by=request.auth, data=services.SpaceData.from_mapping(payload.changes())
    )


@router.delete(
    "/places/{ref}/spaces/{space_id}",
    auth=token_auth,
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Supprimer un espace (gestionnaires)",
)
def delete_space(request: HttpRequest, ref: str, space_id: int) -> tuple[int, None]:
    space = selectors.get_space_for_manager(user=request.auth, slug=_slug_for(ref), pk=space_id)
    services.delete_space(space=space, by=request.auth)
    return 204, None


# --- Equipment ------------------------------------------------------------------------------


@router.get(
    "/equipment",
    response={200: list[EquipmentOut], **READ_ERRORS},
    summary="Lister les équipements partagés",
)
@paginate(Pagination)
def list_equipment(request: HttpRequest, filters: Query[EquipmentFiltersIn]) -> Any:
    items = Equipment.objects.filter(place__is_published=True).select_related("place")
    if filters.category:
        items = items.filter(category=filters.category)
    if filters.sharing_mode:
        items = items.filter(sharing_mode=filters.sharing_mode)
    items = items.filter(**_published_place_filter(filters.place))
    return items.order_by("place__name", "name", "pk")


@router.get(
    "/equipment/{equipment_id}",
    response={200: EquipmentOut, **DETAIL_ERRORS},
    summary="Un équipement",
)
def get_equipment(request: HttpRequest, equipment_id: int) -> Equipment:
    return get_object_or_404(
        Equipment.objects.select_related("place"), pk=equipment_id, place__is_published=True
    )


@router.post(
    "/places/{ref}/equipment",
    auth=token_auth,
    response={201: EquipmentOut, **WRITE_ERRORS},
    summary="Ajouter un équipement à un lieu (gestionnaires)",
)
def create_equipment(request: HttpRequest, ref: str, payload: EquipmentIn) -> tuple[int, Equipment]:
    place = selectors.get_place_for_manager(user=request.auth, slug=_slug_for(ref))
    item = services.create_equipment(
        place=place, by=request.auth, data=services.EquipmentData.from_mapping(payload.changes())
    )
    return 201, item


@router.patch(
    "/places/{ref}/equipment/{equipment_id}",
    auth=token_auth,
    response={200: EquipmentOut, **WRITE_ERRORS},
    summary="Modifier un équipement (gestionnaires)",
)
def patch_equipment(
    request: HttpRequest, ref: str, equipment_id: int, payload: EquipmentPatchIn
) -> Equipment:
    item = selectors.get_equipment_for_manager(
        user=request.auth, slug=_slug_for(ref), pk=equipment_id
    )
    return services.update_equipment(
        equipment=item, by=request.auth, data=services.EquipmentData.from_mapping(payload.changes())
    )


@router.delete(
    "/places/{ref}/equipment/{equipment_id}",
    auth=token_auth,
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Supprimer un équipement (gestionnaires)",
)
def delete_equipment(request: HttpRequest, ref: str, equipment_id: int) -> tuple[int, None]:
    item = selectors.get_equipment_for_manager(
        user=request.auth, slug=_slug_for(ref), pk=equipment_id
    )
    services.delete_equipment(equipment=item, by=request.auth)
    return 204, None
