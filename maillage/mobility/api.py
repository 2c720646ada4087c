"""API of mobility: passes, free desks on a day, bookings (with idempotency keys), statements.

Availability is public, like the find page. Everything else is personal and needs a token: the
same checkpoints (`get_pass_for_viewer`, `get_booking_for_holder`, `get_statement_for_viewer`) and
the same services (`book_visit`, `cancel_booking`) as the pages, so the rules live in one place.
"""

import datetime
import re
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from maillage.accounts.api_auth import token_auth
from maillage.directory.api import PlaceRefOut
from maillage.lib.api import (
    CONFLICT_ERRORS,
    DETAIL_ERRORS,
    PRIVATE_READ_ERRORS,
    Pagination,
    field_errors,
    ref_lookup,
)
from maillage.mobility import booking as booking_services
from maillage.mobility import selectors, settlement
from maillage.mobility.models import Booking, Half, Pass
from maillage.mobility.services import today
from maillage.networks.models import Network
from maillage.places.models import Place

router = Router()

MAX_KEY_LENGTH = 64


# --- Output ---------------------------------------------------------------------------------


class PassOut(Schema):
    id: int
    scheme_id: int
    scheme_name: str
    model: str = Field(description="pass, retrocession ou preferential.")
    network_slug: str
    home_place: PlaceRefOut
    status: str
    starts_on: datetime.date

    @staticmethod
    def resolve_scheme_name(obj: Pass) -> str:
        return obj.scheme.name

    @staticmethod
    def resolve_model(obj: Pass) -> str:
        return obj.scheme.model

    @staticmethod
    def resolve_network_slug(obj: Pass) -> str:
        return obj.scheme.network.slug


class PassDetailOut(PassOut):
    period_start: datetime.date = Field(description="Début de la période du quota en cours.")
    period_end: datetime.date = Field(description="Fin (exclue) de la période du quota en cours.")
    quota_days: int
    used_days: float
    remaining_days: float


class AvailabilityOut(Schema):
    place: PlaceRefOut
    commune: str
    latitude: float | None
    longitude: float | None
    desks: int = Field(description="Postes ouverts aux visiteurs ce jour-là.")
    free_full_day: int
    free_morning: int
    free_afternoon: int
    half_days_allowed: bool
    approval_required: bool


class BookingOut(Schema):
    id: int
    pass_id: int
    place: PlaceRefOut
    date: datetime.date
    half: str = Field(description="full (journée), am (matin) ou pm (après-midi).")
    status: str
    approval_due_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_pass_id(obj: Booking) -> int:
        return obj.member_pass_id

    @staticmethod
    def resolve_place(obj: Booking) -> Place:
        return obj.offer.place

    @staticmethod
    def resolve_date(obj: Booking) -> datetime.date:
        return obj.day


class StatementLineOut(Schema):
    date: datetime.date
    direction: str = Field(description="hosted (visite reçue) ou made (visite d'un membre).")
    visitor: str
    home_place: str
    host_place: str
    status: str
    amount_cents: int = Field(description="Reçu (> 0) ou payé (< 0) par le lieu.")
    late: bool = Field(description="Événement d'un mois déjà clôturé, reporté sur celui-ci.")


class StatementOut(Schema):
    place: PlaceRefOut
    network_slug: str
    month: str = Field(description="AAAA-MM")
    closed: bool
    received_cents: int
    paid_cents: int
    net_cents: int
    lines: list[StatementLineOut]


# --- Input ----------------------------------------------------------------------------------


def _iso_date(value: Any) -> Any:
    """Only AAAA-MM-JJ: pydantic alone would also take "0" (1 January 1970) for a date."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PydanticCustomError("maillage", str(_("Indiquez un jour sous la forme AAAA-MM-JJ.")))
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise PydanticCustomError("maillage", str(_("Ce jour n'existe pas."))) from exc


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


class AvailabilityIn(Schema):
    date: IsoDate = Field(description="Le jour voulu (AAAA-MM-JJ).")
    network: str | None = Field(
        None, max_length=200, description="Identifiant ou slug d'un réseau (facultatif)."
    )


class BookingIn(Schema):
    pass_id: int = Field(ge=1, le=2_000_000_000)
    place: str = Field(min_length=1, max_length=200, description="Identifiant ou slug du lieu.")
    date: IsoDate
    half: Half = Field(Half.FULL, description="full (journée), am (matin) ou pm (après-midi).")


# --- helpers --------------------------------------------------------------------------------


def _booking_queryset():
    return Booking.objects.select_related("offer__place", "member_pass")


# --- Passes ---------------------------------------------------------------------------------


@router.get(
    "/passes",
    auth=token_auth,
    response={200: list[PassOut], **PRIVATE_READ_ERRORS},
    summary="Mes pass mobilité",
)
@paginate(Pagination)
def list_passes(request: HttpRequest) -> Any:
    return selectors.passes_of(user=request.auth)


@router.get(
    "/passes/{pass_id}",
    auth=token_auth,
    response={200: PassDetailOut, **PRIVATE_READ_ERRORS},
    summary="Un pass, avec ses jours restants (titulaire et coordinateurs)",
)
def get_pass(request: HttpRequest, pass_id: int) -> Pass:
    pass_ = selectors.get_pass_for_viewer(user=request.auth, pk=pass_id)
    usage = selectors.pass_usage(pass_=pass_, day=today())
    pass_.period_start, pass_.period_end = usage.start, usage.end
    pass_.quota_days = usage.quota_days
    pass_.used_days, pass_.remaining_days = usage.used_days, usage.remaining_days
    return pass_


# --- Availability ---------------------------------------------------------------------------


@router.get(
    "/availability",
    response={200: list[AvailabilityOut], **DETAIL_ERRORS},
    summary="Lieux d'accueil avec des postes libres un jour donné",
)
def availability(request: HttpRequest, params: Query[AvailabilityIn]) -> list[dict[str, Any]]:
    day = params.date
    network = None
    if params.network:
        network = get_object_or_404(Network, **ref_lookup(params.network))
    return [
        {
            "place": found.place,
            "commune": found.place.commune.name if found.place.commune else "",
            "latitude": found.place.latitude,
            "longitude": found.place.longitude,
            "desks": found.capacity,
            "free_full_day": found.free_full,
            "free_morning": found.free_am,
            "free_afternoon": found.free_pm,
            "half_days_allowed": found.offer.half_days_allowed,
            "approval_required": found.offer.approval_required,
        }
        for found in selectors.available_hosts(day=day, network=network)
    ]


# --- Bookings -------------------------------------------------------------------------------


@router.get(
    "/bookings",
    auth=token_auth,
    response={200: list[BookingOut], **PRIVATE_READ_ERRORS},
    summary="Mes réservations",
)
@paginate(Pagination)
def list_bookings(request: HttpRequest) -> Any:
    return _booking_queryset().filter(member_pass__holder=request.auth).order_by("-day", "-pk")


@router.post(
    "/bookings",
    auth=token_auth,
    response={201: BookingOut, 200: BookingOut, **CONFLICT_ERRORS},
    summary="Réserver une visite (avec une clé d'idempotence)",
    description=(
        "L'en-tête `Idempotency-Key` (1 à 64 caractères, à tirer au hasard pour chaque "
        "réservation voulue) est obligatoire : renvoyer la même requête avec la même clé rend la "
        "même réservation (200) au lieu d'en créer une autre (201). « Complet », quota atteint, "
        "réservation en double ou clé déjà utilisée pour une autre demande : 409."
    ),
)
def create_booking(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: str = Header(
        ..., alias="Idempotency-Key", min_length=1, max_length=MAX_KEY_LENGTH
    ),
) -> tuple[int, Booking]:
    user = request.auth
    place = get_object_or_404(Place, is_published=True, **ref_lookup(payload.place))
    pass_ = (
        Pass.objects.select_related("scheme", "scheme__network").filter(pk=payload.pass_id).first()
    )
    if pass_ is None:
        raise booking_services.ForgedPass
    # Keys are per person: someone else's key can neither collide with nor reveal a booking.
    key = f"api:{user.pk}:{idempotency_key}"
    started = timezone.now()
    visit = booking_services.book_visit(
        pass_=pass_,
        place=place,
        day=payload.date,
        half=payload.half,
        idempotency_key=key,
        by=user,
    )
    visit = _booking_queryset().get(pk=visit.pk)
    return (200 if visit.created_at < started else 201), visit


@router.post(
    "/bookings/{booking_id}/cancel",
    auth=token_auth,
    response={200: BookingOut, **CONFLICT_ERRORS},
    summary="Annuler une de mes réservations (dans le délai de la formule)",
)
def cancel_booking(request: HttpRequest, booking_id: int) -> Booking:
    visit = selectors.get_booking_for_holder(user=request.auth, pk=booking_id)
    booking_services.cancel_booking(booking=visit, by=request.auth)
    return _booking_queryset().get(pk=visit.pk)


# --- Statements -----------------------------------------------------------------------------


@router.get(
    "/statements/{place_slug}/{network_slug}/{month}",
    auth=token_auth,
    response={200: StatementOut, **PRIVATE_READ_ERRORS},
    summary="Relevé mensuel d'un lieu dans un réseau (gestionnaires du lieu, coordinateurs)",
)
def get_statement(
    request: HttpRequest,
    place_slug: str,
    network_slug: str,
    month: str,
) -> dict[str, Any]:
    place, network = selectors.get_statement_for_viewer(
        user=request.auth, slug=place_slug, network_slug=network_slug
    )
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):
            raise ValueError(month)
        first = datetime.date(int(month[:4]), int(month[5:7]), 1)
    except ValueError as exc:
        raise field_errors(
            "month",
            _("Indiquez un mois sous la forme AAAA-MM (par exemple 2026-03)."),
            location="path",
        ) from exc
    report = settlement.place_statement(place=place, network=network, month=first)
    return {
        "place": place,
        "network_slug": network.slug,
        "month": f"{report.month:%Y-%m}",
        "closed": report.closed is not None,
        "received_cents": report.received_cents,
        "paid_cents": report.paid_cents,
        "net_cents": report.net_cents,
        "lines": [
            {
                "date": line.day,
                "direction": line.direction,
                "visitor": line.visitor,
                "home_place": line.home_place,
                "host_place": line.host_place,
                "status": line.status,
                "amount_cents": line.amount_cents,
                "late": line.late,
            }
            for line in report.lines
        ],
    }
