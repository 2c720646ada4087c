"""Delegates who speak for the network, elected by its member places: candidacies, one ballot
per place cast by one of its managers (only places with voting rights: accepted and up to date
with their fee when the network calls one), quorum, results frozen at closing, term."""

import datetime
import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.models import User
from maillage.governance.debates import QUORUM_SHARE, DebateError, NotAllowed, NotOpen
from maillage.governance.models import Ballot, Candidacy, Election
from maillage.governance.selectors import is_member, voting_places
from maillage.networks.models import Network
from maillage.networks.selectors import coordinators, is_coordinator
from maillage.notifications.services import notify
from maillage.places.models import Place
from maillage.places.selectors import place_managers, places_managed_by

MAX_SEATS = 50
MAX_TERM_MONTHS = 72


class ElectionError(DebateError):
    """A rule of elections refused the request; nothing changed."""


class AlreadyVoted(ElectionError):
    status = 409


class NotCandidate(ElectionError):
    status = 409


class NobodyStands(ElectionError):
    """The vote cannot open before someone stands (the same request may succeed later)."""

    status = 409


def create_election(
    *,
    by: User,
    network: Network,
    mandate: str,
    seats: int,
    term_months: int,
    description: str = "",
) -> Election:
    """Call for candidacies (coordinators)."""
    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seule la coordination du réseau organise une élection."))
    mandate = mandate.strip()
    if not mandate:
        raise ElectionError(
            _("Nommez le mandat (ex. : délégué·e auprès de la Région)."), field="mandate"
        )
    if not 1 <= seats <= MAX_SEATS:
        raise ElectionError(
            _("Entre 1 et %(n)s sièges.") % {"n": MAX_SEATS},
            field="seats",
        )
    if not 1 <= term_months <= MAX_TERM_MONTHS:
        raise ElectionError(
            _("Un mandat dure entre 1 et %(n)s mois.") % {"n": MAX_TERM_MONTHS},
            field="term_months",
        )
    return Election.objects.create(
        network=network,
        mandate=mandate[:200],
        description=description.strip(),
        seats=seats,
        term_months=term_months,
        created_by=by,
    )


def _locked(election: Election) -> Election:
    return Election.objects.select_for_update().get(pk=election.pk)


def stand(*, by: User, election: Election, statement: str) -> Candidacy:
    """Stand as a candidate (members of the network, while candidacies are open)."""
    if not is_member(user=by, network=election.network):
        raise NotAllowed(_("Seul·es les membres du réseau se portent candidat·es."))
    statement = statement.strip()
    if len(statement) < 20:
        raise ElectionError(
            _("Dites en quelques lignes ce que vous porterez (au moins 20 caractères)."),
            field="statement",
        )
    with transaction.atomic():
        if _locked(election).status != Election.Status.CANDIDACIES:
            raise NotOpen(_("L'appel à candidatures est terminé."))
        candidacy, created = Candidacy.objects.get_or_create(
            election=election, person=by, defaults={"statement": statement}
        )
        if not created:
            if candidacy.withdrawn_at is None:
                raise ElectionError(_("Vous êtes déjà candidat·e."), field="statement")
            candidacy.statement, candidacy.withdrawn_at = statement, None
            candidacy.save(update_fields=["statement", "withdrawn_at"])
    return candidacy


def withdraw(*, by: User, candidacy: Candidacy) -> Candidacy:
    """Withdraw one's candidacy before the vote opens."""
    if candidacy.person_id != by.pk:
        raise NotAllowed(_("Seule la personne candidate retire sa candidature."))
    with transaction.atomic():
        if _locked(candidacy.election).status != Election.Status.CANDIDACIES:
            raise NotOpen(_("Le vote est ouvert : les candidatures ne bougent plus."))
        candidacy.withdrawn_at = timezone.now()
        candidacy.save(update_fields=["withdrawn_at"])
    return candidacy


def standing(election: Election) -> QuerySet[Candidacy]:
    return election.candidacies.filter(withdrawn_at=None).select_related("person")


def open_voting(*, by: User, election: Election) -> Election:
    """Close candidacies and open the vote (coordinators); tell the member places' managers."""
    if not is_coordinator(user=by, network=election.network):
        raise NotAllowed(_("Seule la coordination ouvre le vote."))
    with transaction.atomic():
        locked = _locked(election)
        if locked.status != Election.Status.CANDIDACIES:
            raise NotOpen(_("Le vote est déjà ouvert, ou l'élection est close."))
        if not standing(locked).exists():
            raise NobodyStands(_("Aucune candidature : le vote ne peut pas s'ouvrir."))
        Election.objects.filter(pk=locked.pk).update(
            status=Election.Status.VOTING, voting_opened_at=timezone.now()
        )
    election.refresh_from_db()
    managers = {
        manager
        for place in voting_places(network=election.network)
        for manager in place_managers(place=place)
    }
    notify(
        users=list(managers),
        topic="governance.election",
        title=_("Vote ouvert : %(m)s") % {"m": election.mandate},
        body=_("Votre lieu vote pour ses délégué·es au réseau « %(n)s ».")
        % {"n": election.network.name},
        url=reverse("governance:election-detail", args=[election.pk]),
        exclude=by,
    )
    return election


def places_that_may_vote(*, user: User, election: Election) -> list[Place]:
    """The places this person manages that have a vote (accepted members, up to date with
    their fee when the network calls one) and have not voted yet."""
    if not user.is_authenticated:
        return []
    voters = {p.pk for p in voting_places(network=election.network)}
    voted = set(election.ballots.values_list("place_id", flat=True))
    return [p for p in places_managed_by(user=user) if p.pk in voters and p.pk not in voted]


def cast_ballot(
    *, by: User, election: Election, place: Place, candidacies: list[Candidacy]
) -> Ballot:
    """A place's vote, cast by one of its managers: up to as many candidates as seats, once."""
    if election.status != Election.Status.VOTING:
        raise NotOpen(_("Le vote n'est pas ouvert."))
    if place.pk not in {p.pk for p in places_that_may_vote(user=by, election=election)}:
        if election.ballots.filter(place=place).exists():
            raise AlreadyVoted(_("« %(p)s » a déjà voté.") % {"p": place.name})
        raise NotAllowed(
            _(
                "Seul·e un·e gestionnaire d'un lieu adhérent à jour de sa cotisation vote "
                "en son nom."
            )
        )
    chosen = check_choices(election=election, chosen=candidacies)
    try:
        with transaction.atomic():
            # Lock the election: closing must not count while a ballot is being cast.
            if _locked(election).status != Election.Status.VOTING:
                raise NotOpen(_("Le vote vient d'être clos."))
            ballot = Ballot.objects.create(election=election, place=place, cast_by=by)
            ballot.choices.set(chosen)
    except IntegrityError as exc:
        raise AlreadyVoted(_("« %(p)s » a déjà voté.") % {"p": place.name}) from exc
    return ballot


def check_choices(*, election: Election, chosen: list[Candidacy]) -> set[int]:
    """The chosen candidacies' ids: at least one, standing, no more than the seats."""
    ids = {c.pk for c in chosen}
    allowed = set(standing(election).values_list("pk", flat=True))
    if not ids:
        raise ElectionError(_("Choisissez au moins une personne."), field="choices")
    if not ids <= allowed:
        raise ElectionError(_("Cette personne n'est pas candidate."), field="choices")
    if len(ids) > election.seats:
        raise ElectionError(
            ngettext(
                "Un seul siège : choisissez une seule personne.",
                "%(n)s sièges : choisissez au plus %(n)s personnes.",
                election.seats,
            )
            % {"n": election.seats},
            field="choices",
        )
    return ids


@dataclass(frozen=True)
class Tally:
    voters: int
    quorum: int
    ballots: int

    @property
    def quorum_reached(self) -> bool:
        return self.ballots >= self.quorum


def tally(*, election: Election) -> Tally:
    """The figures so far (frozen ones once closed)."""
    if election.status == Election.Status.CLOSED:
        return Tally(election.voters or 0, election.quorum or 0, election.ballots_cast or 0)
    voters = len(voting_places(network=election.network))
    return Tally(
        voters=voters,
        quorum=max(1, math.ceil(voters * QUORUM_SHARE)),
        ballots=election.ballots.count(),
    )


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def close_election(*, by: User, election: Election) -> Election:
    """Count the ballots and freeze the results (coordinators). Without quorum nobody is
    elected. The candidates with the most votes take the seats; a tie for the last seat
    leaves it vacant rather than choosing. A closed election never changes."""
    if not is_coordinator(user=by, network=election.network):
        raise NotAllowed(_("Seule la coordination clôt l'élection."))
    with transaction.atomic():
        locked = _locked(election)
        if locked.status != Election.Status.VOTING:
            raise NotOpen(_("Seul un vote ouvert se clôt."))
        figures = tally(election=locked)
        counted = list(
            standing(locked)
            .annotate(n=Count("ballots", filter=Q(ballots__election=locked)))
            .order_by("-n", "pk")
        )
        votes = {c.pk: c.n for c in counted}  # type: ignore[attr-defined]
        elected = _winners(votes, seats=locked.seats) if figures.quorum_reached else set()
        for candidacy in counted:
            Candidacy.objects.filter(pk=candidacy.pk).update(
                votes=votes[candidacy.pk],
                elected=candidacy.pk in elected,
            )
        today = timezone.localdate()
        Election.objects.filter(pk=locked.pk).update(
            status=Election.Status.CLOSED,
            closed_at=timezone.now(),
            closed_by=by,
            voters=figures.voters,
            quorum=figures.quorum,
            ballots_cast=figures.ballots,
            quorum_reached=figures.quorum_reached,
            term_ends_on=_add_months(today, locked.term_months) if elected else None,
        )
    election.refresh_from_db()
    notify(
        users=[c.person for c in standing(election)]
        + [r.user for r in coordinators(network=election.network)],
        topic="governance.election",
        title=_("Résultats : %(m)s") % {"m": election.mandate},
        url=reverse("governance:election-detail", args=[election.pk]),
        exclude=by,
    )
    return election


def _winners(votes: dict[int, int], *, seats: int) -> set[int]:
    """The candidacies with the most votes (at least one) up to the seats; candidates tied for
    the last seat all stay out: the seat is left vacant rather than drawn."""
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    winners = {pk for pk, n in ranked[:seats] if n > 0}
    if len(ranked) > seats and ranked[seats][1] == ranked[seats - 1][1]:
        winners -= {pk for pk, n in ranked if n == ranked[seats][1]}
    return winners


def results(*, election: Election) -> list[Candidacy]:
    """The candidates by votes (after closing), or by standing order before."""
    rows = standing(election)
    if election.status == Election.Status.CLOSED:
        return list(rows.order_by("-votes", "pk"))
    return list(rows)


def current_delegates(*, network: Network | None = None) -> QuerySet[Candidacy]:
    """Who speaks for whom today: elected candidates whose term has not ended."""
    found = Candidacy.objects.filter(
        elected=True,
        election__status=Election.Status.CLOSED,
        election__term_ends_on__gte=timezone.localdate(),
    ).select_related("person", "election__network")
    if network is not None:
        found = found.filter(election__network=network)
    return found.order_by("election__network__name", "election__mandate", "person__display_name")
