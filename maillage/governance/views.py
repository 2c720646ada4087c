"""Pages of debates and collective proposals, governance meetings, consultations and the
network's economy: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.requests import person
from maillage.governance import charter, debates, economy, selectors
from maillage.governance.forms import (
    CommentForm,
    ConclusionForm,
    DecisionForm,
    MinutesForm,
    ProposalForm,
    ReasonForm,
    SpaceForm,
    StepForm,
)
from maillage.governance.models import Comment, Consultation, GovernanceMeeting, Proposal
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.networks.selectors import is_coordinator, networks_coordinated_by


def index(request: HttpRequest) -> HttpResponse:
    spaces = list(selectors.spaces_for(user=request.user))
    adopted = Proposal.objects.filter(status=Proposal.Status.ADOPTED).select_related(
        "space__network"
    )[:10]
    context = {
        "spaces": spaces,
        "adopted": adopted,
        "treasured": selectors.networks_treasured_by(user=request.user),
        "coordinated": networks_coordinated_by(user=request.user).order_by("name")
        if request.user.is_authenticated
        else [],
        "member_networks": [
            n
            for n in {s.network for s in spaces}
            if selectors.is_member(user=request.user, network=n)
        ],
    }
    return render(request, "governance/index.html", context)


@login_required
def space_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A space for the whole network (coordinators) or for one of its circles (?cercle=)."""
    network = selectors.get_network_for_member(user=request.user, slug=slug)
    circles = selectors.circles_for_spaces(user=request.user, network=network)
    if not circles and not is_coordinator(user=request.user, network=network):
        raise PermissionDenied
    wanted = request.GET.get("cercle", "")
    form = SpaceForm(
        request.POST or None,
        circles=circles,
        initial={"threshold_kind": "places", "threshold_value": 10, "circle": wanted},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("circle")
        circle = next((c for c in circles if c.slug == chosen), None)
        try:
            space = debates.create_space(by=person(request), network=network, circle=circle, **data)
        except debates.DebateError as refusal:
            show_refusal(form, refusal)
        else:
            return redirect("governance:space-detail", slug=space.slug)
    return render(request, "governance/space_form.html", {"network": network, "form": form})


def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.get_space(slug=slug)
    proposals = space.proposals.select_related("author", "place").order_by("-created_at")
    context = {
        "space": space,
        "proposals": proposals,
        "required": debates.required_places(space),
        "may_take_part": selectors.can_take_part(user=request.user, space=space),
        "consultations": space.consultations.order_by("-closes_at"),
        "now": timezone.now(),
    }
    return render(request, "governance/space_detail.html", context)


@login_required
def proposal_create(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.get_space(slug=slug)
    if not selectors.can_take_part(user=request.user, space=space):
        raise PermissionDenied
    places = selectors.places_that_may_support(user=request.user, proposal=Proposal(space=space))
    form = ProposalForm(
        request.POST or None,
        places=places,
        initial={
            "charter_text": space.network.charter,
            "kind": Proposal.Kind.CHARTER if request.GET.get("nature") == "charter" else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = next((p for p in places if str(p.pk) == data["place"]), None)
        try:
            proposal = debates.open_proposal(
                by=person(request),
                space=space,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                place=place,
                charter_text=data["charter_text"],
            )
        except debates.DebateError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Votre proposition est ouverte aux soutiens."))
            return redirect("governance:proposal-detail", slug=proposal.slug)
    return render(request, "governance/proposal_form.html", {"space": space, "form": form})


def _thread(proposal: Proposal) -> list[tuple[Comment, int]]:
    comments = list(proposal.comments.select_related("author").order_by("created_at", "pk"))
    children: dict[int | None, list[Comment]] = {}
    for c in comments:
        children.setdefault(c.parent_id, []).append(c)
    ordered: list[tuple[Comment, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            ordered.append((c, min(depth, 4)))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return ordered


def proposal_detail(request: HttpRequest, slug: str) -> HttpResponse:
    proposal = selectors.get_proposal(slug=slug)
    space = proposal.space
    user = request.user
    supports = list(proposal.supports.select_related("by", "place"))
    place_supports = [s for s in supports if s.place_id]
    supported_places = {s.place_id for s in place_supports}
    may_take_part = selectors.can_take_part(user=user, space=space)
    context = {
        "proposal": proposal,
        "space": space,
        "thread": _thread(proposal),
        "people_supports": [s for s in supports if not s.place_id],
        "place_supports": place_supports,
        "required": debates.required_places(space),
        "may_take_part": may_take_part,
        "may_moderate": selectors.can_moderate(user=user, space=space),
        "i_support": user.is_authenticated
        and any(s.by_id == user.pk and not s.place_id for s in supports),
        "my_places": [
            p
            for p in selectors.places_that_may_support(user=user, proposal=proposal)
            if p.pk not in supported_places
        ]
        if may_take_part
        else [],
        "comment_form": CommentForm(),
        "decision": getattr(proposal, "decision", None) if hasattr(proposal, "decision") else None,
        "agenda_item": getattr(proposal, "agenda_item", None)
        if hasattr(proposal, "agenda_item")
        else None,
        "steps": proposal.steps.all(),
        "charter_diff": _charter_change(proposal),
        "step_form": StepForm(initial={"day": timezone.localdate()}),
        "conclusion_form": ConclusionForm(),
        "is_coordinator": is_coordinator(user=user, network=space.network),
        "moderation": [e for c, _d in _thread(proposal) for e in c.moderation.all()]
        if selectors.can_moderate(user=user, space=space)
        else [],
    }
    return render(request, "governance/proposal_detail.html", context)


def _charter_change(proposal: Proposal) -> list[charter.DiffLine]:
    """What a charter change changes: against the text in force while it is open, against the
    text it replaced once adopted."""
    if proposal.kind != Proposal.Kind.CHARTER or not proposal.charter_text:
        return []
    version = (
        getattr(proposal, "charter_version", None) if hasattr(proposal, "charter_version") else None
    )
    before = proposal.space.network.charter
    if version is not None:
        previous = charter.previous_text(version)
        before = previous if previous is not None else ""
    return charter.charter_diff(before, proposal.charter_text)


@login_required
def proposal_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """POST-only actions on a proposal: support, comment, close, step."""
    if request.method != "POST":
        return redirect("governance:proposal-detail", slug=slug)
    proposal = selectors.get_proposal(slug=slug)
    by = person(request)
    try:
        if action == "soutenir":
            place = None
            if request.POST.get("place"):
                place = next(
                    (
                        p
                        for p in selectors.places_that_may_support(user=by, proposal=proposal)
                        if str(p.pk) == request.POST["place"]
                    ),
                    None,
                )
                if place is None:
                    raise debates.NotAllowed(
                        _("Vous ne gérez pas ce lieu, ou il n'est pas adhérent du réseau.")
                    )
            debates.support(by=by, proposal=proposal, place=place)
            messages.success(request, _("Soutien enregistré."))
        elif action == "commenter":
            form = CommentForm(request.POST)
            if not form.is_valid():
                raise debates.DebateError(_("Écrivez votre commentaire."), field="body")
            parent = None
            if form.cleaned_data.get("parent"):
                parent = get_object_or_404(
                    Comment, pk=form.cleaned_data["parent"], proposal=proposal
                )
            debates.comment(
                by=by,
                proposal=proposal,
                body=form.cleaned_data["body"],
                parent=parent,
                amendment=form.cleaned_data["amendment"],
            )
            messages.success(request, _("Commentaire publié."))
        elif action == "clore":
            if not is_confirmed(request):
                return render_confirmation(
                    request,
                    Confirmation(
                        title=_("Clore « %(t)s »") % {"t": proposal.title},
                        confirm_label=_("Clore le débat"),
                        cancel_url=proposal_url(proposal),
                        facts=[(_("Conclusion"), request.POST.get("conclusion", ""))],
                        consequences=[
                            _("Plus de commentaires ni de soutiens ; les soutiens donnés restent.")
                        ],
                        hidden={"conclusion": request.POST.get("conclusion", "")},
                    ),
                )
            debates.close_debate(
                by=by, proposal=proposal, conclusion=request.POST.get("conclusion", "")
            )
            messages.success(request, _("Débat clos, avec sa conclusion."))
        elif action == "demarche":
            step_form = StepForm(request.POST)
            if not step_form.is_valid():
                raise debates.DebateError(_("Indiquez la date et la démarche."), field="text")
            debates.add_step(by=by, proposal=proposal, **step_form.cleaned_data)
            messages.success(request, _("Démarche ajoutée au journal."))
        else:
            raise PermissionDenied
    except debates.DebateError as refusal:
        messages.error(request, str(refusal.message))
    return redirect("governance:proposal-detail", slug=proposal.slug)


def proposal_url(proposal: Proposal) -> str:
    from django.urls import reverse

    return reverse("governance:proposal-detail", args=[proposal.slug])


@login_required
def comment_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("proposal__space__network"), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if action == "signaler":
                debates.report_comment(
                    by=person(request), comment=comment, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Merci : la coordination va regarder."))
            elif action == "masquer":
                debates.hide_comment(
                    by=person(request), comment=comment, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Commentaire masqué ; le motif est affiché."))
            else:
                raise PermissionDenied
        except debates.DebateError as refusal:
            show_refusal(form, refusal, near="reason")
        else:
            return redirect("governance:proposal-detail", slug=comment.proposal.slug)
    if action == "masquer" and not selectors.can_moderate(
        user=request.user, space=comment.proposal.space
    ):
        raise PermissionDenied
    if action == "signaler" and not selectors.can_take_part(
        user=request.user, space=comment.proposal.space
    ):
        raise PermissionDenied
    return render(
        request,
        "governance/moderate_form.html",
        {"comment": comment, "form": form, "action": action},
    )


def position_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    proposal = selectors.get_proposal(slug=slug)
    if proposal.status != Proposal.Status.ADOPTED:
        raise PermissionDenied
    html = render_to_string(
        "governance/position_pdf.html",
        {
            "proposal": proposal,
            "decision": proposal.decision,
            "place_supports": proposal.supports.exclude(place=None).select_related("place"),
            "steps": proposal.steps.all(),
            "printed_on": timezone.localdate(),
        },
        request=request,
    )
    from weasyprint import HTML  # imported on demand: it loads Pango

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="position-{proposal.slug}.pdf"'
    return response


@login_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_member(user=request.user, slug=slug)
    if not is_coordinator(user=request.user, network=network):
        raise PermissionDenied
    from maillage.governance.forms import MeetingForm

    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = debates.schedule_meeting(by=person(request), network=network, **form.cleaned_data)
        return redirect("governance:meeting-detail", pk=meeting.pk)
    voters, needed = debates.quorum_needed(network=network)
    context = {
        "network": network,
        "meetings": selectors.meetings_of(network=network).prefetch_related("items__proposal"),
        "form": form,
        "voters": voters,
        "needed": needed,
    }
    return render(request, "governance/meeting_list.html", context)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda, one decision form per item (prefixed by the proposal: several forms on one
    page must not share field ids), and the minutes."""
    meeting = selectors.get_meeting_for_coordinator(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    posted_item = request.POST.get("item", "") if action == "decide" else ""
    minutes_form = MinutesForm(request.POST if action == "close" else None)
    agenda = list(meeting.items.select_related("proposal__decision"))
    forms = {
        item.proposal_id: DecisionForm(
            request.POST if str(item.proposal_id) == posted_item else None,
            prefix=f"p{item.proposal_id}",
        )
        for item in agenda
    }
    try:
        if action == "decide" and posted_item.isdigit() and int(posted_item) in forms:
            decision_form = forms[int(posted_item)]
            if decision_form.is_valid():
                data = decision_form.cleaned_data
                try:
                    debates.decide(
                        by=person(request),
                        meeting=meeting,
                        proposal=next(
                            i.proposal for i in agenda if str(i.proposal_id) == posted_item
                        ),
                        data=debates.DecisionInput(
                            method=data["method"],
                            outcome=data["outcome"],
                            present_places=data["present_places"],
                            reasons=data["reasons"],
                            votes_for=data["votes_for"] or 0,
                            votes_against=data["votes_against"] or 0,
                            votes_abstain=data["votes_abstain"] or 0,
                            answer=data["answer"],
                        ),
                    )
                except debates.DebateError as refusal:
                    show_refusal(decision_form, refusal)
                else:
                    messages.success(request, _("Décision enregistrée ; la réponse est publiée."))
                    return redirect(request.path)
        if action == "close" and minutes_form.is_valid():
            debates.close_meeting(
                by=person(request), meeting=meeting, minutes=minutes_form.cleaned_data["minutes"]
            )
            messages.success(request, _("Réunion close avec son compte rendu."))
            return redirect(request.path)
    except debates.DebateError as refusal:
        show_refusal(minutes_form, refusal)
    voters, needed = debates.quorum_needed(network=meeting.network)
    items = [
        {
            "proposal": item.proposal,
            "places": item.proposal.supports.exclude(place=None).count(),
            "decision": getattr(item.proposal, "decision", None)
            if hasattr(item.proposal, "decision")
            else None,
            "form": forms[item.proposal_id],
        }
        for item in agenda
    ]
    context = {
        "meeting": meeting,
        "items": items,
        "minutes_form": minutes_form,
        "voters": voters,
        "needed": needed,
        "open": meeting.status == GovernanceMeeting.Status.SCHEDULED,
    }
    return render(request, "governance/meeting_detail.html", context)


def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(Consultation.objects.select_related("space__network"), pk=pk)
    may_answer = (
        selectors.can_take_part(user=request.user, space=consultation.space)
        and consultation.closes_at > timezone.now()
    )
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        choices = {}
        for question in consultation.questions.all():
            value = request.POST.get(f"q{question.pk}", "")
            if value.isdigit():
                choices[question.pk] = int(value)
        try:
            debates.answer_consultation(
                by=person(request), consultation=consultation, choices=choices
            )
        except debates.DebateError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Merci, vos réponses sont enregistrées."))
        return redirect("governance:consultation-detail", pk=pk)
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            consultation.questions.filter(answers__person=request.user).values_list(
                "pk", "answers__choice"
            )
        )
    context = {
        "consultation": consultation,
        "results": debates.results(consultation=consultation),
        "may_answer": may_answer,
        "mine": mine,
        "closed": consultation.closes_at <= timezone.now(),
    }
    return render(request, "governance/consultation_detail.html", context)


@login_required
def economy_page(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_member(user=request.user, slug=slug)
    rows = economy.years(network=network)
    context = {"network": network, "years": rows, "labels": economy.SOURCE_LABELS}
    return render(request, "governance/economy.html", context)
