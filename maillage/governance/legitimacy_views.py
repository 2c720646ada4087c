"""Pages of legitimacy: the network's charter and its versions, elections of delegates, and
"qui parle pour qui". Thin views over `charter`, `elections` and the selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.requests import person
from maillage.governance import charter, elections, selectors
from maillage.governance.forms import BallotForm, CandidacyForm, ElectionForm
from maillage.governance.models import Candidacy, Election, Proposal
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.networks.selectors import get_network, is_coordinator


def charter_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The charter in force, its versions (who amended it, how many places accepted each),
    and what changed between two versions (?de=1&a=2; by default the last change)."""
    network = get_network(slug=slug)
    history = charter.charter_history(network=network)
    texts = {entry.number: entry.text for entry in history}
    numbers = sorted(texts)
    new = _version_number(request.GET.get("a"), numbers, default=numbers[-1])
    older = [n for n in numbers if n < new]
    old = _version_number(request.GET.get("de"), numbers, default=older[-1] if older else new)
    context = {
        "network": network,
        "history": history,
        "in_force": history[0],
        "diff": charter.charter_diff(texts[old], texts[new]) if old != new else [],
        "old": old,
        "new": new,
        "numbers": numbers,
        "pending": Proposal.objects.filter(
            space__network=network,
            kind=Proposal.Kind.CHARTER,
            status__in=[Proposal.Status.OPEN, Proposal.Status.ON_AGENDA],
        ).select_related("space"),
        "space": selectors.network_space(network=network),
        "may_propose": selectors.is_member(user=request.user, network=network),
    }
    return render(request, "governance/charter.html", context)


def _version_number(value: str | None, numbers: list[int], *, default: int) -> int:
    if value and value.isdigit() and int(value) in numbers:
        return int(value)
    return default


def delegates(request: HttpRequest) -> HttpResponse:
    """Qui parle pour qui: the delegates in office, by network, with their mandate and term."""
    rows = list(elections.current_delegates())
    by_network: dict[int, tuple[object, list[Candidacy]]] = {}
    for row in rows:
        network = row.election.network
        by_network.setdefault(network.pk, (network, []))[1].append(row)
    context = {
        "groups": list(by_network.values()),
        "coordinated": [n for n in selectors.networks_with_elections_to_run(user=request.user)],
    }
    return render(request, "governance/delegates.html", context)


def election_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's elections (everyone sees them); coordinators call a new one here."""
    network = get_network(slug=slug)
    may_run = is_coordinator(user=request.user, network=network)
    form = ElectionForm(request.POST or None)
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied
        if form.is_valid():
            try:
                election = elections.create_election(
                    by=person(request), network=network, **form.cleaned_data
                )
            except elections.DebateError as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Appel à candidatures ouvert."))
                return redirect("governance:election-detail", pk=election.pk)
    context = {
        "network": network,
        "elections": Election.objects.filter(network=network).order_by("-created_at"),
        "delegates": elections.current_delegates(network=network),
        "may_run": may_run,
        "form": form,
    }
    return render(request, "governance/election_list.html", context)


def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: the candidacies and, once closed, the results. Members stand here (POST);
    a voting place's manager finds its ballot here."""
    election = selectors.get_election(pk=pk)
    user = request.user
    candidacy_form = CandidacyForm(request.POST or None)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if candidacy_form.is_valid():
            try:
                elections.stand(
                    by=person(request),
                    election=election,
                    statement=candidacy_form.cleaned_data["statement"],
                )
            except elections.DebateError as refusal:
                show_refusal(candidacy_form, refusal)
            else:
                messages.success(request, _("Votre candidature est publiée."))
                return redirect(request.path)
    standing = elections.results(election=election)
    mine = election.candidacies.filter(person=user).first() if user.is_authenticated else None
    voting_places = (
        elections.places_that_may_vote(user=user, election=election)  # type: ignore[arg-type]
        if election.status == Election.Status.VOTING
        else []
    )
    context = {
        "election": election,
        "candidacies": standing,
        "tally": elections.tally(election=election),
        "mine": mine if mine and mine.withdrawn_at is None else None,
        "may_stand": election.status == Election.Status.CANDIDACIES
        and selectors.is_member(user=user, network=election.network)
        and not (mine and mine.withdrawn_at is None),
        "candidacy_form": candidacy_form,
        "ballots": [
            (place, BallotForm(candidacies=standing, prefix=f"lieu{place.pk}"))
            for place in voting_places
        ],
        "may_run": is_coordinator(user=user, network=election.network),
        "max_votes": max((c.votes or 0 for c in standing), default=0),
    }
    return render(request, "governance/election_detail.html", context)


@login_required
def election_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST actions: withdraw one's candidacy, open the vote, vote for a place, close (the last three
    ask for confirmation first)."""
    election = selectors.get_election(pk=pk)
    back = reverse("governance:election-detail", args=[election.pk])
    if request.method != "POST":
        return redirect(back)
    by = person(request)
    try:
        if action == "retirer":
            candidacy = get_object_or_404(Candidacy, election=election, person=by)
            elections.withdraw(by=by, candidacy=candidacy)
            messages.success(request, _("Votre candidature est retirée."))
        elif action == "ouvrir":
            if not is_confirmed(request):
                return render_confirmation(request, _open_confirmation(election, back))
            elections.open_voting(by=by, election=election)
            messages.success(request, _("Le vote est ouvert ; les lieux sont prévenus."))
        elif action == "voter":
            response = _vote(request, election=election, back=back)
            if response is not None:
                return response
        elif action == "clore":
            if not is_confirmed(request):
                return render_confirmation(request, _close_confirmation(election, back))
            elections.close_election(by=by, election=election)
            messages.success(request, _("L'élection est close ; les résultats sont publiés."))
        else:
            raise PermissionDenied
    except elections.DebateError as refusal:
        messages.error(request, str(refusal.message))
    return redirect(back)


def _vote(request: HttpRequest, *, election: Election, back: str) -> HttpResponse | None:
    """Show the ballot to confirm, then cast it; None once cast."""
    by = person(request)
    place_id = request.POST.get("place", "")
    place = next(
        (
            p
            for p in elections.places_that_may_vote(user=by, election=election)
            if str(p.pk) == place_id
        ),
        None,
    )
    if place is None:
        raise elections.NotAllowed(
            _("Ce lieu a déjà voté, ou vous ne pouvez pas voter en son nom.")
        )
    standing = list(elections.standing(election))
    # The ballot's boxes first, then carried as one field through the confirmation.
    if "choix" in request.POST:
        chosen_ids = set(request.POST["choix"].split(","))
    else:
        chosen_ids = set(request.POST.getlist(f"lieu{place.pk}-choices"))
    chosen = [c for c in standing if str(c.pk) in chosen_ids]
    elections.check_choices(election=election, chosen=chosen)
    if not is_confirmed(request):
        names = ", ".join(c.person.public_name for c in chosen) or _("personne")
        return render_confirmation(
            request,
            Confirmation(
                title=_("Voter au nom de « %(p)s »") % {"p": place.name},
                confirm_label=_("Voter"),
                cancel_url=back,
                facts=[
                    (_("Élection"), election.mandate),
                    (_("Lieu"), place.name),
                    (_("Vos choix"), names),
                ],
                consequences=[
                    _("Un seul bulletin par lieu : il ne pourra plus être changé."),
                    ngettext(
                        "Au plus %(n)s personne pour %(n)s siège.",
                        "Au plus %(n)s personnes pour %(n)s sièges.",
                        election.seats,
                    )
                    % {"n": election.seats},
                ],
                hidden={"place": str(place.pk), "choix": ",".join(str(c.pk) for c in chosen)},
            ),
        )
    elections.cast_ballot(by=by, election=election, place=place, candidacies=chosen)
    messages.success(request, _("Le vote de « %(p)s » est enregistré.") % {"p": place.name})
    return None


def _open_confirmation(election: Election, back: str) -> Confirmation:
    count = elections.standing(election).count()
    return Confirmation(
        title=_("Ouvrir le vote : %(m)s") % {"m": election.mandate},
        confirm_label=_("Ouvrir le vote"),
        cancel_url=back,
        facts=[
            (
                _("Candidatures"),
                ngettext("%(n)s candidature", "%(n)s candidatures", count) % {"n": count},
            )
        ],
        consequences=[
            _("Les candidatures sont closes : plus d'ajout ni de retrait."),
            _("Les gestionnaires des lieux adhérents à jour de cotisation sont invité·es à voter."),
        ],
    )


def _close_confirmation(election: Election, back: str) -> Confirmation:
    figures = elections.tally(election=election)
    return Confirmation(
        title=_("Clore l'élection : %(m)s") % {"m": election.mandate},
        confirm_label=_("Clore et publier les résultats"),
        cancel_url=back,
        facts=[
            (_("Bulletins"), str(figures.ballots)),
            (_("Lieux appelés à voter"), str(figures.voters)),
            (_("Quorum"), str(figures.quorum)),
        ],
        consequences=[
            _("Quorum atteint : les personnes qui ont le plus de voix sont élues.")
            if figures.quorum_reached
            else _("Quorum non atteint : personne ne sera élu·e."),
            _("Une élection close ne change plus."),
        ],
        danger=not figures.quorum_reached,
    )
