"""Pages of the services app: catalogue, cercle des accompagnements, support requests (and the
helpers' signed links), similar places, peer programmes, project holders, dashboard."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.models import User
from maillage.accounts.requests import person
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.lib.money import format_cents
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network
from maillage.places.models import Place
from maillage.places.selectors import get_place_for_manager, places_managed_by
from maillage.services import dashboard as dashboard_module
from maillage.services import peer_help, programmes, selectors, services
from maillage.services import requests as support
from maillage.services.forms import (
    AccompanistForm,
    ApplyForm,
    CheckInForm,
    CloseForm,
    ClosePairingForm,
    CodevNotesForm,
    CodevSessionForm,
    DecisionForm,
    GroupForm,
    HelperAnswerForm,
    HolderForm,
    HolderPlaceForm,
    MemberForm,
    PairingForm,
    PeerPaymentForm,
    PeerProfileForm,
    RatingForm,
    ReferenceForm,
    RequestForm,
    SatisfactionForm,
    ServiceForm,
    SessionForm,
    VolunteeringForm,
)
from maillage.services.models import (
    CODEV_STEPS,
    Accompanist,
    CodevSession,
    Proposal,
    ServiceKind,
    SupportRequest,
    Topic,
)
from maillage.services.ranking import ranked_helpers
from maillage.services.similar import similar_places, with_places

FORM_ERROR = "services/form.html"


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: str,
    back_label: str,
    submit: str,
    intro: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        FORM_ERROR,
        {
            "form": form,
            "title": title,
            "back": back,
            "back_label": back_label,
            "submit": submit,
            "intro": intro,
        },
        status=status,
    )


# --- catalogue ---------------------------------------------------------------------------------


def catalogue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("nature", "")
    topic = request.GET.get("theme", "")
    kind = kind if kind in ServiceKind.values else ""
    topic = topic if topic in Topic.values else ""
    context = {
        "services": selectors.published_services(kind=kind, topic=topic),
        "kinds": ServiceKind.choices,
        "topics": Topic.choices,
        "kind": kind,
        "topic": topic,
        "team_networks": selectors.team_networks(user=request.user),
        "accompanist_profiles": selectors.accompanist_profiles_of(user=request.user),
    }
    return render(request, "services/catalogue.html", context)


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.get_service(slug=slug, user=request.user)
    context = {
        "service": service,
        "sessions": service.sessions.select_related("event"),
        "is_team": selectors.is_team(user=request.user, network=service.network_id),
    }
    return render(request, "services/service_detail.html", context)


@login_required
def service_create(request: HttpRequest, network_slug: str) -> HttpResponse:
    network = selectors.get_team_network(user=request.user, slug=network_slug)
    form = ServiceForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.create_service(
                by=person(request),
                network=network,
                data=services.ServiceData.from_mapping(form.cleaned_data),
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Le service est publié."))
            return redirect(service)
    return _form_page(
        request,
        form,
        title=_("Nouveau service — %(n)s") % {"n": network.name},
        back=reverse("services:catalogue"),
        back_label=_("Catalogue"),
        submit=_("Publier"),
        intro=_(
            "Une formation publie aussi ses objectifs, prérequis, durée, méthodes, évaluation, accessibilité et numéro de déclaration d'activité."
        ),
    )


@login_required
def service_edit(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.get_service_for_team(slug=slug, user=request.user)
    initial = {f: getattr(service, f) for f in services.ServiceData.field_names() if f != "place"}
    form = ServiceForm(request.POST or None, initial=initial, network=service.network)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_service(
                by=person(request),
                service=service,
                data=services.ServiceData.from_mapping(form.cleaned_data),
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Le service est à jour."))
            return redirect(service)
    return _form_page(
        request,
        form,
        title=_("Modifier « %(t)s »") % {"t": service.title},
        back=service.get_absolute_url(),
        back_label=service.title,
        submit=_("Enregistrer"),
    )


@login_required
def session_add(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.get_service_for_team(slug=slug, user=request.user)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_training_session(
                by=person(request),
                service=service,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                capacity=form.cleaned_data["capacity"],
                online_url=form.cleaned_data["online_url"] or "",
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request, _("La session est dans l'agenda : les inscriptions sont ouvertes.")
            )
            return redirect(service)
    return _form_page(
        request,
        form,
        title=_("Nouvelle session — %(t)s") % {"t": service.title},
        back=service.get_absolute_url(),
        back_label=service.title,
        submit=_("Programmer"),
    )


# --- cercle des accompagnements ----------------------------------------------------------------


def accompanists(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("specialite", "")
    topic = topic if topic in Topic.values else ""
    context = {
        "accompanists": selectors.accepted_accompanists(topic=topic),
        "topics": Topic.choices,
        "topic": topic,
        "team_networks": selectors.team_networks(user=request.user),
        "own": selectors.accompanist_profiles_of(user=request.user),
    }
    return render(request, "services/accompanists.html", context)


def accompanist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.get_accompanist(pk=pk, user=request.user)
    is_team = selectors.is_team(user=request.user, network=profile.network_id)
    context = {
        "profile": profile,
        "references": selectors.visible_references(profile),
        "is_team": is_team,
        "is_self": request.user.is_authenticated and request.user.pk == profile.user_id,
        "ratings": selectors.ratings_summary(accompanist=profile) if is_team else None,
        "min_ratings": selectors.MIN_RATINGS,
        "decision_form": DecisionForm()
        if is_team and profile.status == Accompanist.Status.APPLIED
        else None,
    }
    return render(request, "services/accompanist_detail.html", context)


@login_required
def accompanist_apply(request: HttpRequest) -> HttpResponse:
    networks = (
        Network.objects.filter(roles__role__in=["coordinator", "guide"]).distinct().order_by("name")
    )
    form = ApplyForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.apply_to_circle(
                by=person(request),
                network=form.cleaned_data["network"],
                data=services.AccompanistData.from_mapping(form.cleaned_data),
                ethics_signed=form.cleaned_data["ethics"],
            )
        except Refusal as refusal:
            show_refusal(form, refusal, near="ethics")
        else:
            messages.success(request, _("Candidature envoyée : l'équipe du réseau l'examine."))
            return redirect(profile)
    return _form_page(
        request,
        form,
        title=_("Rejoindre le cercle des accompagnements"),
        back=reverse("services:accompanists"),
        back_label=_("Le cercle"),
        submit=_("Candidater"),
        intro=_(
            "Le réseau examine chaque candidature, comme l'adhésion d'un lieu. Vos tarifs et spécialités sont publics une fois accepté·e ; vos évaluations restent privées à l'équipe du réseau."
        ),
    )


@login_required
def accompanist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.get_accompanist(pk=pk, user=request.user)
    if profile.user_id != request.user.pk:
        raise PermissionDenied
    initial = {f: getattr(profile, f) for f in services.AccompanistData.field_names()}
    initial["departments"] = ", ".join(profile.departments)
    form = AccompanistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(
                by=person(request),
                profile=profile,
                data=services.AccompanistData.from_mapping(form.cleaned_data),
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Votre fiche est à jour."))
            return redirect(profile)
    return _form_page(
        request,
        form,
        title=_("Ma fiche d'accompagnateur·rice"),
        back=profile.get_absolute_url(),
        back_label=profile.name,
        submit=_("Enregistrer"),
    )


@login_required
def applications(request: HttpRequest, network_slug: str) -> HttpResponse:
    network = selectors.get_team_network(user=request.user, slug=network_slug)
    return render(
        request,
        "services/applications.html",
        {"network": network, "profiles": selectors.applications(network=network)},
    )


@login_required
@require_POST
def accompanist_decide(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.get_accompanist(pk=pk, user=request.user)
    if not selectors.is_team(user=request.user, network=profile.network_id):
        raise PermissionDenied
    accept = request.POST.get("decision") == "accept"
    form = DecisionForm(request.POST)
    form.is_valid()
    if not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                title=_("Accepter %(n)s dans le cercle ?") % {"n": profile.name}
                if accept
                else _("Refuser la candidature de %(n)s ?") % {"n": profile.name},
                confirm_label=_("Accepter") if accept else _("Refuser"),
                cancel_url=profile.get_absolute_url(),
                facts=[
                    (_("Spécialités"), ", ".join(profile.speciality_labels())),
                    (_("Motif"), form.cleaned_data.get("note", "")),
                ],
                consequences=[_("La personne est prévenue ; la décision ne se reprend pas.")],
                hidden={
                    "decision": request.POST.get("decision", ""),
                    "note": form.cleaned_data.get("note", ""),
                },
                danger=not accept,
            ),
        )
    try:
        services.decide_application(
            by=person(request),
            profile=profile,
            accept=accept,
            note=form.cleaned_data.get("note", ""),
        )
    except Refusal as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Décision enregistrée."))
    return redirect(profile)


@login_required
def reference_add(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.get_accompanist(pk=pk, user=request.user)
    if profile.user_id != request.user.pk:
        raise PermissionDenied
    form = ReferenceForm(
        request.POST or None, places=Place.objects.filter(is_published=True).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_reference(by=person(request), profile=profile, **form.cleaned_data)
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Référence ajoutée : elle s'affichera quand le lieu aura donné son accord."),
            )
            return redirect(profile)
    return _form_page(
        request,
        form,
        title=_("Ajouter une référence"),
        back=profile.get_absolute_url(),
        back_label=profile.name,
        submit=_("Demander l'accord du lieu"),
    )


def reference_answer(request: HttpRequest, token: str) -> HttpResponse:
    reference = services.reference_by_token(token)
    if reference is None:
        raise Http404
    if request.method == "POST":
        services.answer_reference(reference=reference, consent=request.POST.get("consent") == "yes")
        messages.success(request, _("Merci, votre réponse est enregistrée."))
        return redirect(request.path)
    return render(request, "services/reference_answer.html", {"reference": reference})


@login_required
def rate(request: HttpRequest, pk: int, accompanist_pk: int) -> HttpResponse:
    filed = selectors.get_request(pk=pk, user=request.user)
    profile = get_object_or_404(Accompanist, pk=accompanist_pk)
    if filed.requester_id != request.user.pk:
        raise PermissionDenied
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate(
                by=person(request),
                request=filed,
                profile=profile,
                data=services.RatingData.from_mapping(form.cleaned_data),
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Merci : votre avis reste privé à l'équipe du réseau et n'est montré qu'agrégé."),
            )
            return redirect(filed)
    return _form_page(
        request,
        form,
        title=_("Votre avis sur l'accompagnement de %(n)s") % {"n": profile.name},
        back=filed.get_absolute_url(),
        back_label=_("La demande"),
        submit=_("Envoyer"),
        intro=_(
            "Votre réponse n'est jamais publiée ni montrée seule : l'équipe du réseau n'en voit que l'ensemble, à partir de trois avis."
        ),
    )


# --- what a place shares with its peers; similar places ----------------------------------------


@login_required
def peer_profile(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_manager(user=request.user, slug=slug)
    current = services.peer_profile_of(place)
    initial = (
        {f: getattr(current, f) for f in services.PeerProfileData.field_names()} if current else {}
    )
    form = PeerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_peer_profile(
                by=person(request),
                place=place,
                data=services.PeerProfileData.from_mapping(form.cleaned_data),
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Merci : les lieux qui traversent la même chose pourront vous être présentés."),
            )
            return redirect(place)
    return _form_page(
        request,
        form,
        title=_("Ce que %(p)s peut partager") % {"p": place.name},
        back=place.get_absolute_url(),
        back_label=place.name,
        submit=_("Enregistrer"),
        intro=_(
            "Les demandes d'aide sont d'abord proposées aux pairs : un lieu qui l'a déjà fait."
        ),
    )


def similar(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug, is_published=True)
    found = with_places(similar_places(place))
    return render(request, "services/similar.html", {"place": place, "found": found})


# --- support requests --------------------------------------------------------------------------


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    places = places_managed_by(user=request.user)
    form = RequestForm(
        request.POST or None, places=places, initial={"topic": request.GET.get("sujet", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            filed = support.file_request(
                by=person(request), data=support.RequestData(**form.cleaned_data)
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _(
                    "Demande envoyée : l'équipe du réseau vous propose des pairs, des professionnel·les ou des services."
                ),
            )
            return redirect(filed)
    return _form_page(
        request,
        form,
        title=_("Demander de l'aide"),
        back=reverse("services:catalogue"),
        back_label=_("Services"),
        submit=_("Envoyer ma demande"),
        intro=_(
            "Un lieu qui l'a déjà fait, une personne du réseau, un·e professionnel·le du cercle ou un service : l'équipe du réseau vous propose qui peut aider. Votre demande n'est lue que par l'équipe et les aidant·es proposé·es."
        ),
    )


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    context = {
        "mine": selectors.requests_of(user=request.user),
        "proposals": selectors.proposals_for_helper(user=request.user),
        "team": selectors.requests_for_team(user=request.user)
        if selectors.team_networks(user=request.user).exists()
        else None,
        "team_networks": selectors.team_networks(user=request.user),
    }
    return render(request, "services/requests.html", context)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    filed = selectors.get_request(pk=pk, user=request.user)
    user = person(request)
    is_team = selectors.is_team(user=user, network=filed.network_id)
    if request.method == "POST" and request.POST.get("step") == "propose" and is_team:
        try:
            support.propose(by=user, request=filed, keys=request.POST.getlist("keys"))
        except Refusal as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(
                request,
                _("Les aidant·es choisi·es reçoivent un e-mail avec un lien pour répondre."),
            )
        return redirect(filed)
    if request.method == "POST" and request.POST.get("step") == "answer":
        proposal = get_object_or_404(Proposal, pk=request.POST.get("proposal") or 0, request=filed)
        if not selectors.helper_may_answer(user=user, proposal=proposal):
            raise PermissionDenied
        form = HelperAnswerForm(request.POST)
        if form.is_valid():
            try:
                support.answer(
                    proposal=proposal,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["helper_note"],
                    volunteer_minutes=form.cleaned_data["volunteer_minutes"],
                )
            except Refusal as refusal:
                messages.error(request, str(refusal.message))
            else:
                messages.success(request, _("Votre réponse est transmise."))
        else:
            messages.error(request, _("Choisissez une réponse."))
        return redirect(filed)
    proposals = list(filed.proposals.select_related("place", "person", "accompanist", "service"))
    mine = [p for p in proposals if selectors.helper_may_answer(user=user, proposal=p)]
    follow_ups = peer_help.follow_ups(user=user, request=filed, proposals=proposals)
    context = {
        "filed": filed,
        "proposals": proposals,
        "is_team": is_team,
        "is_requester": filed.requester_id == user.pk,
        "candidates": ranked_helpers(filed, viewer=user) if is_team and filed.is_open else [],
        "mine": mine,
        "answer_form": HelperAnswerForm(),
        "rows": [(p, follow_ups.get(p.pk)) for p in proposals],
        "to_rate": [
            p.accompanist for p in proposals if p.accompanist and p.status in ("taken", "done")
        ]
        if filed.requester_id == user.pk and filed.status == "closed"
        else [],
    }
    return render(request, "services/request_detail.html", context)


@login_required
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    filed = selectors.get_request(pk=pk, user=request.user)
    user = person(request)
    if not (
        filed.requester_id == user.pk or selectors.is_team(user=user, network=filed.network_id)
    ):
        raise PermissionDenied
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not is_confirmed(request):
            return render_confirmation(
                request,
                Confirmation(
                    title=_("Clôturer cette demande ?"),
                    confirm_label=_("Clôturer"),
                    cancel_url=filed.get_absolute_url(),
                    facts=[
                        (_("Issue"), str(dict(SupportRequest.Outcome.choices)[data["outcome"]])),
                        (_("Ce qui s'est passé"), data["outcome_note"]),
                        (_("Temps passé"), _("%(m)s minutes") % {"m": data["time_spent_minutes"]}),
                    ],
                    consequences=[
                        _(
                            "Les aides encore en attente sont closes ; la demande ne peut plus être rouverte."
                        )
                    ],
                    hidden={k: str(v) for k, v in data.items()},
                ),
            )
        try:
            support.close(
                by=user,
                request=filed,
                outcome=data["outcome"],
                note=data["outcome_note"],
                time_spent_minutes=data["time_spent_minutes"],
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("La demande est clôturée."))
            return redirect(filed)
    return _form_page(
        request,
        form,
        title=_("Clôturer la demande"),
        back=filed.get_absolute_url(),
        back_label=_("La demande"),
        submit=_("Continuer"),
    )


def _request_step(
    request: HttpRequest, form: Any, proposal: Proposal, *, title: str, intro: str
) -> HttpResponse:
    """The form of a step after a peer's help, back to its request."""
    return _form_page(
        request,
        form,
        title=title,
        back=proposal.request.get_absolute_url(),
        back_label=_("La demande"),
        submit=_("Continuer"),
        intro=intro,
    )


def _closed_request_proposal(request: HttpRequest, pk: int, proposal_pk: int) -> Proposal:
    filed = selectors.get_request(pk=pk, user=request.user)
    return get_object_or_404(
        Proposal.objects.select_related("place", "person", "request__network"),
        pk=proposal_pk,
        request=filed,
    )


@login_required
def request_volunteering(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The peer declares the time they gave as volunteer hours (their consent: this page)."""
    proposal = _closed_request_proposal(request, pk, proposal_pk)
    user = person(request)
    back = proposal.request.get_absolute_url()
    if proposal.volunteer_logged_at is not None:
        messages.info(request, _("Ce temps est déjà déclaré comme bénévolat."))
        return redirect(back)
    if not peer_help.may_log_volunteering(user=user, proposal=proposal):
        raise PermissionDenied
    form = VolunteeringForm(
        request.POST or None, initial={"minutes": peer_help.suggested_minutes(proposal)}
    )
    if request.method == "POST" and form.is_valid():
        minutes = form.cleaned_data["minutes"]
        if not is_confirmed(request):
            return render_confirmation(
                request,
                Confirmation(
                    title=_("Déclarer ce temps comme bénévolat ?"),
                    confirm_label=_("Déclarer"),
                    cancel_url=back,
                    facts=[
                        (_("Réseau"), proposal.request.network.name),
                        (_("Activité"), _("Soutien à un pair")),
                        (_("Jour"), date_format(peer_help.volunteering_day(proposal))),
                        (_("Durée"), peer_help.minutes_label(minutes)),
                    ],
                    consequences=[
                        _(
                            "Ces heures sont transmises à la coordination du réseau, qui les valide ; "
                            "vous les retrouvez dans « Mon bénévolat »."
                        )
                    ],
                    hidden={"minutes": str(minutes)},
                ),
            )
        try:
            peer_help.log_peer_volunteering(by=user, proposal=proposal, minutes=minutes)
        except Refusal as refusal:
            show_refusal(form, refusal, near="minutes")
        else:
            messages.success(
                request, _("Merci : votre temps est déclaré, la coordination le validera.")
            )
            return redirect(back)
    return _request_step(
        request,
        form,
        proposal,
        title=_("Déclarer votre aide comme bénévolat"),
        intro=_(
            "Le temps que vous avez donné à %(who)s peut compter comme bénévolat pour le réseau "
            "(activité « Soutien à un pair »). Rien n'est déclaré sans votre accord."
        )
        % {"who": peer_help.requester_name(proposal.request)},
    )


@login_required
def request_payment(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The team proposes to one of the network's circles to pay a peer's help from its budget."""
    proposal = _closed_request_proposal(request, pk, proposal_pk)
    user = person(request)
    back = proposal.request.get_absolute_url()
    if not peer_help.may_propose_payment(user=user, proposal=proposal):
        raise PermissionDenied
    actions = [
        (circle, action)
        for circle in peer_help.payable_circles(user=user, request=proposal.request)
        for action in peer_help.open_actions(circle=circle)
    ]
    form = PeerPaymentForm(
        request.POST or None,
        actions=actions,
        initial={"justification": peer_help.default_justification(proposal)},
    )
    if request.method == "POST" and form.is_valid():
        circle, action = form.cleaned_data["action"]
        data = peer_help.PaymentData(
            circle=circle,
            action=action,
            amount_cents=form.cleaned_data["amount_cents"],
            justification=form.cleaned_data["justification"],
        )
        payee = peer_help.payee_for(proposal=proposal, circle=circle)
        if not is_confirmed(request):
            return render_confirmation(
                request,
                Confirmation(
                    title=_("Proposer cette rémunération au cercle ?"),
                    confirm_label=_("Proposer au cercle"),
                    cancel_url=back,
                    facts=[
                        (_("Cercle"), circle.name),
                        (_("Action"), action.title),
                        (_("Objet"), peer_help.payment_title(proposal)),
                        (_("Bénéficiaire"), payee.place.name if payee.place else payee.name),
                        (_("Montant"), format_cents(data.amount_cents)),
                    ],
                    consequences=[
                        _(
                            "La proposition de dépense est déposée au cercle : sa prochaine "
                            "réunion de régulation décide. Si elle est accordée, la dépense est "
                            "payée par le cercle, à travers le grand livre."
                        )
                    ],
                    hidden={
                        "action": str(action.pk),
                        "amount_cents": request.POST.get("amount_cents", ""),
                        "justification": data.justification,
                    },
                ),
            )
        try:
            payment = peer_help.propose_payment(by=user, proposal=proposal, data=data)
        except Refusal as refusal:
            show_refusal(form, refusal, near="action")
        else:
            messages.success(
                request,
                _("La rémunération est proposée au cercle %(circle)s, qui en décidera.")
                % {"circle": payment.circle.name},
            )
            return redirect(back)
    if not actions:
        form.add_error(
            None,
            _(
                "Aucune action en cours dans vos cercles : ajoutez-en une au programme du cercle "
                "avant de proposer une dépense."
            ),
        )
    return _request_step(
        request,
        form,
        proposal,
        title=_("Proposer une rémunération au cercle"),
        intro=_(
            "L'aide de %(helper)s peut être payée sur le budget d'un cercle, si le cercle le "
            "décide : la proposition suit le chemin habituel (réunion, décision, dépense payée "
            "par le grand livre)."
        )
        % {"helper": proposal.helper_name},
    )


def helper_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link of the helper's e-mail: no account needed."""
    proposal = support.proposal_by_token(token)
    if proposal is None:
        raise Http404
    form = HelperAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        if status in ("declined", "done") and not is_confirmed(request):
            labels = dict(form.fields["status"].choices)  # type: ignore[attr-defined]
            return render_confirmation(
                request,
                Confirmation(
                    title=_("Répondre « %(s)s » ?") % {"s": labels[status]},
                    confirm_label=_("Confirmer"),
                    cancel_url=request.path,
                    consequences=[_("Cette réponse est définitive pour cette demande.")],
                    hidden={
                        k: str(v) if v is not None else "" for k, v in form.cleaned_data.items()
                    },
                ),
            )
        try:
            support.answer(
                proposal=proposal,
                status=status,
                note=form.cleaned_data["helper_note"],
                volunteer_minutes=form.cleaned_data["volunteer_minutes"],
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Merci, votre réponse est transmise."))
            return redirect(request.path)
    return render(
        request,
        "services/helper_answer.html",
        {"proposal": proposal, "filed": proposal.request, "form": form},
    )


def satisfaction(request: HttpRequest, token: str) -> HttpResponse:
    found = support.satisfaction_by_token(token)
    if found is None:
        raise Http404
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        support.answer_satisfaction(satisfaction=found, data=form.cleaned_data)
        return render(request, "services/thanks.html", {})
    return render(request, "services/satisfaction.html", {"form": form, "found": found})


# --- programmes --------------------------------------------------------------------------------


@login_required
def groups(request: HttpRequest) -> HttpResponse:
    context = {
        "groups": selectors.groups_visible_to(user=request.user).select_related("network"),
        "pairings": selectors.pairings_visible_to(user=request.user).select_related(
            "mentor_place", "mentee_place", "mentee_holder"
        ),
        "team_networks": selectors.team_networks(user=request.user),
    }
    return render(request, "services/programmes.html", context)


@login_required
def group_create(request: HttpRequest, network_slug: str) -> HttpResponse:
    network = selectors.get_team_network(user=request.user, slug=network_slug)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        facilitator = User.objects.filter(
            email__iexact=form.cleaned_data["facilitator"], is_active=True
        ).first()
        if facilitator is None:
            form.add_error("facilitator", _("Aucun compte à cette adresse."))
        else:
            try:
                group = programmes.create_group(
                    by=person(request),
                    network=network,
                    name=form.cleaned_data["name"],
                    audience=form.cleaned_data["audience"],
                    facilitator=facilitator,
                )
            except Refusal as refusal:
                show_refusal(form, refusal)
            else:
                return redirect(group)
    return _form_page(
        request,
        form,
        title=_("Nouveau groupe de codéveloppement"),
        back=reverse("services:programmes"),
        back_label=_("Programmes entre pairs"),
        submit=_("Créer"),
        intro=_(
            "5 à 8 personnes de lieux différents, un·e facilitateur·rice, un cycle de séances."
        ),
    )


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group(pk=pk, user=request.user)
    user = person(request)
    is_team = selectors.is_team(user=user, network=group.network_id)
    may_compose = is_team or group.facilitator_id == user.pk
    form = MemberForm(
        request.POST or None, places=Place.objects.filter(is_published=True).order_by("name")
    )
    if request.method == "POST" and may_compose and form.is_valid():
        member = User.objects.filter(
            email__iexact=form.cleaned_data["email"], is_active=True
        ).first()
        if member is None:
            form.add_error("email", _("Aucun compte à cette adresse."))
        else:
            try:
                programmes.add_member(
                    by=user, group=group, user=member, place=form.cleaned_data["place"]
                )
            except Refusal as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("%(n)s rejoint le groupe.") % {"n": member.public_name})
                return redirect(group)
    context = {
        "group": group,
        "members": group.members.select_related("user", "place"),
        "sessions": group.sessions.select_related("event", "client"),
        "insider": selectors.is_group_insider(user=user, group=group),
        "is_team": is_team,
        "form": form if may_compose else None,
    }
    return render(request, "services/group_detail.html", context)


@login_required
def codev_session_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group(pk=pk, user=request.user)
    if not selectors.is_team(user=request.user, network=group.network_id):
        raise PermissionDenied
    form = CodevSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programmes.schedule_session(
                by=person(request),
                group=group,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                online_url=form.cleaned_data["online_url"] or "",
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("La séance est dans l'agenda, sur invitation."))
            return redirect(group)
    return _form_page(
        request,
        form,
        title=_("Programmer une séance — %(g)s") % {"g": group.name},
        back=group.get_absolute_url(),
        back_label=group.name,
        submit=_("Programmer"),
    )


@login_required
def codev_session(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    group = selectors.get_group(pk=pk, user=request.user)
    if not selectors.is_group_insider(user=request.user, group=group):
        raise PermissionDenied(_("Les notes d'une séance sont réservées aux membres du groupe."))
    session = get_object_or_404(CodevSession, group=group, number=number)
    people = User.objects.filter(pk__in=group.members.values("user_id"))
    initial = {
        "client": session.client,
        "problem": session.problem,
        "steps_done": session.steps_done,
        "notes": session.notes,
    }
    form = CodevNotesForm(request.POST or None, initial=initial, people=people, steps=CODEV_STEPS)
    if request.method == "POST" and form.is_valid():
        try:
            programmes.record_session(
                by=person(request),
                session=session,
                client=form.cleaned_data["client"],
                problem=form.cleaned_data["problem"],
                steps=form.cleaned_data["steps_done"],
                notes=form.cleaned_data["notes"],
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Notes enregistrées."))
            return redirect(group)
    return _form_page(
        request,
        form,
        title=_("Séance %(n)s — %(g)s") % {"n": number, "g": group.name},
        back=group.get_absolute_url(),
        back_label=group.name,
        submit=_("Enregistrer"),
        intro=_(
            "Ces notes ne sont lues que par les membres du groupe et son facilitateur ou sa facilitatrice."
        ),
    )


@login_required
def pairing_create(request: HttpRequest, network_slug: str) -> HttpResponse:
    network = selectors.get_team_network(user=request.user, slug=network_slug)
    places = Place.objects.filter(is_published=True).order_by("name")
    holders = selectors.holders_visible_to(user=request.user).filter(network=network)
    form = PairingForm(request.POST or None, places=places, holders=holders)
    mentee_slug = request.GET.get("pour", "")
    mentee = Place.objects.filter(slug=mentee_slug).first() if mentee_slug else None
    if request.method == "POST" and form.is_valid():
        try:
            pairing = programmes.create_pairing(
                by=person(request),
                network=network,
                data=programmes.PairingData(**form.cleaned_data),
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            return redirect(pairing)
    suggestions = programmes.suggest_mentors(mentee=mentee) if mentee else []
    return render(
        request,
        "services/pairing_form.html",
        {"form": form, "network": network, "mentee": mentee, "suggestions": suggestions},
    )


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = selectors.get_pairing(pk=pk, user=request.user)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programmes.check_in(by=person(request), pairing=pairing, **form.cleaned_data)
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Point d'étape noté."))
            return redirect(pairing)
    return render(
        request,
        "services/pairing_detail.html",
        {"pairing": pairing, "check_ins": pairing.check_ins.select_related("by"), "form": form},
    )


@login_required
def pairing_close(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = selectors.get_pairing(pk=pk, user=request.user)
    form = ClosePairingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not is_confirmed(request):
            return render_confirmation(
                request,
                Confirmation(
                    title=_("Terminer ce compagnonnage ?"),
                    confirm_label=_("Terminer"),
                    cancel_url=pairing.get_absolute_url(),
                    facts=[(_("Bilan"), form.cleaned_data["closing_review"])],
                    consequences=[_("Plus aucun point d'étape ne pourra être ajouté.")],
                    hidden={k: str(v) for k, v in form.cleaned_data.items()},
                ),
            )
        try:
            programmes.close_pairing(
                by=person(request),
                pairing=pairing,
                goals_met=form.cleaned_data["goals_met"],
                review=form.cleaned_data["closing_review"],
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            return redirect(pairing)
    return _form_page(
        request,
        form,
        title=_("Bilan du compagnonnage"),
        back=pairing.get_absolute_url(),
        back_label=_("Le compagnonnage"),
        submit=_("Continuer"),
    )


# --- project holders ---------------------------------------------------------------------------


@login_required
def holder_create(request: HttpRequest) -> HttpResponse:
    form = HolderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holder = programmes.register_holder(
                by=person(request), data=programmes.HolderData(**form.cleaned_data)
            )
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Bienvenue : voici des lieux, des compagnons et des services pour avancer."),
            )
            return redirect(holder)
    return _form_page(
        request,
        form,
        title=_("Vous préparez un tiers-lieu ?"),
        back=reverse("services:catalogue"),
        back_label=_("Services"),
        submit=_("Être accompagné·e"),
        intro=_(
            "Dites où vous en êtes : le réseau vous oriente vers des lieux qui accueillent les porteurs de projets, un lieu compagnon et ses services, et vous suit jusqu'à l'ouverture."
        ),
    )


@login_required
def holder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    holder = selectors.get_holder(pk=pk, user=request.user)
    is_team = selectors.is_team(user=request.user, network=holder.network_id)
    return render(
        request,
        "services/holder_detail.html",
        {
            "holder": holder,
            "routes": programmes.routes_for(holder),
            "is_team": is_team,
            "may_link": is_team or holder.user_id == request.user.pk,
        },
    )


@login_required
def holder_place(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder (or the team) links the project's place once it is in the directory; its
    status there ("en projet", then "ouvert") is then followed."""
    holder = selectors.get_holder(pk=pk, user=request.user)
    user = person(request)
    if holder.user_id != user.pk and not selectors.is_team(user=user, network=holder.network_id):
        raise PermissionDenied
    places = programmes.places_to_link(holder=holder)
    form = HolderPlaceForm(request.POST or None, places=places, initial={"place": holder.place_id})
    if request.method == "POST" and form.is_valid():
        try:
            programmes.link_place(by=user, holder=holder, place=form.cleaned_data["place"])
        except Refusal as refusal:
            show_refusal(form, refusal)
        else:
            if holder.status == holder.Status.OPENED:
                messages.success(request, _("Bravo : votre lieu est ouvert !"))
            else:
                messages.success(
                    request,
                    _(
                        "Votre lieu est relié au projet : son ouverture dans l'annuaire sera suivie."
                    ),
                )
            return redirect(holder)
    return render(
        request,
        "services/holder_place.html",
        {"holder": holder, "form": form, "places": places},
    )


@login_required
def holders(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "services/holders.html",
        {
            "holders": selectors.holders_visible_to(user=request.user).select_related(
                "commune", "network", "place"
            )
        },
    )


# --- dashboard ---------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest, network_slug: str) -> HttpResponse:
    network = selectors.get_team_network(user=request.user, slug=network_slug)
    return render(
        request, "services/dashboard.html", {"board": dashboard_module.build(network=network)}
    )


@login_required
def dashboard_csv(request: HttpRequest, network_slug: str) -> Any:
    network = selectors.get_team_network(user=request.user, slug=network_slug)
    rows = dashboard_module.csv_rows(dashboard_module.build(network=network))
    return csv_response(
        rows[1:],
        header=rows[0],
        filename=f"accompagnement-{network.slug}.csv",
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )
