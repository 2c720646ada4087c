"""Pages of regulation meetings: list and scheduling, agenda, attendance, decisions, minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from maillage.circles import budget
from maillage.circles import meeting_services as services
from maillage.circles.meeting_forms import (
    AttendanceForm,
    DecisionForm,
    MeetingForm,
)
from maillage.circles.models import AgendaItem, Decision, Envelope, Meeting, Proposal, RoleRequest
from maillage.circles.selectors import (
    can_run_meetings,
    can_see_decision_names,
    get_circle_for_member,
    get_decision_for_viewer,
    get_meeting_for_member,
    get_meeting_for_runner,
)
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.lib.french import date_format


@login_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    circle = get_circle_for_member(user=request.user, slug=slug)
    can_run = can_run_meetings(user=request.user, circle=circle)
    form = MeetingForm(request.POST or None) if can_run else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            meeting = services.schedule_meeting(circle=circle, by=request.user, **form.cleaned_data)
        except services.MeetingError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("La réunion est programmée : composez son ordre du jour."))
            return redirect("circles:meeting-detail", circle.slug, meeting.pk)
    meetings = circle.meetings.order_by("-starts_at", "pk")
    return render(
        request,
        "circles/meeting_list.html",
        {"circle": circle, "meetings": meetings, "form": form, "can_run": can_run},
    )


def _detail_context(request: HttpRequest, meeting: Meeting) -> dict:
    can_run = can_run_meetings(user=request.user, circle=meeting.circle)
    members = list(services.meeting_members(meeting=meeting))
    present_ids = set(services.present_members(meeting=meeting).values_list("pk", flat=True))
    context = {
        "circle": meeting.circle,
        "meeting": meeting,
        "agenda": services.agenda_of(meeting=meeting),
        "quorum": services.quorum_of(meeting=meeting),
        "members": members,
        "present_ids": present_ids,
        "can_run": can_run,
        "is_pending": meeting.status in services.PENDING_MEETINGS,
    }
    if can_run and meeting.status in services.PENDING_MEETINGS:
        context["attendance_form"] = AttendanceForm(
            members=members, initial={"present": list(present_ids)}
        )
        context["proposal_candidates"] = services.proposal_candidates(meeting=meeting)
        context["role_request_candidates"] = services.role_request_candidates(meeting=meeting)
        context["revision_candidates"] = services.revision_candidates(meeting=meeting)
    return context


@login_required
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(user=request.user, slug=slug, pk=pk)
    return render(request, "circles/meeting_detail.html", _detail_context(request, meeting))


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The whole attendance list at once: the form's own submit button, without JavaScript (with
    it, each box posts itself to `meeting_presence`)."""
    meeting = get_meeting_for_runner(user=request.user, slug=slug, pk=pk)
    members = list(services.meeting_members(meeting=meeting))
    form = AttendanceForm(request.POST, members=members)
    error = None
    if form.is_valid():
        try:
            services.set_attendance(
                meeting=meeting, by=request.user, present=form.cleaned_data["present"]
            )
        except services.MeetingError as exc:
            error = exc.message
    else:
        error = _("Cochez des personnes de la liste des membres.")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Les présences sont enregistrées."))
    return redirect("circles:meeting-detail", meeting.circle.slug, meeting.pk)


@login_required
@require_POST
def meeting_presence(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One checkbox of the attendance list, posted on its own: answers only the quorum line.

    The boxes are never re-rendered, so ticking several quickly cannot reset one another, and
    `hx-sync` on the list sends the changes one after the other.
    """
    meeting = get_meeting_for_runner(user=request.user, slug=slug, pk=pk)
    raw = request.POST.get("member", "")
    member = (
        services.meeting_members(meeting=meeting).filter(pk=raw).first() if raw.isdigit() else None
    )
    error = None
    if member is None:
        error = _("Cochez des personnes de la liste des membres.")
    else:
        try:
            services.set_presence(
                meeting=meeting,
                by=request.user,
                user=member,
                present=raw in request.POST.getlist("present"),
            )
        except services.MeetingError as exc:
            error = exc.message
    if request.htmx:
        response = render(
            request,
            "circles/meeting_detail.html#quorum_status",
            {"quorum": services.quorum_of(meeting=meeting), "attendance_error": error},
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Les présences sont enregistrées."))
    return redirect("circles:meeting-detail", meeting.circle.slug, meeting.pk)


@login_required
@require_POST
def meeting_agenda_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_meeting_for_runner(user=request.user, slug=slug, pk=pk)
    kind, _sep, raw_id = request.POST.get("subject", "").partition(":")
    subject: dict = {}
    if raw_id.isdigit():
        if kind == "proposal":
            subject["proposal"] = Proposal.objects.filter(pk=raw_id).first()
        elif kind == "role":
            subject["role_request"] = RoleRequest.objects.filter(pk=raw_id).first()
        elif kind == "revision":
            subject["revises"] = Decision.objects.filter(pk=raw_id).first()
    try:
        if not subject or None in subject.values():
            raise services.NotOnAgenda(_("Choisissez un point à inscrire."))
        services.add_agenda_item(meeting=meeting, by=request.user, **subject)
    except services.MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le point est inscrit à l'ordre du jour."))
    return redirect("circles:meeting-detail", meeting.circle.slug, meeting.pk)


@login_required
@require_POST
def meeting_agenda_remove(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    meeting = get_meeting_for_runner(user=request.user, slug=slug, pk=pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    item.meeting = meeting
    try:
        services.remove_agenda_item(item=item, by=request.user)
    except services.MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le point est retiré de l'ordre du jour."))
    return redirect("circles:meeting-detail", meeting.circle.slug, meeting.pk)


def _step(request: HttpRequest, slug: str, pk: int, action, done: str) -> HttpResponse:
    meeting = get_meeting_for_runner(user=request.user, slug=slug, pk=pk)
    try:
        action(meeting=meeting, by=request.user)
    except services.MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("circles:meeting-detail", meeting.circle.slug, meeting.pk)


@login_required
@require_POST
def meeting_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _step(
        request,
        slug,
        pk,
        services.publish_agenda,
        _("L'ordre du jour est publié : les membres du cercle sont prévenu·es."),
    )


@login_required
@require_POST
def meeting_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _step(
        request, slug, pk, services.open_meeting, _("La réunion est ouverte : à vous de décider.")
    )


def _close_confirmation(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    detail = reverse("circles:meeting-detail", args=[meeting.circle.slug, meeting.pk])
    decided = Decision.objects.filter(meeting=meeting).count()
    undecided = (
        meeting.agenda.exclude(pk__in=Decision.objects.filter(meeting=meeting).values("item_id"))
        .filter(revises__isnull=True)
        .count()
    )
    consequences = [
        _("Plus aucune décision ne pourra être prise dans cette réunion."),
        _("Le compte rendu est arrêté tel qu'il est."),
    ]
    if undecided:
        consequences.append(
            ngettext(
                "%(n)d point sans décision retourne en attente d'une prochaine réunion.",
                "%(n)d points sans décision retournent en attente d'une prochaine réunion.",
                undecided,
            )
            % {"n": undecided}
        )
    return render_confirmation(
        request,
        Confirmation(
            title=_("Clore « %(title)s » ?") % {"title": meeting.title},
            facts=[
                (_("Réunion"), meeting.title),
                (_("Date"), date_format(timezone.localtime(meeting.starts_at), "l j F Y, H:i")),
                (_("Décisions prises"), str(decided)),
                (_("Points sans décision"), str(undecided)),
            ],
            consequences=consequences,
            confirm_label=_("Confirmer : clore la réunion"),
            cancel_url=detail,
            danger=True,
            back_url=detail,
            back_label=meeting.title,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not is_confirmed(request):
        meeting = get_meeting_for_runner(user=request.user, slug=slug, pk=pk)
        if meeting.status != Meeting.Status.OPEN:
            messages.error(request, _("Seule une réunion en cours peut être close."))
            return redirect("circles:meeting-detail", meeting.circle.slug, meeting.pk)
        return _close_confirmation(request, meeting)
    return _step(
        request,
        slug,
        pk,
        services.close_meeting,
        _("La réunion est close ; son compte rendu est prêt."),
    )


@login_required
def meeting_decide(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    meeting = get_meeting_for_runner(user=request.user, slug=slug, pk=pk)
    item = get_object_or_404(
        AgendaItem.objects.select_related(
            "proposal__action", "proposal__payee_user", "role_request__user", "revises__meeting"
        ),
        meeting=meeting,
        pk=item_pk,
    )
    item.meeting = meeting
    envelopes = (
        budget.envelopes_for_proposal(proposal=item.proposal).order_by("year", "funder", "pk")
        if item.proposal
        else None
    )
    present = list(services.present_members(meeting=meeting))
    initial = {"method": Decision.Method.CONSENT}
    if item.proposal:
        initial["amount_granted_cents"] = item.proposal.amount_cents
    form = DecisionForm(request.POST or None, present=present, envelopes=envelopes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.record_decision(
                item=item,
                by=request.user,
                method=data["method"],
                votes=form.votes(),
                objections=form.objections(),
                amount_granted_cents=data.get("amount_granted_cents") or 0,
                envelope=data.get("envelope"),
                rationale=data["rationale"],
            )
        except services.MeetingError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Décision enregistrée : %(outcome)s.")
                % {"outcome": decision.get_outcome_display().lower()},
            )
            return redirect("circles:meeting-detail", meeting.circle.slug, meeting.pk)
    return render(
        request,
        "circles/decision_form.html",
        {
            "circle": meeting.circle,
            "meeting": meeting,
            "item": item,
            "form": form,
            "quorum": services.quorum_of(meeting=meeting),
            "envelopes_info": _envelopes_info(envelopes),
            "circle_remaining": budget.remaining(circle=meeting.circle),
        },
    )


def _envelopes_info(envelopes) -> list[tuple[Envelope, int]]:
    if envelopes is None:
        return []
    return [(e, budget.envelope_remaining(envelope=e)) for e in envelopes]


def _minutes_context(request: HttpRequest, meeting: Meeting) -> dict:
    return {
        "circle": meeting.circle,
        "meeting": meeting,
        "agenda": services.agenda_of(meeting=meeting),
        "quorum": services.quorum_of(meeting=meeting),
        "present": list(services.present_members(meeting=meeting)),
    }


@login_required
def meeting_minutes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(user=request.user, slug=slug, pk=pk)
    return render(request, "circles/minutes.html", _minutes_context(request, meeting))


@login_required
def meeting_minutes_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(user=request.user, slug=slug, pk=pk)
    from weasyprint import HTML  # imported on demand: it loads Pango

    html = render_to_string(
        "circles/minutes_pdf.html", _minutes_context(request, meeting), request=request
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"compte-rendu-{meeting.circle.slug}-{meeting.starts_at:%Y-%m-%d}-{meeting.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def decision_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    try:
        decision = get_decision_for_viewer(user=request.user, slug=slug, pk=pk)
    except PermissionDenied:
        # A members-only transparency page: anonymous visitors are asked to log in first.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    circle = decision.meeting.circle
    insider = can_see_decision_names(user=request.user, circle=circle)
    return render(
        request,
        "circles/decision_detail.html",
        {"circle": circle, "decision": decision, "show_names": insider},
    )
