"""Pages of registration: register (people and guests), confirm, cancel, my registrations; for
organisers the registrants, approvals, attendance and the CSV export; the digest opt-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from maillage.events import registration as services
from maillage.events import reminders
from maillage.events.models import Occurrence, Registration
from maillage.events.registration_forms import (
    AttendanceForm,
    DecisionForm,
    DigestForm,
    GuestForm,
    RegisterForm,
)
from maillage.events.selectors import can_organise, get_occurrence_for_viewer
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.lib.french import date_format, de
from maillage.lib.ratelimit import Throttled, limit_anonymous_action

Status = Registration.Status


def _back(request: HttpRequest, occurrence: Occurrence) -> HttpResponse:
    """Back to the page the form was on (the event or session page), else the session's page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = services.occurrence_path(occurrence)
    return redirect(target)


def _occurrence_for_organiser(request: HttpRequest, slug: str, key: str) -> Occurrence:
    occurrence = get_occurrence_for_viewer(user=request.user, slug=slug, key=key)
    if not can_organise(request.user, occurrence.event):
        raise PermissionDenied
    return occurrence


def _registered_message(registration: Registration) -> str:
    if registration.status == Status.CONFIRMED:
        return _("C'est noté : vous êtes inscrit·e.")
    if registration.status == Status.WAITLISTED:
        return _(
            "La séance est complète : vous êtes sur la liste d'attente, et inscrit·e "
            "automatiquement si une place se libère."
        )
    return _("Demande envoyée : l'organisation doit valider votre inscription.")


@require_POST
@login_required
def register(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = get_occurrence_for_viewer(user=request.user, slug=slug, key=key)
    form = RegisterForm(request.POST)
    form.is_valid()
    try:
        registration = services.register(
            occurrence=occurrence,
            user=request.user,
            share_contact=form.cleaned_data.get("share_contact", False),
        )
    except services.AlreadyRegistered as error:
        messages.info(request, error.message)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _registered_message(registration))
    return _back(request, occurrence)


@require_POST
def register_guest(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = get_occurrence_for_viewer(user=request.user, slug=slug, key=key)
    form = GuestForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            limit_anonymous_action(
                request, "guest_registration", email=data["email"], occurrence=occurrence.pk
            )
            services.register_guest(
                occurrence=occurrence,
                name=data["name"],
                email=data["email"],
                share_contact=data["share_contact"],
            )
        except (services.RegistrationError, Throttled) as error:
            show_refusal(form, error)
            status = error.status if isinstance(error, Throttled) else 400
        else:
            messages.success(
                request,
                _(
                    "Presque fini : cliquez sur le lien que nous venons d'envoyer à %(email)s "
                    "pour confirmer votre inscription (il est valable 24 heures)."
                )
                % {"email": data["email"]},
            )
            return _back(request, occurrence)
    return render(
        request,
        "events/registration_guest.html",
        {
            "form": form,
            "occurrence": occurrence,
            "event": occurrence.event,
            "session": services.session_label(occurrence),
            "key": key,
            "next": request.POST.get("next", ""),
        },
        status=status,
    )


def _by_token(token: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("occurrence", "occurrence__event"),
        token=token,
        user__isnull=True,
    )


def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links, they must not confirm); POST confirms."""
    registration = _by_token(token)
    error = None
    if request.method == "POST":
        try:
            registration = services.confirm_guest(registration=registration)
        except services.RegistrationError as refused:
            error = refused.message
        else:
            messages.success(request, _registered_message(registration))
            return redirect("events:registration-confirm", token=token)
    return render(
        request,
        "events/registration_confirm.html",
        {
            "registration": registration,
            "occurrence": registration.occurrence,
            "session": services.session_label(registration.occurrence),
            "error": error,
            "position": services.waitlist_position(registration),
        },
        status=409 if error else 200,
    )


def registration_cancel_guest(request: HttpRequest, token: str) -> HttpResponse:
    """A guest cancels through the link of their e-mails: GET asks, POST cancels."""
    registration = _by_token(token)
    error = None
    if request.method == "POST":
        try:
            registration = services.cancel_registration(registration=registration)
        except services.RegistrationError as refused:
            error = refused.message
        else:
            messages.success(
                request, _("Votre inscription est annulée. Merci de nous avoir prévenus.")
            )
            return redirect("events:registration-cancel-guest", token=token)
    return render(
        request,
        "events/registration_cancel.html",
        {
            "registration": registration,
            "session": services.session_label(registration.occurrence),
            "error": error,
        },
        status=409 if error else 200,
    )


@require_POST
@login_required
def unregister(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = get_occurrence_for_viewer(user=request.user, slug=slug, key=key)
    registration = services.registration_of(user=request.user, occurrence=occurrence)
    if registration is None or registration.status in (Status.CANCELLED, Status.REFUSED):
        messages.info(request, _("Vous n'êtes pas inscrit·e à cette séance."))
        return _back(request, occurrence)
    try:
        services.cancel_registration(registration=registration)
    except services.RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return _back(request, occurrence)


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = list(services.registrations_of(user=request.user))
    for row in rows:
        row.path = services.occurrence_path(row.occurrence)
    upcoming = [r for r in rows if r.occurrence.ends_at >= now and r.status != Status.CANCELLED]
    past = [r for r in rows if r.occurrence.ends_at < now and r.status != Status.CANCELLED]
    cancelled = [r for r in rows if r.status == Status.CANCELLED and r.occurrence.ends_at >= now]
    return render(
        request,
        "events/registration_mine.html",
        {"upcoming": upcoming, "past": past, "cancelled": cancelled},
    )


@login_required
def registrants(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = _occurrence_for_organiser(request, slug, key)
    rows = list(services.registrants(occurrence=occurrence))
    for row in rows:
        row.display_name = services.person_name(row)
    groups = [
        (status, label, [r for r in rows if r.status == status]) for status, label in Status.choices
    ]
    return render(
        request,
        "events/registration_registrants.html",
        {
            "occurrence": occurrence,
            "event": occurrence.event,
            "key": key,
            "session": services.session_label(occurrence),
            "groups": [g for g in groups if g[2]],
            "session_path": services.occurrence_path(occurrence),
            "capacity": services.capacity_of(occurrence),
            "seats_left": services.seats_left(occurrence),
        },
    )


def _decision_confirmation(
    request: HttpRequest, registration: Registration, *, approve: bool, slug: str, key: str
) -> HttpResponse:
    """An organiser's decision on a registration, before it is taken: who, which session."""
    occurrence = registration.occurrence
    name = services.person_name(registration)
    back = reverse("events:registrants", args=[slug, key])
    left = services.seats_left(occurrence)
    facts = [
        (_("Personne"), name),
        (_("Séance"), services.session_label(occurrence)),
        (_("Inscription le"), date_format(timezone.localtime(registration.created_at), "j F Y")),
        (
            _("Places restantes"),
            str(left) if left is not None else _("sans limite"),
        ),
    ]
    if approve:
        confirmation = Confirmation(
            title=_("Valider l'inscription %(de_name)s ?") % {"de_name": de(name)},
            facts=facts,
            consequences=[
                _(
                    "La personne obtient une place, ou la liste d'attente si la séance est "
                    "complète, et en est prévenue."
                ),
                _("La décision ne pourra plus être changée ici."),
            ],
            confirm_label=_("Confirmer : valider l'inscription"),
            cancel_url=back,
            hidden={"decision": "approve"},
        )
    else:
        confirmation = Confirmation(
            title=_("Refuser l'inscription %(de_name)s ?") % {"de_name": de(name)},
            facts=facts,
            consequences=[
                _("La personne est prévenue du refus."),
                _(
                    "Une inscription refusée ne peut pas être rétablie : il faudrait s'inscrire à nouveau."
                ),
            ],
            confirm_label=_("Confirmer : refuser l'inscription"),
            cancel_url=back,
            hidden={"decision": "refuse"},
            danger=True,
        )
    confirmation.back_url, confirmation.back_label = back, _("Inscrit·es")
    return render_confirmation(request, confirmation)


@require_http_methods(["GET", "POST"])
@login_required
def registration_decide(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    occurrence = _occurrence_for_organiser(request, slug, key)
    registration = get_object_or_404(Registration, pk=pk, occurrence=occurrence)
    registration.occurrence = occurrence
    asked = DecisionForm(request.POST if request.method == "POST" else request.GET)
    if asked.is_valid() and registration.status == Status.PENDING and not is_confirmed(request):
        return _decision_confirmation(
            request,
            registration,
            approve=asked.cleaned_data["decision"] == "approve",
            slug=slug,
            key=key,
        )
    if request.method != "POST":
        return redirect("events:registrants", slug=slug, key=key)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez de valider ou de refuser l'inscription."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decided = services.decide_registration(
                registration=registration, by=request.user, approve=approve
            )
        except services.RegistrationError as error:
            messages.error(request, error.message)
        else:
            name = services.person_name(decided)
            if decided.status == Status.REFUSED:
                messages.success(
                    request, _("Inscription %(de_name)s refusée.") % {"de_name": de(name)}
                )
            elif decided.status == Status.WAITLISTED:
                messages.success(
                    request,
                    _("Inscription %(de_name)s validée ; la séance est complète : liste d'attente.")
                    % {"de_name": de(name)},
                )
            else:
                messages.success(
                    request, _("Inscription %(de_name)s validée.") % {"de_name": de(name)}
                )
    return redirect("events:registrants", slug=slug, key=key)


@login_required
def attendance(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = _occurrence_for_organiser(request, slug, key)
    confirmed = [
        r for r in services.registrants(occurrence=occurrence) if r.status == Status.CONFIRMED
    ]
    labels = {r.pk: services.person_name(r) for r in confirmed}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        registrations=confirmed,
        labels=labels,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.record_attendance(
                occurrence=occurrence, by=request.user, present_ids=form.present_ids()
            )
        except services.RegistrationError as error:
            show_refusal(form, error)
            status = 409
        else:
            messages.success(
                request,
                _("Présences notées : %(present)s, %(absent)s.")
                % {
                    "present": ngettext("%(n)s présent·e", "%(n)s présent·es", result.present)
                    % {"n": result.present},
                    "absent": ngettext("%(n)s absent·e", "%(n)s absent·es", result.absent)
                    % {"n": result.absent},
                },
            )
            return redirect("events:attendance", slug=slug, key=key)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "events/registration_attendance.html",
        {
            "occurrence": occurrence,
            "event": occurrence.event,
            "key": key,
            "session": services.session_label(occurrence),
            "form": form,
            "has_registrants": bool(confirmed),
            "too_early": timezone.localdate() < timezone.localtime(occurrence.starts_at).date(),
        },
        status=status,
    )


@login_required
def registrants_csv(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = _occurrence_for_organiser(request, slug, key)
    return csv_response(
        list(services.export_rows(occurrence=occurrence)),
        header=services.export_header(),
        filename=f"inscrits-{slug}-{key}.csv",
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )


@login_required
def digest(request: HttpRequest) -> HttpResponse:
    networks = reminders.digest_networks(user=request.user)
    form = DigestForm(
        # Every box unticked posts nothing: still a bound form, meaning "no digest".
        request.POST if request.method == "POST" else None,
        networks=networks,
        initial={"networks": list(reminders.subscribed_network_ids(user=request.user))},
    )
    if request.method == "POST" and form.is_valid():
        chosen = reminders.set_digest_subscriptions(
            user=request.user, networks=form.cleaned_data["networks"]
        )
        if chosen:
            messages.success(
                request, _("C'est noté : vous recevrez le récapitulatif chaque semaine.")
            )
        else:
            messages.success(request, _("C'est noté : vous ne recevrez plus de récapitulatif."))
        return redirect("events:digest")
    return render(request, "events/digest_subscriptions.html", {"form": form})
