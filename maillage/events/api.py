"""The events part of the JSON API (/api/v1/events/...): events, sessions, my registrations.

Reads are public for public events; a personal token (`Authorization: Bearer <jeton>`) shows
what that person may see on the pages too (network, circle, invited events). The online link is
never in lists: only a session's detail and the person's registrations carry it, for confirmed
registrants and organisers, like the pages. Writes go through the registration services
(`register`, `cancel_registration`), with an `Idempotency-Key` on registration.
"""

import datetime
import hashlib
import re
from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import paginate
from pydantic import BeforeValidator, StrictBool
from pydantic_core import PydanticCustomError

from maillage.accounts.api_auth import token_auth
from maillage.accounts.api_tokens import user_for_key
from maillage.events import registration as registration_services
from maillage.events.models import Event, EventKind, Occurrence, Registration
from maillage.events.selectors import (
    AgendaFilters,
    agenda_occurrences,
    can_organise,
    can_see_event,
    occurrence_key,
)
from maillage.lib.api import (
    CONFLICT_ERRORS,
    PRIVATE_READ_ERRORS,
    Pagination,
    ref_lookup,
)
from maillage.places.audiences import reserved_to

router = Router()

MAX_KEY_LENGTH = 64
MAX_RANGE_DAYS = 366
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(9000, 12, 31)
IDEMPOTENCY_TTL = 60 * 60 * 24


# --- Who is asking --------------------------------------------------------------------------


def _viewer(request: HttpRequest):
    """The person behind a valid token, anonymous without one; 401 for a bad token."""
    header = request.headers.get("Authorization", "")
    if not header:
        return AnonymousUser()
    scheme, _sep, key = header.partition(" ")
    user = user_for_key(key.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise AuthenticationError
    return user


# --- Output ---------------------------------------------------------------------------------


class RefOut(Schema):
    id: int
    slug: str
    name: str


class EventOut(Schema):
    id: int
    slug: str
    title: str
    kind: str = Field(description="cafe, visio, codev, rencontre, tour, formation ou autre.")
    kind_label: str
    starts_at: datetime.datetime = Field(description="Première séance.")
    ends_at: datetime.datetime
    rrule: str = Field(description="Règle de récurrence iCalendar, vide si unique.")
    audience: str = Field(description="public, network, circle ou invited.")
    peer_audience: str = Field(
        description="Réserve aux pairs, en plus du public : vide (sans réserve), all (gérant·es "
        "de lieux), big (de grands lieux), rural (de lieux ruraux) ou young (de lieux de moins "
        "de 3 ans)."
    )
    peer_audience_label: str = Field(description="« Réservé aux gérant·es de lieux ruraux ».")
    status: str = Field(description="published ou cancelled (draft pour l'organisation).")
    is_online: bool = Field(description="A un lien de visio (donné aux personnes inscrites).")
    venue: RefOut | None
    address: str
    network: str | None = Field(description="Slug du réseau organisateur.")
    circle: str | None = Field(description="Slug du cercle organisateur.")
    place: str | None = Field(description="Slug du lieu organisateur.")
    capacity: int | None
    price_cents: int
    requires_approval: bool
    tags: list[str]
    url: str
    ics_url: str

    @staticmethod
    def resolve_kind_label(obj: Event) -> str:
        return str(EventKind(obj.kind).label)

    @staticmethod
    def resolve_peer_audience_label(obj: Event) -> str:
        return reserved_to(obj.peer_audience)

    @staticmethod
    def resolve_is_online(obj: Event) -> bool:
        return bool(obj.online_url)

    @staticmethod
    def resolve_venue(obj: Event) -> Any:
        return obj.venue

    @staticmethod
    def resolve_network(obj: Event) -> str | None:
        return obj.network.slug if obj.network_id else None

    @staticmethod
    def resolve_circle(obj: Event) -> str | None:
        return obj.circle.slug if obj.circle_id else None

    @staticmethod
    def resolve_place(obj: Event) -> str | None:
        return obj.place.slug if obj.place_id else None

    @staticmethod
    def resolve_tags(obj: Event) -> list[str]:
        return [str(tag) for tag in obj.tags or []]

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return f"/agenda/{obj.slug}/"

    @staticmethod
    def resolve_ics_url(obj: Event) -> str:
        return f"/agenda/{obj.slug}.ics"


class OccurrenceOut(Schema):
    id: int
    event: str = Field(description="Slug de l'animation.")
    key: str = Field(description="Début local (AAAA-MM-JJTHHMM), comme dans l'adresse de la page.")
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    cancelled: bool
    seats_left: int | None = Field(description="Places libres ; null : sans limite.")

    @staticmethod
    def resolve_event(obj: Occurrence) -> str:
        return obj.event.slug

    @staticmethod
    def resolve_key(obj: Occurrence) -> str:
        return occurrence_key(obj)

    @staticmethod
    def resolve_title(obj: Occurrence) -> str:
        return obj.title_override or obj.event.title

    @staticmethod
    def resolve_cancelled(obj: Occurrence) -> bool:
        return obj.cancelled or obj.event.status == Event.Status.CANCELLED

    @staticmethod
    def resolve_seats_left(obj: Occurrence) -> int | None:
        return registration_services.seats_left(obj)


class OccurrenceDetailOut(OccurrenceOut):
    note: str
    online_url: str | None = Field(
        description="Lien de visio : seulement pour les personnes inscrites et l'organisation."
    )


class EventDetailOut(EventOut):
    description: str = Field(description="Markdown.")
    online_url: str | None = Field(description="Lien de visio : seulement pour l'organisation.")
    upcoming: list[OccurrenceOut]

    @staticmethod
    def resolve_online_url(obj: Event) -> str | None:
        return getattr(obj, "link_for_viewer", None) or None


class RegistrationOut(Schema):
    id: int
    occurrence: OccurrenceOut
    status: str = Field(
        description="confirmed, waitlisted, pending, unconfirmed, cancelled ou refused."
    )
    share_contact: bool
    created_at: datetime.datetime
    online_url: str | None = Field(description="Lien de visio, une fois l'inscription confirmée.")

    @staticmethod
    def resolve_online_url(obj: Registration) -> str | None:
        if obj.status == Registration.Status.CONFIRMED and obj.occurrence.event.online_url:
            return obj.occurrence.event.online_url
        return None


# --- Input ----------------------------------------------------------------------------------


def _iso_date(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PydanticCustomError("maillage", str(_("Indiquez un jour sous la forme AAAA-MM-JJ.")))
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise PydanticCustomError("maillage", str(_("Ce jour n'existe pas."))) from exc


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


class AgendaIn(Schema):
    reseau: str = Field("", max_length=220, description="Slug d'un réseau.")
    cercle: str = Field("", max_length=220, description="Slug d'un cercle.")
    type: str = Field("", max_length=20, description="Type d'animation (cafe, visio…).")
    departement: str = Field("", max_length=3, description="Code du département du lieu.")
    commune: str = Field("", max_length=5, description="Code INSEE : animations à proximité.")
    mode: str = Field("", max_length=10, description="en-ligne ou sur-place.")

    def filters(self) -> AgendaFilters:
        return AgendaFilters.from_query(self.dict())


class RangeIn(AgendaIn):
    start: IsoDate | None = Field(
        None, description="Premier jour (AAAA-MM-JJ), aujourd'hui par défaut."
    )
    end: IsoDate | None = Field(
        None, description="Dernier jour inclus (31 jours plus tard par défaut)."
    )


class RegistrationIn(Schema):
    occurrence_id: int = Field(ge=1, le=2_000_000_000, description="La séance.")
    share_contact: StrictBool = Field(
        False, description="J'accepte que l'organisation transmette mes coordonnées."
    )


# --- helpers --------------------------------------------------------------------------------


def _event_queryset():
    return Event.objects.select_related("venue", "network", "circle", "place")


def _visible_event(user, ref: str) -> Event:
    event = _event_queryset().filter(**ref_lookup(ref)).first()
    if event is None or not can_see_event(user, event):
        raise Http404
    return event


def _visible_occurrence(user, occurrence_id: int) -> Occurrence:
    occurrence = (
        Occurrence.objects.select_related("event", "event__venue").filter(pk=occurrence_id).first()
    )
    if occurrence is None or not can_see_event(user, occurrence.event):
        raise Http404
    return occurrence


def _registration_queryset():
    return Registration.objects.select_related("occurrence", "occurrence__event")


# --- Events ---------------------------------------------------------------------------------


@router.get(
    "/events",
    response={200: list[EventOut], **PRIVATE_READ_ERRORS},
    summary="Animations à venir, avec les filtres de l'agenda",
)
@paginate(Pagination)
def list_events(request: HttpRequest, filters: Query[AgendaIn]) -> Any:
    user = _viewer(request)
    upcoming = agenda_occurrences(user=user, filters=filters.filters()).values("event_id")
    return _event_queryset().filter(pk__in=upcoming).order_by("starts_at", "pk")


@router.get(
    "/events/{ref}",
    response={200: EventDetailOut, **PRIVATE_READ_ERRORS},
    summary="Une animation (par identifiant ou slug), avec ses prochaines séances",
)
def get_event(request: HttpRequest, ref: str) -> Event:
    user = _viewer(request)
    event = _visible_event(user, ref)
    event.link_for_viewer = event.online_url if can_organise(user, event) else None
    event.upcoming = list(
        event.occurrences.select_related("event")
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at")[:20]
    )
    return event


# --- Occurrences ----------------------------------------------------------------------------


@router.get(
    "/occurrences",
    response={200: list[OccurrenceOut], **PRIVATE_READ_ERRORS},
    summary="Séances entre deux dates (31 jours à partir d'aujourd'hui par défaut)",
    description=(
        "Les séances des animations visibles qui ont lieu entre `start` et `end` inclus, avec "
        "les filtres de l'agenda. Au plus 366 jours à la fois : une fin plus lointaine est "
        "ramenée à 366 jours après le début ; une fin avant le début donne une liste vide."
    ),
)
@paginate(Pagination)
def list_occurrences(request: HttpRequest, params: Query[RangeIn]) -> Any:
    user = _viewer(request)
    # Dates far outside any calendar are brought back inside (no overflow in Paris time).
    start_day = min(max(params.start or timezone.localdate(), FIRST_DAY), LAST_DAY)
    default_end = start_day + datetime.timedelta(days=31)
    end_day = min(params.end or default_end, LAST_DAY)
    # At most MAX_RANGE_DAYS at once: a longer range is cut (documented), an empty one is empty.
    end_day = min(end_day, start_day + datetime.timedelta(days=MAX_RANGE_DAYS))
    if end_day < start_day:
        return Occurrence.objects.none()
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(start_day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        end_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return agenda_occurrences(user=user, filters=params.filters(), start=start, end=end)


@router.get(
    "/occurrences/{occurrence_id}",
    response={200: OccurrenceDetailOut, **PRIVATE_READ_ERRORS},
    summary="Une séance ; le lien de visio pour les personnes inscrites et l'organisation",
)
def get_occurrence(request: HttpRequest, occurrence_id: int) -> Occurrence:
    user = _viewer(request)
    occurrence = _visible_occurrence(user, occurrence_id)
    allowed = user.is_authenticated and (
        occurrence.registrations.filter(user=user, status=Registration.Status.CONFIRMED).exists()
        or can_organise(user, occurrence.event)
    )
    occurrence.online_url = (
        occurrence.event.online_url if allowed and occurrence.event.online_url else None
    )
    return occurrence


# --- Registrations --------------------------------------------------------------------------


@router.get(
    "/registrations",
    auth=token_auth,
    response={200: list[RegistrationOut], **PRIVATE_READ_ERRORS},
    summary="Mes inscriptions",
)
@paginate(Pagination)
def list_registrations(request: HttpRequest) -> Any:
    return (
        _registration_queryset().filter(user=request.auth).order_by("-occurrence__starts_at", "-pk")
    )


@router.post(
    "/registrations",
    auth=token_auth,
    response={201: RegistrationOut, 200: RegistrationOut, **CONFLICT_ERRORS},
    summary="M'inscrire à une séance (avec une clé d'idempotence)",
    description=(
        "L'en-tête `Idempotency-Key` (1 à 64 caractères, tirée au hasard pour chaque inscription "
        "voulue) est obligatoire : renvoyer la même requête rend la même inscription (200) au "
        "lieu d'en créer une autre (201). Séance complète : inscription sur la liste d'attente "
        "(`waitlisted`). Séance passée ou annulée, inscription refusée, clé déjà utilisée pour "
        "une autre séance : 409."
    ),
)
def create_registration(
    request: HttpRequest,
    payload: RegistrationIn,
    idempotency_key: str = Header(
        ..., alias="Idempotency-Key", min_length=1, max_length=MAX_KEY_LENGTH
    ),
) -> tuple[int, Registration]:
    user = request.auth
    # Keys are per person: someone else's key can neither collide with nor reveal a registration.
    # Hashed: the key is any text the client chose, a cache key must be short and plain.
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()
    cache_key = f"events:api:idempotency:{user.pk}:{digest}"
    remembered = cache.get(cache_key)
    if remembered is not None:
        occurrence_id, registration_id = remembered
        replayed = _registration_queryset().filter(pk=registration_id, user=user).first()
        if replayed is not None and occurrence_id != payload.occurrence_id:
            raise HttpError(409, _("Cette clé d'idempotence a déjà servi pour une autre séance."))
        if replayed is not None:
            return 200, replayed
    occurrence = _visible_occurrence(user, payload.occurrence_id)
    try:
        registration = registration_services.register(
            occurrence=occurrence, user=user, share_contact=payload.share_contact
        )
        status = 201
    except registration_services.AlreadyRegistered as exc:
        # A repeated submission: the same registration, as on the pages.
        registration, status = exc.registration, 200
    cache.set(cache_key, (occurrence.pk, registration.pk), IDEMPOTENCY_TTL)
    return status, _registration_queryset().get(pk=registration.pk)


@router.post(
    "/registrations/{registration_id}/cancel",
    auth=token_auth,
    response={200: RegistrationOut, **CONFLICT_ERRORS},
    summary="Annuler une de mes inscriptions (la place va à la première personne en attente)",
)
def cancel_registration(request: HttpRequest, registration_id: int) -> Registration:
    registration = _registration_queryset().filter(pk=registration_id, user=request.auth).first()
    if registration is None:
        raise Http404
    registration_services.cancel_registration(registration=registration)
    return _registration_queryset().get(pk=registration.pk)
