"""Pages of the aiguillage: file a request, the requester's orientation page and one-click
follow-ups (reached by the secret link of their e-mails), the guides' queue, a request's page
for its guide, the person's consent to an introduction, and the network's dashboard."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.accounts.requests import person
from maillage.commons import orientation, orientation_selectors
from maillage.commons.forms import AnswerForm, RequestForm
from maillage.commons.models import Commons, FollowUp, OrientationRequest, Suggestion
from maillage.lib.confirm import Confirmation, is_confirmed
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.lib.ratelimit import Throttled, limit_anonymous_action
from maillage.networks.selectors import networks_guided_by


def request_create(request: HttpRequest) -> HttpResponse:
    anonymous = not isinstance(request.user, User)
    form = RequestForm(request.POST or None, anonymous=anonymous)
    if request.method == "POST" and form.is_valid():
        data = orientation.RequestData.from_mapping(form.cleaned_data)
        try:
            if anonymous:
                limit_anonymous_action(
                    request, "orientation_request", email=form.cleaned_data["email"]
                )
            filed = orientation.file_request(by=None if anonymous else person(request), data=data)
        except Throttled as refusal:
            show_refusal(form, refusal)
        except orientation.CommonsError as refusal:
            show_refusal(form, refusal)
        else:
            return render(
                request,
                "commons/request_filed.html",
                {"filed": filed, "anonymous": anonymous},
            )
    return render(request, "commons/request_form.html", {"form": form})


def request_confirm(request: HttpRequest, token: str) -> HttpResponse:
    filed = orientation.confirm_request(token=token)
    if filed is None:
        raise Http404
    messages.success(request, _("Merci : votre demande est transmise aux aiguilleur·ses."))
    return redirect("commons:orientation", token=token)


def orientation_page(request: HttpRequest, token: str) -> HttpResponse:
    filed = orientation_selectors.request_by_token(token=token)
    if request.method == "POST":
        suggestion = get_object_or_404(
            Suggestion, pk=request.POST.get("suggestion") or 0, request=filed
        )
        accept = request.POST.get("decision") == "accept"
        orientation.decide(suggestion=suggestion, accept=accept)
        if accept and suggestion.contact_id:
            messages.success(
                request,
                _("C'est noté : nous lui demandons son accord, puis vous présentons par e-mail."),
            )
        else:
            messages.success(request, _("Votre choix est enregistré."))
        return redirect("commons:orientation", token=token)
    return render(request, "commons/orientation.html", {"filed": filed})


def follow_up_answer(request: HttpRequest, token: str, pk: int, answer: str) -> HttpResponse:
    # One click from the e-mail records the answer: it only says how things went, changes
    # nothing else, and the page lets the person change it.
    follow_up = orientation.answer_follow_up(token=token, follow_up_id=pk, answer=answer)
    if follow_up is None:
        raise Http404
    return render(
        request,
        "commons/follow_up_thanks.html",
        {"follow_up": follow_up, "token": token, "answers": FollowUp.Answer.choices},
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    networks = networks_guided_by(user=request.user)
    if not networks.exists():
        raise PermissionDenied(
            _(
                "La file d'aiguillage est celle des aiguilleur·ses et coordinateur·rices d'un réseau."
            )
        )
    context = {
        "requests": orientation_selectors.queue_for(user=request.user),
        "load": orientation_selectors.guides_load(networks=networks),
    }
    return render(request, "commons/queue.html", context)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    filed = orientation_selectors.get_request_for_guide(user=request.user, pk=pk)
    ranked = orientation_selectors.rank_suggestions(request=filed)
    people = orientation_selectors.rank_people(request=filed, guide=request.user)
    all_commons = list(Commons.objects.filter(is_published=True).order_by("name"))
    form = AnswerForm(
        _answer_data(request) if request.method == "POST" else None,
        ranked=ranked,
        all_commons=all_commons,
        people=people,
    )
    confirmation = None
    if request.method == "POST" and request.POST.get("step") == "claim":
        try:
            orientation.claim(request=filed, by=person(request))
        except orientation.CommonsError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Vous suivez cette demande."))
        return redirect(filed)
    if request.method == "POST" and request.POST.get("step") == "close":
        orientation.close(request=filed, by=person(request))
        messages.success(request, _("La demande est close."))
        return redirect("commons:queue")
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        # Sending cannot be undone (an e-mail leaves, follow-ups are scheduled): say what
        # will go, then send on "Confirmer".
        confirmation = _answer_confirmation(filed, form)
    elif request.method == "POST" and form.is_valid():
        try:
            orientation.answer(
                request=filed,
                by=person(request),
                message=form.cleaned_data["message"],
                commons_ids=form.cleaned_data["commons"],
                contact_ids=form.cleaned_data["contacts"],
                place_ids=form.cleaned_data["places"],
                skill_ids=form.cleaned_data["people"],
            )
        except orientation.CommonsError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("L'orientation est envoyée ; les bilans à 30 et 90 jours sont programmés."),
            )
            return redirect(filed)
    context = {
        "filed": filed,
        "ranked": ranked,
        "form": form,
        "flag": orientation_selectors.flag(filed),
        "suggestions": filed.suggestions.select_related(
            "commons", "contact__user", "place", "skill__user"
        ),
        "follow_ups": filed.follow_ups.all(),
        "nobody_to_call": [r.commons for r in ranked if not r.contacts],
        "confirmation": confirmation,
    }
    return render(request, "commons/request_detail.html", context)


ANSWER_LISTS = ("commons", "contacts", "places", "people")


def _answer_data(request: HttpRequest) -> QueryDict:
    """The answer's POST; the confirmation step carries each list as "1,2,3" in one field."""
    data = request.POST.copy()
    if is_confirmed(request):
        for name in ANSWER_LISTS:
            data.setlist(name, [v for v in data.get(name, "").split(",") if v])
    return data


def _answer_confirmation(filed: OrientationRequest, form: AnswerForm) -> Confirmation:
    def chosen(name: str) -> str:
        labels = dict(form.fields[name].choices)  # type: ignore[attr-defined]
        return " ; ".join(str(labels[v]) for v in form.cleaned_data[name]) or "—"

    return Confirmation(
        title=_("Envoyer l'orientation"),
        confirm_label=_("Confirmer l'envoi"),
        cancel_url=filed.get_absolute_url(),
        facts=[
            (_("À"), f"{filed.display_name} <{filed.contact_email}>"),
            (_("Communs"), chosen("commons")),
            (_("Personnes à appeler"), chosen("contacts")),
            (_("Lieux"), chosen("places")),
            (_("Personnes de l'annuaire"), chosen("people")),
            (_("Message"), form.cleaned_data["message"]),
        ],
        consequences=[
            _("La personne reçoit votre message et le lien de ses pistes par e-mail."),
            _("Les bilans à 30 et 90 jours sont programmés."),
            _("L'orientation ne pourra plus être modifiée."),
        ],
        hidden={
            **{name: ",".join(str(v) for v in form.cleaned_data[name]) for name in ANSWER_LISTS},
            "message": form.cleaned_data["message"],
        },
    )


@login_required
def introduction(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = orientation_selectors.get_introduction_for_contact(user=request.user, pk=pk)
    if request.method == "POST":
        accept = request.POST.get("decision") == "accept"
        orientation.contact_decides(suggestion=suggestion, by=person(request), accept=accept)
        messages.success(
            request,
            _("Merci : vous êtes présenté·es par e-mail.") if accept else _("C'est noté."),
        )
        return redirect("commons:introduction", pk=pk)
    return render(request, "commons/introduction.html", {"suggestion": suggestion})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    networks = networks_guided_by(user=request.user)
    if not networks.exists():
        raise PermissionDenied
    board = orientation_selectors.dashboard(networks=networks)
    # The needs' ranking and its CSV cover the networks this board shows, not every network.
    needs_query = urlencode([("reseau", slug) for slug in networks.values_list("slug", flat=True)])
    return render(request, "commons/dashboard.html", {"board": board, "needs_query": needs_query})


@login_required
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    networks = networks_guided_by(user=request.user)
    if not networks.exists():
        raise PermissionDenied
    rows = (
        [
            r.pk,
            r.network.name,
            r.created_at.date().isoformat(),
            r.answered_at.date().isoformat() if r.answered_at else "",
            r.status,
            r.action,
            r.domain,
            r.maturity,
            r.commune.department_code if r.commune else "",
        ]
        for r in OrientationRequest.objects.filter(network__in=networks).select_related(
            "network", "commune"
        )
    )
    # No name, address, e-mail or need text: only what a funder's report may carry.
    return csv_response(
        rows,
        filename="aiguillage.csv",
        header=["id", "reseau", "deposee", "orientee", "statut", "action", "domaine", "maturite", "departement"],
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )  # fmt: skip
