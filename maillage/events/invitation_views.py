"""Pages of invitations: organisers invite addresses to an event "sur invitation", see the
answers and revoke; the invitee's secret link shows the event and registers or declines."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.events import invitations as services
from maillage.events import registration as registrations
from maillage.events.invitation_forms import AcceptForm, InviteForm
from maillage.events.models import Invitation
from maillage.events.registration_views import _registered_message
from maillage.events.selectors import get_event_for_organiser, upcoming_occurrences, with_labels
from maillage.lib.forms import show_refusal
from maillage.lib.french import de

Status = Invitation.Status


def _invited_message(result: services.InviteResult) -> str:
    parts = []
    if result.invited:
        parts.append(
            ngettext(
                "%(count)s invitation envoyée.",
                "%(count)s invitations envoyées.",
                len(result.invited),
            )
            % {"count": len(result.invited)}
        )
    if result.already:
        parts.append(
            ngettext(
                "Déjà invitée : %(emails)s.", "Déjà invitées : %(emails)s.", len(result.already)
            )
            % {"emails": ", ".join(result.already)}
        )
    return " ".join(parts)


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """The event's invitations (organisers): the form to invite, the answers, revoke."""
    event = get_event_for_organiser(user=request.user, slug=slug)
    form = InviteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.invite(
                    event=event, by=request.user, addresses=form.cleaned_data["emails"]
                )
            except services.InvitationError as error:
                show_refusal(form, error)
            else:
                if result.invited:
                    messages.success(request, _invited_message(result))
                else:
                    messages.info(request, _invited_message(result))
                return redirect("events:invitations", slug=event.slug)
        status = 400
    rows = list(services.invitations_for(event=event))
    return render(
        request,
        "events/invitations.html",
        {
            "event": event,
            "form": form,
            "invitations": rows,
            "counts": {
                label: sum(1 for row in rows if row.status == value)
                for value, label in Status.choices
            },
        },
        status=status,
    )


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_event_for_organiser(user=request.user, slug=slug)
    invitation = get_object_or_404(Invitation, pk=pk, event=event)
    invitation.event = event
    cancelled = services.revoke(invitation=invitation, by=request.user)
    text = _("Invitation %(de_email)s retirée.") % {"de_email": de(invitation.email)}
    if cancelled:
        text += " " + ngettext(
            "Son inscription est annulée.", "Ses %(count)s inscriptions sont annulées.", cancelled
        ) % {"count": cancelled}
    messages.success(request, text)
    return redirect("events:invitations", slug=event.slug)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page (the link of the e-mail): the event, its sessions, register, decline.
    GET changes nothing (mail scanners follow links)."""
    invitation = services.get_invitation(token=token)
    return _invitation_page(request, invitation, AcceptForm())


def _invitation_page(request, invitation: Invitation, form: AcceptForm, status: int = 200):
    event = invitation.event
    sessions = with_labels(upcoming_occurrences(event=event))
    is_invitee = services.is_invitee(user=request.user, invitation=invitation)
    for session in sessions:
        session.event = event
        session.registration = services.registration_for(
            user=request.user, invitation=invitation, occurrence=session
        )
        session.is_open = registrations.is_open_for_registration(session)
        session.seats_left = registrations.seats_left(session)
        session.is_active = (
            session.registration is not None and session.registration.status in registrations.ACTIVE
        )
    return render(
        request,
        "events/invitation.html",
        {
            "invitation": invitation,
            "event": event,
            "sessions": sessions,
            "form": form,
            "is_invitee": is_invitee,
            "as_guest": not is_invitee,
            # Registered: they cancel a session rather than decline the whole invitation.
            "is_registered": any(s.is_active for s in sessions),
            "show_online_link": bool(event.online_url)
            and any(
                s.registration is not None
                and s.registration.status == registrations.Status.CONFIRMED
                for s in sessions
            ),
        },
        status=status,
    )


@require_POST
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.get_invitation(token=token)
    form = AcceptForm(request.POST)
    if form.is_valid():
        occurrence = invitation.event.occurrences.filter(pk=form.cleaned_data["occurrence"]).first()
        if occurrence is None:
            form.add_error(None, _("Cette séance n'existe pas."))
        else:
            occurrence.event = invitation.event
            try:
                registration = services.accept(
                    invitation=invitation,
                    occurrence=occurrence,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    share_contact=form.cleaned_data["share_contact"],
                )
            except registrations.AlreadyRegistered as error:
                messages.info(request, error.message)
                return redirect("events:invitation", token=token)
            except registrations.RegistrationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _registered_message(registration))
                return redirect("events:invitation", token=token)
    return _invitation_page(request, invitation, form, status=400)


@require_POST
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.get_invitation(token=token)
    services.decline(invitation=invitation, user=request.user)
    messages.success(
        request,
        _("C'est noté : vous déclinez l'invitation. Vous pouvez encore changer d'avis ici."),
    )
    return redirect("events:invitation", token=token)
