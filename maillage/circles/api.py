"""The circles part of the JSON API (/api/v1/circles/...).

Read like the pages: circles and their programme are public; decisions and transparency figures
follow the circle's transparency choice (public, or the network's members: send your token);
proposals are for the circle's members and coordinators (token). Filing a proposal needs a
token and an `Idempotency-Key`, and goes through the same service as the form.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.pagination import paginate

from maillage.accounts.api_auth import token_auth
from maillage.accounts.models import User
from maillage.circles import budget, budget_services, selectors, transparency
from maillage.circles.models import Action, Circle, Decision, PayeeKind, Proposal
from maillage.directory.api import CommuneRefOut, PlaceRefOut
from maillage.lib.api import (
    DETAIL_ERRORS,
    PRIVATE_READ_ERRORS,
    WRITE_ERRORS,
    Pagination,
    ValidationErrorOut,
    field_errors,
    optional,
)
from maillage.places.models import Place

router = Router()

MAX_KEY_LENGTH = 64


# A token when sent (members-only pages), nobody otherwise.
optional_token = optional(token_auth)


def _circle(ref: str) -> Circle:
    lookup = {"pk": int(ref)} if ref.isascii() and ref.isdigit() else {"slug": ref}
    return get_object_or_404(Circle.objects.select_related("network"), **lookup)


def _viewer(request: HttpRequest) -> Any:
    return request.auth if request.auth is not True else request.user


def _transparent_circle(request: HttpRequest, ref: str) -> Circle:
    """The circle, for what its transparency setting covers (programme, decisions, figures)."""
    return selectors.get_circle_for_transparency(user=_viewer(request), slug=_circle(ref).slug)


# --- Output ---------------------------------------------------------------------------------


class CircleOut(Schema):
    id: int
    slug: str
    name: str
    network: str = Field(description="Identifiant d'adresse du réseau.")
    status: str = Field(description="active, emerging ou prefiguration.")
    status_label: str
    summary: str
    transparency: str = Field(description="public ou members (membres du réseau).")

    @staticmethod
    def resolve_network(obj: Circle) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_status_label(obj: Circle) -> str:
        return str(obj.get_status_display())


class CircleDetailOut(CircleOut):
    description: str
    communes: list[CommuneRefOut]
    places: list[PlaceRefOut]

    @staticmethod
    def resolve_communes(obj: Circle) -> list[Any]:
        return list(obj.communes.order_by("name"))

    @staticmethod
    def resolve_places(obj: Circle) -> list[Any]:
        return list(obj.places.order_by("name"))


class ActionOut(Schema):
    id: int
    title: str
    status: str = Field(description="proposed, adopted, in_progress, done ou dropped.")
    description: str
    expected_cost_cents: int
    outcomes: str


class BudgetProposalOut(Schema):
    id: int
    action_id: int
    title: str
    amount_cents: int = Field(description="Montant demandé, en centimes.")
    payee_kind: str = Field(description="person, place ou provider.")
    payee: str = Field(description="Nom public de la personne, nom du lieu ou du prestataire.")
    justification: str
    status: str
    created_at: datetime.datetime
    granted_cents: int = Field(description="Accordé par la décision en vigueur.")
    spent_cents: int = Field(description="Dépenses validées et payées.")


class DecisionOut(Schema):
    id: int
    meeting_id: int
    meeting_title: str
    recorded_at: datetime.datetime
    proposal_id: int | None
    subject: str
    method: str = Field(description="consent ou vote.")
    outcome: str = Field(description="adopted ou rejected.")
    amount_granted_cents: int
    envelope_id: int | None
    votes_for: int
    votes_against: int
    votes_abstain: int
    present_count: int
    members_count: int
    rationale: str
    supersedes_id: int | None
    in_force: bool = Field(description="Faux quand une réunion ultérieure l'a révisée.")


class ExpenseLineOut(Schema):
    id: int
    paid_on: datetime.date | None
    description: str
    payee: str
    amount_cents: int
    reversed_on: datetime.date | None = Field(
        None,
        description="Date de la contrepassation du paiement : la dépense reste listée mais ne "
        "compte plus dans spent_cents.",
    )
    reversal_reason: str = ""


class LineOut(Schema):
    proposal_id: int
    title: str
    year: int
    payee: str
    role: str = Field(
        description="steward, contributor, participant, person, place ou provider "
        "(rôle du bénéficiaire le jour de la décision)."
    )
    decision_id: int
    granted_cents: int
    spent_cents: int
    expenses: list[ExpenseLineOut]


class ActionFiguresOut(Schema):
    action_id: int
    title: str
    expected_cost_cents: int
    granted_cents: int
    spent_cents: int
    lines: list[LineOut]


class RoleFiguresOut(Schema):
    role: str
    label: str
    granted_cents: int
    spent_cents: int


class EnvelopeFiguresOut(Schema):
    id: int
    year: int
    funder_kind: str
    funder: str
    earmark_action_id: int | None
    amount_cents: int
    granted_cents: int


class TransparencyOut(Schema):
    circle: str
    year: int | None = Field(description="L'année demandée, ou null pour toutes les années.")
    years: list[int]
    budget_cents: int
    granted_cents: int
    spent_cents: int
    remaining_cents: int = Field(description="Reste à accorder : budget moins accordé.")
    account_balance_cents: int = Field(
        description="Solde du compte du cercle dans le grand livre (toutes années)."
    )
    actions: list[ActionFiguresOut]
    roles: list[RoleFiguresOut]
    envelopes: list[EnvelopeFiguresOut]


# --- Input ----------------------------------------------------------------------------------


class CircleFilters(Schema):
    network: str | None = Field(None, description="Identifiant d'adresse d'un réseau.")


class YearIn(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Une année, sinon toutes.")


class ProposalIn(Schema):
    action_id: int
    title: str = Field(..., min_length=1, max_length=200)
    amount_cents: int = Field(..., gt=0, description="Montant demandé, en centimes.")
    payee_kind: PayeeKind
    payee_user_id: int | None = Field(None, description="Si payee_kind = person.")
    payee_place: str | None = Field(None, description="Identifiant d'adresse, si place.")
    payee_name: str = Field("", max_length=200, description="Si payee_kind = provider.")
    justification: str = Field(..., min_length=1)


# --- Circles and programme ------------------------------------------------------------------


@router.get(
    "/",
    response={200: list[CircleOut], 422: ValidationErrorOut},
    summary="Les cercles territoriaux",
)
@paginate(Pagination)
def list_circles(request: HttpRequest, filters: Query[CircleFilters]) -> Any:
    circles = Circle.objects.select_related("network").order_by("network__name", "name", "pk")
    if filters.network:
        circles = circles.filter(network__slug=filters.network)
    return circles


@router.get("/{ref}", response={200: CircleDetailOut, **DETAIL_ERRORS}, summary="Un cercle")
def get_circle(request: HttpRequest, ref: str) -> Circle:
    return _circle(ref)


@router.get(
    "/{ref}/actions",
    auth=optional_token,
    response={200: list[ActionOut], **PRIVATE_READ_ERRORS},
    summary="Le programme d'un cercle (ses actions)",
    description="Réservé aux membres du réseau quand le cercle a choisi `transparency: members`.",
)
def list_actions(request: HttpRequest, ref: str) -> Any:
    circle = _transparent_circle(request, ref)
    return list(Action.objects.filter(circle=circle).order_by("title", "pk"))


# --- Proposals ------------------------------------------------------------------------------


def _proposal_rows(circle: Circle, proposals: list[Proposal]) -> list[dict[str, Any]]:
    granted = budget.granted_by_proposal(circle=circle)
    spent = budget.spent_by_proposal(circle=circle)
    return [
        {
            "id": p.pk,
            "action_id": p.action_id,
            "title": p.title,
            "amount_cents": p.amount_cents,
            "payee_kind": p.payee_kind,
            "payee": transparency.payee_name(p),
            "justification": p.justification,
            "status": p.status,
            "created_at": p.created_at,
            "granted_cents": granted.get(p.pk, 0),
            "spent_cents": spent.get(p.pk, 0),
        }
        for p in proposals
    ]


def _proposals(circle: Circle):
    return Proposal.objects.filter(circle=circle).select_related("payee_user", "payee_place")


@router.get(
    "/{ref}/proposals",
    auth=token_auth,
    response={200: list[BudgetProposalOut], **PRIVATE_READ_ERRORS},
    summary="Les propositions de dépense d'un cercle (membres du cercle, coordination)",
)
def list_proposals(request: HttpRequest, ref: str) -> Any:
    circle = selectors.get_circle_for_member(user=request.auth, slug=_circle(ref).slug)
    return _proposal_rows(circle, list(_proposals(circle).order_by("-created_at", "-pk")))


@router.post(
    "/{ref}/proposals",
    auth=token_auth,
    response={200: BudgetProposalOut, 201: BudgetProposalOut, **WRITE_ERRORS},
    summary="Proposer une dépense (membres du cercle)",
    description=(
        "L'en-tête `Idempotency-Key` (1 à 64 caractères, à tirer au hasard pour chaque "
        "proposition) évite les doublons : rejouée avec la même clé, la requête renvoie la "
        "proposition déjà déposée (200) au lieu d'en créer une autre (201)."
    ),
)
def create_proposal(
    request: HttpRequest,
    ref: str,
    payload: ProposalIn,
    idempotency_key: str = Header(
        ..., alias="Idempotency-Key", min_length=1, max_length=MAX_KEY_LENGTH
    ),
) -> tuple[int, dict[str, Any]]:
    user = request.auth
    circle = selectors.get_circle_for_member(user=user, slug=_circle(ref).slug)
    action = Action.objects.filter(circle=circle, pk=payload.action_id).first()
    if action is None:
        raise field_errors("action_id", _("Cette action n'existe pas dans ce cercle."))
    payee_user = None
    if payload.payee_user_id is not None:
        payee_user = User.objects.filter(pk=payload.payee_user_id).first()
        if payee_user is None:
            raise field_errors("payee_user_id", _("Cette personne n'existe pas."))
    payee_place = None
    if payload.payee_place:
        payee_place = Place.objects.filter(slug=payload.payee_place).first()
        if payee_place is None:
            raise field_errors("payee_place", _("Ce lieu n'existe pas."))
    # Keys are per person: someone else's key can neither collide with nor reveal a proposal.
    key = f"api:{user.pk}:{idempotency_key}"
    started = timezone.now()
    proposal = budget_services.submit_proposal(
        circle=circle,
        action=action,
        title=payload.title,
        amount_cents=payload.amount_cents,
        payee=budget_services.Payee(
            kind=payload.payee_kind,
            user=payee_user,
            place=payee_place,
            name=payload.payee_name,
        ),
        justification=payload.justification,
        idempotency_key=key,
        by=user,
    )
    (row,) = _proposal_rows(circle, [_proposals(circle).get(pk=proposal.pk)])
    return (200 if proposal.created_at < started else 201), row


# --- Decisions and transparency -------------------------------------------------------------


def _decision_row(decision: Decision, superseded: set[int]) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "meeting_id": decision.meeting_id,
        "meeting_title": decision.meeting.title,
        "recorded_at": decision.recorded_at,
        "proposal_id": decision.proposal_id,
        "subject": str(decision.proposal or decision.role_request),
        "method": decision.method,
        "outcome": decision.outcome,
        "amount_granted_cents": decision.amount_granted_cents,
        "envelope_id": decision.envelope_id,
        "votes_for": decision.votes_for,
        "votes_against": decision.votes_against,
        "votes_abstain": decision.votes_abstain,
        "present_count": decision.present_count,
        "members_count": decision.members_count,
        "rationale": decision.rationale,
        "supersedes_id": decision.supersedes_id,
        "in_force": decision.pk not in superseded,
    }


def _decisions(circle: Circle):
    return Decision.objects.filter(meeting__circle=circle).select_related(
        "meeting", "proposal", "role_request__user"
    )


def _superseded(circle: Circle) -> set[int]:
    return set(
        _decisions(circle).filter(supersedes__isnull=False).values_list("supersedes_id", flat=True)
    )


@router.get(
    "/{ref}/decisions",
    auth=optional_token,
    response={200: list[DecisionOut], **PRIVATE_READ_ERRORS},
    summary="Les décisions des réunions de régulation d'un cercle",
)
def list_decisions(request: HttpRequest, ref: str) -> Any:
    circle = _transparent_circle(request, ref)
    superseded = _superseded(circle)
    return [_decision_row(d, superseded) for d in _decisions(circle).order_by("recorded_at", "pk")]


@router.get(
    "/{ref}/decisions/{decision_id}",
    auth=optional_token,
    response={200: DecisionOut, **PRIVATE_READ_ERRORS},
    summary="Une décision",
)
def get_decision(request: HttpRequest, ref: str, decision_id: int) -> Any:
    circle = _transparent_circle(request, ref)
    decision = get_object_or_404(_decisions(circle), pk=decision_id)
    return _decision_row(decision, _superseded(circle))


@router.get(
    "/{ref}/transparency",
    auth=optional_token,
    response={200: TransparencyOut, **PRIVATE_READ_ERRORS},
    summary="Les chiffres de transparence d'un cercle (ceux de sa page)",
)
def get_transparency(request: HttpRequest, ref: str, params: Query[YearIn]) -> dict[str, Any]:
    circle = _transparent_circle(request, ref)
    report = transparency.circle_report(circle=circle, year=params.year)
    return {
        "circle": circle.slug,
        "year": report.year,
        "years": report.years,
        "budget_cents": report.budget_cents,
        "granted_cents": report.granted_cents,
        "spent_cents": report.spent_cents,
        "remaining_cents": report.remaining_cents,
        "account_balance_cents": report.account_balance_cents,
        "actions": [
            {
                "action_id": a.action.pk,
                "title": a.action.title,
                "expected_cost_cents": a.action.expected_cost_cents,
                "granted_cents": a.granted_cents,
                "spent_cents": a.spent_cents,
                "lines": [
                    {
                        "proposal_id": line.proposal.pk,
                        "title": line.proposal.title,
                        "year": line.year,
                        "payee": line.payee,
                        "role": line.role,
                        "decision_id": line.decision.pk,
                        "granted_cents": line.granted_cents,
                        "spent_cents": line.spent_cents,
                        "expenses": [
                            {
                                "id": e.pk,
                                "paid_on": e.paid_on,
                                "description": e.description,
                                "payee": e.payee,
                                "amount_cents": e.amount_cents,
                                "reversed_on": e.reversed_on,
                                "reversal_reason": e.reversal_reason,
                            }
                            for e in line.expenses
                        ],
                    }
                    for line in a.lines
                ],
            }
            for a in report.actions
        ],
        "roles": [
            {
                "role": r.role,
                "label": r.label,
                "granted_cents": r.granted_cents,
                "spent_cents": r.spent_cents,
            }
            for r in report.roles
        ],
        "envelopes": [
            {
                "id": e.envelope.pk,
                "year": e.envelope.year,
                "funder_kind": e.envelope.funder_kind,
                "funder": e.envelope.funder,
                "earmark_action_id": e.envelope.earmark_action_id,
                "amount_cents": e.envelope.amount_cents,
                "granted_cents": e.granted_cents,
            }
            for e in report.envelopes
        ],
    }
