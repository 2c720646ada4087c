"""API of governance: collective debates and proposals (public reads, supports with a token),
a person's fees and the treasurer's calls, volunteer hours (log and read one's own)."""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from maillage.accounts.api_auth import token_auth
from maillage.accounts.requests import token_person
from maillage.governance import charter, elections, selectors, volunteering
from maillage.governance import debates as debate_services
from maillage.governance.elections import MAX_SEATS
from maillage.governance.models import (
    Ballot,
    Candidacy,
    Election,
    FeeCall,
    Proposal,
    VolunteerEntry,
)
from maillage.lib.api import (
    CONFLICT_ERRORS,
    DETAIL_ERRORS,
    PRIVATE_READ_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Pagination,
    field_errors,
)
from maillage.networks.models import Network
from maillage.networks.selectors import get_network
from maillage.places.models import Place

debates = Router()
proposals = Router()
fees = Router()
volunteering_router = Router()
# The name maillage/api.py mounts.
volunteering_api = volunteering_router


class DebateSpaceOut(Schema):
    id: int
    slug: str
    title: str
    network: str
    threshold_kind: str
    threshold_value: int

    @staticmethod
    def resolve_network(obj: Any) -> str:
        return obj.network.name


class DebateProposalOut(Schema):
    id: int
    slug: str
    kind: str
    title: str
    status: str
    space: str
    author: str
    place: str | None
    supports_people: int
    supports_places: int
    answer: str
    conclusion: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_space(obj: Proposal) -> str:
        return obj.space.slug

    @staticmethod
    def resolve_author(obj: Proposal) -> str:
        return obj.author.public_name

    @staticmethod
    def resolve_place(obj: Proposal) -> str | None:
        return obj.place.name if obj.place else None

    @staticmethod
    def resolve_supports_people(obj: Proposal) -> int:
        return obj.supports.filter(place=None).count()

    @staticmethod
    def resolve_supports_places(obj: Proposal) -> int:
        return obj.supports.exclude(place=None).count()


class ProposalDetailOut(DebateProposalOut):
    body: str


class SupportIn(Schema):
    place_id: int | None = Field(None, description="Soutenir au nom de ce lieu (gestionnaire).")


class SupportOut(Schema):
    supports_people: int
    supports_places: int
    status: str


@debates.get(
    "", response={200: list[DebateSpaceOut], **READ_ERRORS}, summary="Les espaces de débat"
)
@paginate(Pagination)
def list_spaces(request: HttpRequest) -> Any:
    return selectors.spaces_for(user=request.user)


@debates.get(
    "/{slug}/proposals",
    response={200: list[DebateProposalOut], **DETAIL_ERRORS},
    summary="Débats et propositions d'un espace",
)
@paginate(Pagination)
def list_space_proposals(request: HttpRequest, slug: str) -> Any:
    space = selectors.get_space(slug=slug)
    return space.proposals.select_related("space", "author", "place").order_by("-created_at")


@proposals.get(
    "", response={200: list[DebateProposalOut], **READ_ERRORS}, summary="Propositions collectives"
)
@paginate(Pagination)
def list_proposals(request: HttpRequest, status: str = "") -> Any:
    rows = Proposal.objects.select_related("space", "author", "place").order_by("-created_at")
    return rows.filter(status=status) if status else rows


@proposals.get(
    "/{slug}", response={200: ProposalDetailOut, **DETAIL_ERRORS}, summary="Une proposition"
)
def get_proposal(request: HttpRequest, slug: str) -> Proposal:
    return selectors.get_proposal(slug=slug)


@proposals.post(
    "/{slug}/supports",
    auth=token_auth,
    response={200: SupportOut, **CONFLICT_ERRORS},
    summary="Soutenir une proposition (en personne, ou au nom d'un lieu géré)",
)
def support(request: HttpRequest, slug: str, payload: SupportIn) -> dict[str, Any]:
    proposal = selectors.get_proposal(slug=slug)
    place = None
    if payload.place_id is not None:
        place = next(
            (
                p
                for p in selectors.places_that_may_support(
                    user=token_person(request), proposal=proposal
                )
                if p.pk == payload.place_id
            ),
            None,
        )
        if place is None:
            raise debate_services.NotAllowed(
                "Vous ne gérez pas ce lieu, ou il n'est pas adhérent du réseau."
            )
    debate_services.support(by=token_person(request), proposal=proposal, place=place)
    proposal.refresh_from_db()
    return {
        "supports_people": proposal.supports.filter(place=None).count(),
        "supports_places": proposal.supports.exclude(place=None).count(),
        "status": proposal.status,
    }


class GovernanceCallOut(Schema):
    id: int
    network: str
    year: int
    payer: str
    amount_cents: int
    paid_cents: int
    status: str
    due_on: datetime.date
    period_start: datetime.date
    period_end: datetime.date

    @staticmethod
    def resolve_network(obj: FeeCall) -> str:
        return obj.schedule.network.slug

    @staticmethod
    def resolve_year(obj: FeeCall) -> int:
        return obj.schedule.year

    @staticmethod
    def resolve_payer(obj: FeeCall) -> str:
        return obj.payer_name

    @staticmethod
    def resolve_paid_cents(obj: FeeCall) -> int:
        return sum(p.fee_cents for p in obj.payments.all() if p.refunded_at is None)


@fees.get(
    "",
    auth=token_auth,
    response={200: list[GovernanceCallOut], **PRIVATE_READ_ERRORS},
    summary="Mes appels de cotisation (mes lieux et moi)",
)
@paginate(Pagination)
def my_calls(request: HttpRequest) -> Any:
    return selectors.calls_for_person(user=token_person(request))


@fees.get(
    "/networks/{slug}",
    auth=token_auth,
    response={200: list[GovernanceCallOut], **PRIVATE_READ_ERRORS},
    summary="Les appels de cotisation d'un réseau (trésorerie, coordination)",
)
@paginate(Pagination)
def network_calls(request: HttpRequest, slug: str) -> Any:
    network = selectors.get_network_for_treasurer(user=token_person(request), slug=slug)
    return (
        FeeCall.objects.filter(schedule__network=network)
        .select_related("schedule__network", "place", "person")
        .prefetch_related("payments")
        .order_by("-due_on", "pk")
    )


class EntryIn(Schema):
    network: str = Field(description="Slug du réseau.")
    activity: str = Field(description="circle, event, commons, peer, governance.")
    label: str = Field(max_length=200)
    day: datetime.date
    hours: float = Field(gt=0, description="Heures données ce jour-là (au plus 24 par jour).")
    note: str = ""


class EntryOut(Schema):
    id: int
    network: str
    activity: str
    label: str
    day: datetime.date
    minutes: int
    status: str

    @staticmethod
    def resolve_network(obj: VolunteerEntry) -> str:
        return obj.network.slug


@volunteering_router.get(
    "",
    auth=token_auth,
    response={200: list[EntryOut], **PRIVATE_READ_ERRORS},
    summary="Mes heures de bénévolat",
)
@paginate(Pagination)
def my_entries(request: HttpRequest) -> Any:
    return VolunteerEntry.objects.filter(person=token_person(request)).select_related("network")


@volunteering_router.post(
    "",
    auth=token_auth,
    response={201: EntryOut, **WRITE_ERRORS},
    summary="Déclarer des heures de bénévolat (à valider par la coordination)",
)
def log_entry(request: HttpRequest, payload: EntryIn) -> tuple[int, VolunteerEntry]:
    network = selectors.get_network_for_member(user=token_person(request), slug=payload.network)
    entry = volunteering.log_hours(
        by=token_person(request),
        data=volunteering.EntryData(
            network=network,
            activity=payload.activity,
            label=payload.label,
            day=payload.day,
            minutes=round(payload.hours * 60),
            note=payload.note,
        ),
    )
    return 201, entry


# --- The charter and its versions -----------------------------------------------------------

charters = Router()


class CharterVersionOut(Schema):
    """One version of a network's charter (without its text: read the version for it)."""

    number: int
    adopted_on: datetime.date | None = Field(description="Absente pour le texte d'origine.")
    proposal: str | None = Field(description="Slug de la proposition qui l'a amendée.")
    accepted_by: int = Field(description="Lieux adhérents dont l'adhésion retient cette version.")
    in_force: bool

    @staticmethod
    def resolve_proposal(obj: charter.CharterEntry) -> str | None:
        return obj.proposal.slug if obj.proposal else None


class CharterVersionDetailOut(CharterVersionOut):
    text: str


class CharterOut(Schema):
    """A network's charter in force and the list of its versions, newest first."""

    network: str
    version: int
    text: str
    versions: list[CharterVersionOut]


class CharterDiffLineOut(Schema):
    kind: str = Field(description="same, added ou removed.")
    text: str


class CharterDiffOut(Schema):
    network: str
    old: int
    new: int
    lines: list[CharterDiffLineOut]


def _history(slug: str) -> tuple[Network, list[charter.CharterEntry]]:
    network = get_network(slug=slug)
    return network, charter.charter_history(network=network)


@charters.get(
    "/{slug}", response={200: CharterOut, **DETAIL_ERRORS}, summary="La charte d'un réseau"
)
def get_charter(request: HttpRequest, slug: str) -> dict[str, Any]:
    network, history = _history(slug)
    return {
        "network": network.slug,
        "version": history[0].number,
        "text": history[0].text,
        "versions": history,
    }


@charters.get(
    "/{slug}/versions",
    response={200: list[CharterVersionOut], **DETAIL_ERRORS},
    summary="Les versions de la charte d'un réseau",
)
@paginate(Pagination)
def list_charter_versions(request: HttpRequest, slug: str) -> Any:
    return _history(slug)[1]


@charters.get(
    "/{slug}/versions/{number}",
    response={200: CharterVersionDetailOut, **DETAIL_ERRORS},
    summary="Une version de la charte, avec son texte",
)
def get_charter_version(request: HttpRequest, slug: str, number: int) -> charter.CharterEntry:
    found = next((entry for entry in _history(slug)[1] if entry.number == number), None)
    if found is None:
        raise Http404
    return found


@charters.get(
    "/{slug}/diff",
    response={200: CharterDiffOut, **DETAIL_ERRORS},
    summary="Ce qui a changé entre deux versions de la charte",
)
def charter_changes(
    request: HttpRequest,
    slug: str,
    de: int | None = Query(None, description="Version de départ (par défaut la précédente)."),
    a: int | None = Query(None, description="Version d'arrivée (par défaut celle en vigueur)."),
) -> dict[str, Any]:
    network, history = _history(slug)
    texts = {entry.number: entry.text for entry in history}
    for name, number in (("de", de), ("a", a)):
        if number is not None and number not in texts:
            raise field_errors(
                name,
                _("Cette charte n'a pas de version %(n)s.") % {"n": number},
                location="query",
            )
    numbers = sorted(texts)
    new = a if a is not None else numbers[-1]
    older = [n for n in numbers if n < new]
    old = de if de is not None else (older[-1] if older else new)
    lines = charter.charter_diff(texts[old], texts[new]) if old != new else []
    return {"network": network.slug, "old": old, "new": new, "lines": lines}


# --- Elections of delegates ------------------------------------------------------------------

elections_router = Router()
delegates_router = Router()


class ElectionOut(Schema):
    """An election: its state (candidacies, voting, closed), seats, mandate and figures."""

    id: int
    network: str
    mandate: str
    description: str
    status: str
    seats: int
    term_months: int
    created_at: datetime.datetime
    voting_opened_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    term_ends_on: datetime.date | None
    candidacies: int = Field(description="Candidatures maintenues.")
    voters: int = Field(description="Lieux appelés à voter (figé à la clôture).")
    quorum: int
    ballots: int
    quorum_reached: bool | None = Field(description="Connu à la clôture.")

    @staticmethod
    def resolve_network(obj: Election) -> str:
        return obj.network.slug

    @staticmethod
    def resolve_candidacies(obj: Election) -> int:
        return elections.standing(obj).count()

    @staticmethod
    def resolve_voters(obj: Election) -> int:
        return _tally(obj).voters

    @staticmethod
    def resolve_quorum(obj: Election) -> int:
        return _tally(obj).quorum

    @staticmethod
    def resolve_ballots(obj: Election) -> int:
        return _tally(obj).ballots


def _tally(election: Election) -> elections.Tally:
    """The election's figures, counted once per answer."""
    found = getattr(election, "_api_tally", None)
    if found is None:
        found = elections.tally(election=election)
        election._api_tally = found  # type: ignore[attr-defined]
    return found


class CandidacyOut(Schema):
    id: int
    person: str
    statement: str
    created_at: datetime.datetime
    withdrawn: bool
    votes: int | None = Field(description="Voix obtenues, une fois l'élection close.")
    elected: bool

    @staticmethod
    def resolve_person(obj: Candidacy) -> str:
        return obj.person.public_name

    @staticmethod
    def resolve_withdrawn(obj: Candidacy) -> bool:
        return obj.withdrawn_at is not None


class ElectionDetailOut(ElectionOut):
    standing: list[CandidacyOut] = Field(
        description="Les candidatures maintenues ; par voix une fois l'élection close."
    )

    @staticmethod
    def resolve_standing(obj: Election) -> list[Candidacy]:
        return elections.results(election=obj)


class DelegateOut(Schema):
    network: str
    person: str
    mandate: str
    election: int
    votes: int | None
    term_ends_on: datetime.date | None

    @staticmethod
    def resolve_network(obj: Candidacy) -> str:
        return obj.election.network.slug

    @staticmethod
    def resolve_person(obj: Candidacy) -> str:
        return obj.person.public_name

    @staticmethod
    def resolve_mandate(obj: Candidacy) -> str:
        return obj.election.mandate

    @staticmethod
    def resolve_election(obj: Candidacy) -> int:
        return obj.election_id

    @staticmethod
    def resolve_term_ends_on(obj: Candidacy) -> datetime.date | None:
        return obj.election.term_ends_on


class StandIn(Schema):
    statement: str = Field(
        max_length=5000, description="Ce que vous porterez (au moins 20 caractères)."
    )


class BallotIn(Schema):
    place_id: int = Field(description="Le lieu adhérent au nom duquel vous votez (gestionnaire).")
    choices: list[int] = Field(
        max_length=MAX_SEATS, description="Les candidatures choisies, au plus autant que de sièges."
    )


class BallotOut(Schema):
    election: int
    place: str
    cast_at: datetime.datetime
    choices: list[str]

    @staticmethod
    def resolve_election(obj: Ballot) -> int:
        return obj.election_id

    @staticmethod
    def resolve_place(obj: Ballot) -> str:
        return obj.place.name

    @staticmethod
    def resolve_choices(obj: Ballot) -> list[str]:
        return [c.person.public_name for c in obj.choices.select_related("person")]


@elections_router.get(
    "/networks/{slug}",
    response={200: list[ElectionOut], **DETAIL_ERRORS},
    summary="Les élections de délégué·es d'un réseau",
)
@paginate(Pagination)
def list_elections(request: HttpRequest, slug: str) -> Any:
    network = get_network(slug=slug)
    return (
        Election.objects.filter(network=network)
        .select_related("network")
        .order_by("-created_at", "-pk")
    )


@elections_router.get(
    "/{pk}", response={200: ElectionDetailOut, **DETAIL_ERRORS}, summary="Une élection"
)
def get_election(request: HttpRequest, pk: int) -> Election:
    return selectors.get_election(pk=pk)


@elections_router.post(
    "/{pk}/candidacy",
    auth=token_auth,
    response={201: CandidacyOut, **CONFLICT_ERRORS},
    summary="Se porter candidat·e (membres du réseau, pendant l'appel à candidatures)",
)
def stand(request: HttpRequest, pk: int, payload: StandIn) -> tuple[int, Candidacy]:
    election = selectors.get_election(pk=pk)
    return 201, elections.stand(
        by=token_person(request), election=election, statement=payload.statement
    )


@elections_router.delete(
    "/{pk}/candidacy",
    auth=token_auth,
    response={200: CandidacyOut, **CONFLICT_ERRORS},
    summary="Retirer sa candidature (avant l'ouverture du vote)",
)
def withdraw(request: HttpRequest, pk: int) -> Candidacy:
    election = selectors.get_election(pk=pk)
    candidacy = election.candidacies.filter(person=token_person(request), withdrawn_at=None).first()
    if candidacy is None:
        raise elections.NotCandidate(_("Vous n'êtes pas candidat·e à cette élection."))
    return elections.withdraw(by=token_person(request), candidacy=candidacy)


@elections_router.post(
    "/{pk}/ballots",
    auth=token_auth,
    response={201: BallotOut, **CONFLICT_ERRORS},
    summary="Voter au nom d'un lieu adhérent (un bulletin par lieu, définitif)",
)
def cast_ballot(request: HttpRequest, pk: int, payload: BallotIn) -> tuple[int, Ballot]:
    election = selectors.get_election(pk=pk)
    place = Place.objects.filter(pk=payload.place_id).first()
    if place is None:
        raise field_errors("place_id", _("Ce lieu n'existe pas."))
    chosen = list(Candidacy.objects.filter(pk__in=payload.choices))
    if len(chosen) != len(set(payload.choices)):
        raise field_errors("choices", _("Cette personne n'est pas candidate."))
    # The service checks the rest: the vote is open, the place votes and has not voted yet,
    # the choices stand in this election and fit the seats.
    ballot = elections.cast_ballot(
        by=token_person(request), election=election, place=place, candidacies=chosen
    )
    return 201, ballot


@elections_router.post(
    "/{pk}/voting",
    auth=token_auth,
    response={200: ElectionOut, **CONFLICT_ERRORS},
    summary="Clore les candidatures et ouvrir le vote (coordination)",
)
def open_voting(request: HttpRequest, pk: int) -> Election:
    return elections.open_voting(by=token_person(request), election=selectors.get_election(pk=pk))


@elections_router.post(
    "/{pk}/closing",
    auth=token_auth,
    response={200: ElectionDetailOut, **CONFLICT_ERRORS},
    summary="Clore l'élection et publier les résultats (coordination, définitif)",
)
def close_election(request: HttpRequest, pk: int) -> Election:
    return elections.close_election(
        by=token_person(request), election=selectors.get_election(pk=pk)
    )


@delegates_router.get(
    "",
    response={200: list[DelegateOut], **READ_ERRORS},
    summary="Qui parle pour qui : les délégué·es en mandat",
)
@paginate(Pagination)
def list_delegates(request: HttpRequest, network: str = "") -> Any:
    found = elections.current_delegates()
    return found.filter(election__network__slug=network) if network else found
