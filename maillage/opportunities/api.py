"""API of opportunities: `/calls` (public reads of the board), `/answers` (members of the answer
and the network's coordinators only, with a token; the lead and coordinators record the money won
into a circle's budget they may see) and `/alerts` (one's own, with a token)."""

from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from maillage.accounts.api_auth import token_auth
from maillage.lib.api import (
    CONFLICT_ERRORS,
    DETAIL_ERRORS,
    PRIVATE_READ_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Pagination,
    ref_lookup,
)
from maillage.opportunities import selectors, services
from maillage.opportunities.models import Answer, Call, Kind, SavedSearch, Theme
from maillage.territory.selectors import DEPARTMENT_CODE

router = Router()


class CallFiltersIn(Schema):
    q: str = Field("", max_length=200, description="Mots cherchés (intitulé, financeur).")
    kind: str = Field("", description="aap, ami, communs, marche, subvention, prix.")
    theme: str = Field("", description="Une thématique (numerique, fabrication…).")
    department: str = Field("", max_length=3, description="Ouverts à ce département (80).")
    within: str = Field("", description="Date limite dans les 7, 30 ou 90 jours.")
    amount: str = Field("", description="Plafond d'au moins ce montant, en euros.")


class CallOut(Schema):
    id: int
    slug: str
    title: str
    kind: str
    funder: str
    amount_min_cents: int | None
    amount_max_cents: int | None
    cofunding_rate: int | None
    deadline: str | None = Field(description="Instant ISO 8601 (heure de Paris), ou null.")
    rolling: bool = Field(description="Au fil de l'eau : sans date limite.")
    limited_envelope: bool
    scope: str
    region_codes: list[str]
    department_codes: list[str]
    commune_codes: list[str]
    themes: list[str]
    eligible: list[str]
    consortium_allowed: bool
    mode: str
    link: str
    url: str = Field(description="Adresse de sa page.")

    @staticmethod
    def resolve_deadline(obj: Call) -> str | None:
        return obj.deadline_local.isoformat() if obj.deadline_local else None

    @staticmethod
    def resolve_link(obj: Call) -> str:
        return obj.url

    @staticmethod
    def resolve_url(obj: Call, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class PartnerOut(Schema):
    name: str
    place_id: int | None
    role: str
    status: str
    budget_cents: int

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class PieceOut(Schema):
    label: str
    done: bool
    due_on: str | None

    @staticmethod
    def resolve_due_on(obj: Any) -> str | None:
        return obj.due_on.isoformat() if obj.due_on else None


class AnswerEnvelopeOut(Schema):
    """The money won, recorded as an envelope of a circle's budget."""

    circle: str = Field(description="Identifiant d'adresse (slug) du cercle.")
    circle_name: str
    year: int
    funder: str
    funder_kind: str
    amount_cents: int

    @staticmethod
    def resolve_circle(obj: Any) -> str:
        return obj.circle.slug

    @staticmethod
    def resolve_circle_name(obj: Any) -> str:
        return obj.circle.name


class AnswerOut(Schema):
    id: int
    title: str
    call_id: int
    call: str
    status: str
    internal_deadline: str | None
    amount_won_cents: int | None
    partners: list[PartnerOut]
    pieces: list[PieceOut]
    envelope: AnswerEnvelopeOut | None = Field(
        description="La somme obtenue, une fois enregistrée dans le budget d'un cercle."
    )

    @staticmethod
    def resolve_call(obj: Answer) -> str:
        return obj.call.title

    @staticmethod
    def resolve_internal_deadline(obj: Answer) -> str | None:
        return obj.internal_deadline.isoformat() if obj.internal_deadline else None

    @staticmethod
    def resolve_partners(obj: Answer) -> list[Any]:
        return list(obj.partners.all())

    @staticmethod
    def resolve_pieces(obj: Answer) -> list[Any]:
        return list(obj.pieces.all())

    @staticmethod
    def resolve_envelope(obj: Answer) -> Any:
        envelope = obj.envelope if obj.envelope_id else None
        return envelope if envelope is not None and envelope.cancelled_at is None else None


class AnswerEnvelopeIn(Schema):
    circle_id: int = Field(
        description=(
            "Un cercle du réseau de la réponse dont vous voyez le budget : un cercle dont vous "
            "êtes membre, ou tout cercle du réseau pour sa coordination."
        )
    )
    amount_cents: int = Field(
        gt=0, le=100_000_000_000, description="En centimes, au plus le montant obtenu."
    )
    funder_kind: str = Field(
        max_length=12,
        description="Type de financeur : region, feder, state, network, cofinancing ou other.",
    )
    note: str = Field("", max_length=500, description="Une remarque (une ligne).")


class AlertOut(Schema):
    id: int
    name: str
    kinds: list[str]
    themes: list[str]
    department_codes: list[str]
    region_codes: list[str]
    amount_min_cents: int | None
    frequency: str


class AlertIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    kinds: list[Kind] = []
    themes: list[Theme] = []
    department_codes: list[Annotated[str, Field(pattern=DEPARTMENT_CODE)]] = []
    amount_min_cents: int | None = Field(None, ge=0, le=100_000_000_000)
    frequency: SavedSearch.Frequency = SavedSearch.Frequency.WEEKLY


@router.get("/calls", response={200: list[CallOut], **READ_ERRORS}, summary="Les appels ouverts")
@paginate(Pagination)
def list_calls(request: HttpRequest, filters: Query[CallFiltersIn]) -> Any:
    parsed, _notices = selectors.BoardFilters.from_query(
        {k: str(v) for k, v in filters.dict().items()}
    )
    return selectors.board(parsed, user=AnonymousUser()).calls


@router.get(
    "/calls/{ref}",
    response={200: CallOut, **DETAIL_ERRORS},
    summary="Un appel",
    description="`ref` est l'identifiant numérique de l'appel ou son slug.",
)
def get_call(request: HttpRequest, ref: str) -> Call:
    slug = Call.objects.filter(**ref_lookup(ref)).values_list("slug", flat=True).first()
    if slug is None:
        raise Http404
    return selectors.get_call(user=AnonymousUser(), slug=slug)


@router.get(
    "/answers",
    response={200: list[AnswerOut], **PRIVATE_READ_ERRORS},
    auth=token_auth,
    summary="Les réponses dont vous êtes partenaire ou que vous coordonnez",
)
@paginate(Pagination)
def list_answers(request: HttpRequest) -> Any:
    return (
        selectors.answers_visible_to(user=request.auth)  # type: ignore[attr-defined]
        .select_related("call", "envelope__circle")
        .prefetch_related("partners__place", "partners__user", "pieces")
        .order_by("-created_at")
    )


@router.get(
    "/answers/{answer_id}",
    response={200: AnswerOut, **PRIVATE_READ_ERRORS},
    auth=token_auth,
    summary="Une réponse (partenaires et coordination du réseau seulement)",
)
def get_answer(request: HttpRequest, answer_id: int) -> Answer:
    return selectors.get_answer(user=request.auth, pk=answer_id)  # type: ignore[attr-defined]


@router.post(
    "/answers/{answer_id}/envelope",
    response={201: AnswerOut, **CONFLICT_ERRORS},
    auth=token_auth,
    summary="Enregistrer la somme obtenue dans le budget d'un cercle (chef de file, coordination)",
    description=(
        "Pour une réponse retenue : verse la somme (au plus le montant obtenu) du financeur de "
        "l'appel au budget d'un cercle du réseau, par le grand livre. Seulement un cercle dont "
        "vous voyez le budget (403 sinon, rien n'est écrit). Une seule fois (409 ensuite) ; "
        "seule la coordination peut annuler l'enveloppe, depuis le budget du cercle."
    ),
)
def record_envelope(request: HttpRequest, answer_id: int, payload: AnswerEnvelopeIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    answer = selectors.get_answer(user=user, pk=answer_id)
    answer = services.record_won_envelope(
        answer=answer,
        by=user,
        circle_pk=payload.circle_id,
        amount_cents=payload.amount_cents,
        funder_kind=payload.funder_kind,
        note=payload.note,
    )
    return 201, answer


@router.get(
    "/alerts",
    response={200: list[AlertOut], **PRIVATE_READ_ERRORS},
    auth=token_auth,
    summary="Vos alertes",
)
@paginate(Pagination)
def list_alerts(request: HttpRequest) -> Any:
    return selectors.alerts_of(user=request.auth)  # type: ignore[attr-defined]


@router.post(
    "/alerts",
    response={201: AlertOut, **WRITE_ERRORS},
    auth=token_auth,
    summary="Créer une alerte",
)
def create_alert(request: HttpRequest, payload: AlertIn) -> tuple[int, SavedSearch]:
    alert = services.save_alert(
        by=request.auth,  # type: ignore[attr-defined]
        data=services.AlertData(**payload.dict()),
    )
    return 201, alert


@router.delete(
    "/alerts/{alert_id}",
    response={204: None, **WRITE_ERRORS},
    auth=token_auth,
    summary="Supprimer une de vos alertes",
)
def delete_alert(request: HttpRequest, alert_id: int) -> tuple[int, None]:
    alert = selectors.get_alert(user=request.auth, pk=alert_id)  # type: ignore[attr-defined]
    services.delete_alert(alert=alert, by=request.auth)  # type: ignore[attr-defined]
    return 204, None
