"""API of the co-funding campaigns (public figures; who pledged, for the coordinators) and of
the orientation requests (the requester, the network's guides and coordinators only)."""

import datetime
from contextlib import suppress
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from maillage.accounts.api_auth import token_auth
from maillage.accounts.requests import token_person
from maillage.commons import campaign_selectors as reads
from maillage.commons import seeds
from maillage.commons.models import Campaign, OrientationRequest, Pledge, SeedBudget
from maillage.commons.services import NotAllowed
from maillage.lib.api import (
    CONFLICT_ERRORS,
    DETAIL_ERRORS,
    PRIVATE_READ_ERRORS,
    READ_ERRORS,
    ChangesIn,
    Pagination,
    field_errors,
    optional,
    ref_lookup,
)
from maillage.lib.money import format_cents
from maillage.networks.selectors import networks_guided_by

router = Router()
orientations_router = Router()

optional_token = optional(token_auth)


def _viewer(request: HttpRequest) -> Any:
    """The token's person, else whoever is logged in on the site (maybe nobody)."""
    auth = getattr(request, "auth", None)
    return auth if auth not in (None, True) else request.user


def _campaign(ref: str) -> Campaign:
    found = Campaign.objects.filter(**ref_lookup(ref)).values_list("slug", flat=True).first()
    if found is None:
        raise Http404
    return reads.get_campaign(slug=found)


class FiguresOut(Schema):
    goal_cents: int
    min_goal_cents: int
    max_goal_cents: int
    secured_cents: int = Field(description="Déjà acquis, montré à part de l'objectif.")
    pledged_cents: int = Field(description="Promis (promesses actives), sans l'abondement.")
    matched_cents: int = Field(description="Ce que l'abondement ajoute aux promesses.")
    pledged_total_cents: int
    received_cents: int = Field(description="Reçu au grand livre (abondement compris).")
    paid_out_cents: int
    balance_cents: int = Field(description="Reste sur le compte de la campagne.")
    remaining_cents: int = Field(description="Manque pour atteindre l'objectif.")
    hours: int = Field(description="Heures données (en nature, jamais encaissées).")
    hours_value_cents: int
    pledges: int
    contributing_places: list[str]


class CampaignOut(Schema):
    id: int
    slug: str
    title: str
    kind: str = Field(description="all (tout ou rien) ou keep (on garde ce qui est collecté).")
    status: str = Field(description="open, succeeded ou failed.")
    network: str
    commons: str | None = Field(description="Slug du commun, ou null pour un appel à communs.")
    deadline: str
    match_funder: str
    match_cap_cents: int
    figures: FiguresOut
    url: str

    @staticmethod
    def resolve_network(obj: Campaign) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_commons(obj: Campaign) -> str | None:
        return obj.commons.slug if obj.commons else None

    @staticmethod
    def resolve_deadline(obj: Campaign) -> str:
        return obj.deadline.isoformat()

    @staticmethod
    def resolve_figures(obj: Campaign) -> dict[str, Any]:
        found = reads.figures(obj)
        return {
            **found.__dict__,
            "pledged_total_cents": found.pledged_total_cents,
            "balance_cents": found.balance_cents,
            "remaining_cents": found.remaining_cents,
        }

    @staticmethod
    def resolve_url(obj: Campaign, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class PayoutOut(Schema):
    description: str
    amount_cents: int
    payee_name: str
    paid_at: str | None


class CampaignDetailOut(CampaignOut):
    description: str
    pays_for: str
    secured_note: str
    hour_rate_cents: int
    payouts: list[PayoutOut]

    @staticmethod
    def resolve_payouts(obj: Campaign) -> list[dict[str, Any]]:
        return [
            {
                "description": p.description,
                "amount_cents": p.amount_cents,
                "payee_name": p.payee_name,
                "paid_at": p.reviewed_at.isoformat() if p.reviewed_at else None,
            }
            for p in reads.payouts(obj, with_pending=False)
        ]


class KindTotalOut(Schema):
    by_kind: str
    count: int
    amount_cents: int
    hours: int


class PledgeOut(Schema):
    name: str = Field(description="Nom public, « Anonyme » si la promesse l'est.")
    by_kind: str
    amount_cents: int
    hours: int
    status: str
    # For the campaign's coordinators only (null for everyone else).
    real_name: str | None = Field(None, description="Nom même si anonyme (coordination).")
    made_by: str | None = Field(None, description="Personne qui a promis (coordination).")
    receipt_reference: str | None = Field(None, description="Référence du versement.")


class PledgesOut(Schema):
    private: bool = Field(description="Vrai si vous voyez les données de la coordination.")
    totals: list[KindTotalOut]
    pledges: list[PledgeOut]


@router.get(
    "", response={200: list[CampaignOut], **READ_ERRORS}, summary="Campagnes de cofinancement"
)
@paginate(Pagination)
def list_campaigns(request: HttpRequest) -> Any:
    return reads.public_campaigns()


@router.get(
    "/{ref}",
    response={200: CampaignDetailOut, **DETAIL_ERRORS},
    summary="Une campagne : objectif, promis, reçu, dépensé, lieux contributeurs",
    description="`ref` est l'identifiant numérique de la campagne ou son slug.",
)
def get_campaign(request: HttpRequest, ref: str) -> Campaign:
    return _campaign(ref)


@router.get(
    "/{ref}/pledges",
    auth=optional_token,
    response={200: PledgesOut, **DETAIL_ERRORS, **PRIVATE_READ_ERRORS},
    summary="Les promesses d'une campagne et leurs totaux par type de contributeur",
    description=(
        "Public : les totaux et les promesses actives sous leur nom public. La coordination "
        "du réseau (avec son jeton) voit aussi les promesses annulées, qui a promis et les "
        "références des versements."
    ),
)
def list_pledges(request: HttpRequest, ref: str) -> dict[str, Any]:
    campaign = _campaign(ref)
    private = reads.can_manage_campaign(user=_viewer(request), campaign=campaign)
    pledges = list(reads.all_pledges(campaign) if private else reads.public_pledges(campaign))
    totals: dict[str, dict[str, Any]] = {}
    for pledge in pledges:
        if pledge.status not in reads.ACTIVE_PLEDGES:
            continue
        row = totals.setdefault(
            pledge.by_kind, {"by_kind": pledge.by_kind, "count": 0, "amount_cents": 0, "hours": 0}
        )
        row["count"] += 1
        row["amount_cents"] += pledge.amount_cents
        row["hours"] += pledge.hours
    return {
        "private": private,
        "totals": list(totals.values()),
        "pledges": [_pledge_row(p, private) for p in pledges],
    }


def _pledge_row(pledge: Pledge, private: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": pledge.public_name,
        "by_kind": pledge.by_kind,
        "amount_cents": pledge.amount_cents,
        "hours": pledge.hours,
        "status": pledge.status,
    }
    if private:
        receipt = getattr(pledge, "receipt", None)
        row |= {
            "real_name": pledge.name,
            "made_by": pledge.user.public_name if pledge.user else None,
            "receipt_reference": receipt.reference if receipt is not None else None,
        }
    return row


# --- Seed budgets of défis -----------------------------------------------------------------


class SeedBudgetOut(Schema):
    id: int
    challenge: str = Field(description="Le défi que le budget amorce.")
    holder_name: str = Field(description="Qui porte le défi.")
    amount_cents: int
    circle: str = Field(description="Slug du cercle qui gère le budget.")
    circle_name: str
    status: str = Field(description="planned (prévu) ou granted (versé au cercle).")
    created_at: datetime.datetime
    granted_at: datetime.datetime | None

    @staticmethod
    def resolve_circle(obj: SeedBudget) -> str:
        return obj.circle.slug

    @staticmethod
    def resolve_circle_name(obj: SeedBudget) -> str:
        return obj.circle.name

    @staticmethod
    def resolve_status(obj: SeedBudget) -> str:
        return "planned" if obj.granted_at is None else "granted"


class SeedGrantIn(ChangesIn):
    amount_cents: int = Field(
        ge=1,
        le=100_000_000,
        description="Le montant du budget, recopié : il confirme ce qui quitte la campagne.",
    )


def _seeds(campaign: Campaign) -> Any:
    return SeedBudget.objects.filter(campaign=campaign).select_related("circle")


@router.get(
    "/{ref}/seeds",
    response={200: list[SeedBudgetOut], **DETAIL_ERRORS},
    summary="Les budgets d'amorçage d'une campagne (prévus ou versés aux cercles)",
)
@paginate(Pagination)
def list_seed_budgets(request: HttpRequest, ref: str) -> Any:
    return _seeds(_campaign(ref)).order_by("created_at", "pk")


@router.post(
    "/{ref}/seeds/{seed_id}/grant",
    auth=token_auth,
    response={200: SeedBudgetOut, **CONFLICT_ERRORS},
    summary="Verser un budget d'amorçage prévu au budget de son cercle (coordination)",
    description=(
        "Comme le bouton « Verser au cercle » : la campagne doit avoir réussi et détenir "
        "l'argent (409 sinon). `amount_cents` recopie le montant du budget pour confirmer le "
        "versement (422 s'il diffère). Répéter la requête ne verse pas deux fois : un budget "
        "déjà versé est rendu tel quel (200)."
    ),
)
def grant_seed_budget(
    request: HttpRequest, ref: str, seed_id: int, payload: SeedGrantIn
) -> SeedBudget:
    campaign = _campaign(ref)
    seed = _seeds(campaign).filter(pk=seed_id).first()
    if seed is None:
        raise Http404
    user = token_person(request)
    if not reads.can_manage_campaign(user=user, campaign=campaign):
        raise NotAllowed(_("Seule la coordination du réseau verse les budgets d'amorçage."))
    if seed.granted_at is None:
        if payload.amount_cents != seed.amount_cents:
            raise field_errors(
                "amount_cents",
                _(
                    "Le montant confirmé ne correspond pas au budget (%(amount)s) : rien n'est versé."
                )
                % {"amount": format_cents(seed.amount_cents)},
            )
        # Granted by a concurrent request meanwhile: answer as a repeat.
        with suppress(seeds.AlreadyGranted):
            seeds.grant_seed_budget(seed=seed, by=user)
    return _seeds(campaign).get(pk=seed.pk)


# --- Orientation requests -------------------------------------------------------------------


class OrientationOut(Schema):
    id: int
    status: str
    network: str
    need: str
    action: str
    domain: str
    maturity: str
    commune: str | None
    requester_name: str
    requester_email: str
    team_skills: str
    time_available: str
    budget: str
    guide: str | None
    created_at: str
    answered_at: str | None

    @staticmethod
    def resolve_network(obj: OrientationRequest) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_commune(obj: OrientationRequest) -> str | None:
        return obj.commune.name if obj.commune else None

    @staticmethod
    def resolve_requester_name(obj: OrientationRequest) -> str:
        return obj.display_name

    @staticmethod
    def resolve_requester_email(obj: OrientationRequest) -> str:
        return obj.contact_email

    @staticmethod
    def resolve_guide(obj: OrientationRequest) -> str | None:
        return obj.guide.public_name if obj.guide else None

    @staticmethod
    def resolve_created_at(obj: OrientationRequest) -> str:
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_answered_at(obj: OrientationRequest) -> str | None:
        return obj.answered_at.isoformat() if obj.answered_at else None


def _orientations_for(user: Any) -> Any:
    """The requests a person filed, and those of the networks they guide or coordinate."""
    return (
        OrientationRequest.objects.filter(
            Q(requester=user) | Q(network__in=networks_guided_by(user=user))
        )
        .exclude(status=OrientationRequest.Status.UNVERIFIED)
        .select_related("network", "commune", "guide", "requester")
        .order_by("-created_at", "-pk")
    )


@orientations_router.get(
    "",
    auth=token_auth,
    response={200: list[OrientationOut], **PRIVATE_READ_ERRORS},
    summary="Demandes d'orientation (les vôtres, et celles des réseaux que vous aiguillez)",
)
@paginate(Pagination)
def list_orientations(request: HttpRequest) -> Any:
    return _orientations_for(_viewer(request))


@orientations_router.get(
    "/{orientation_id}",
    auth=token_auth,
    response={200: OrientationOut, **PRIVATE_READ_ERRORS, **DETAIL_ERRORS},
    summary="Une demande d'orientation (demandeur·se, aiguilleur·ses, coordination)",
)
def get_orientation(request: HttpRequest, orientation_id: int) -> OrientationRequest:
    return get_object_or_404(_orientations_for(_viewer(request)), pk=orientation_id)
