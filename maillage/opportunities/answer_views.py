"""Pages of an answer's workspace: private to its partners and the network's coordinators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.requests import person
from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.selectors import search as directory_search
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.lib.money import format_cents
from maillage.lib.uploads import too_large
from maillage.opportunities import selectors, services
from maillage.opportunities.forms import (
    DeadlineForm,
    EnvelopeForm,
    InviteForm,
    LetterForm,
    LinkForm,
    OpenAnswerForm,
    PersonInviteForm,
    PieceForm,
    StatusForm,
    WorkPackageForm,
)
from maillage.opportunities.models import Answer, Partner, Piece
from maillage.places.models import Place

LETTER_MAX_BYTES = 5 * 1024 * 1024


@login_required
def answers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opportunities/answers.html",
        {
            "answers": selectors.answers_visible_to(user=request.user),
            "invitations": selectors.invitations_for(user=request.user),
        },
    )


@login_required
def answer_open(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.get_call(user=request.user, slug=slug)
    places = selectors.managed_places(user=request.user)
    if not places.exists():
        raise PermissionDenied(_("Une réponse s'ouvre au nom d'un lieu que vous gérez."))
    form = OpenAnswerForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.open_answer(call=call, by=person(request), **form.cleaned_data)
        except services.OpportunityError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request, _("L'espace de réponse est ouvert : invitez vos partenaires.")
            )
            return redirect(answer)
    return render(request, "opportunities/answer_open.html", {"form": form, "call": call})


def _workspace(request: HttpRequest, answer: Answer, **extra: object) -> HttpResponse:
    user = request.user
    partners = list(answer.partners.select_related("place", "user"))
    posted = extra.get("posted") or {}
    for p in partners:
        euros, cents = divmod(p.budget_cents, 100)
        typed = posted.get(f"share-{p.pk}") if hasattr(posted, "get") else None
        shown = (f"{euros},{cents:02d}" if cents else str(euros)) if p.budget_cents else ""
        p.share_text = typed if typed is not None else shown  # type: ignore[attr-defined]
    active = [p for p in partners if p.status != Partner.Status.DECLINED]
    partner_qs = answer.partners.exclude(status=Partner.Status.DECLINED)
    total = sum(p.budget_cents for p in active)
    ceiling = answer.call.amount_max_cents
    may_lead = selectors.may_lead(user=user, answer=answer)
    choices = [
        (s.value, s.label)
        for s in Answer.Status
        if s.value in services.STATUS_CHANGES.get(answer.status, set())
    ]
    my_invitations = [p for p in selectors.invitations_for(user=user) if p.answer_id == answer.pk]
    context = {
        "answer": answer,
        "call": answer.call,
        "partners": partners,
        "active": active,
        "total": total,
        "ceiling": ceiling,
        "over": ceiling is not None and total > ceiling,
        "may_lead": may_lead,
        "may_edit": selectors.may_edit_answer(user=user, answer=answer),
        "preparing": answer.status == Answer.Status.PREPARING,
        "my_invitations": my_invitations,
        "pieces": answer.pieces.select_related("owner", "owner__place", "owner__user"),
        "work_packages": answer.work_packages.select_related("leader", "leader__place"),
        "links": answer.links.all(),
        "piece_form": PieceForm(partners=partner_qs),
        "wp_form": WorkPackageForm(partners=partner_qs),
        "link_form": LinkForm(),
        "deadline_form": DeadlineForm(initial={"internal_deadline": answer.internal_deadline}),
        "status_form": StatusForm(choices=choices) if choices else None,
        "letter_form": LetterForm(),
        "q": request.GET.get("q", ""),
        "found": [],
        "role_choices": InviteForm.base_fields["role"].choices,  # type: ignore[attr-defined]
        "person_form": PersonInviteForm(),
        "may_record_envelope": selectors.may_record_envelope(user=user, answer=answer),
        "envelope": answer.envelope if answer.envelope_id else None,
        "envelope_link": selectors.envelope_link(user=user, answer=answer),
        **extra,
    }
    if context["may_record_envelope"]:
        envelope_form = extra.get("envelope_form")
        if not isinstance(envelope_form, EnvelopeForm):
            envelope_form = context["envelope_form"] = _envelope_form(answer, user)
        if not envelope_form.circles:
            # None of the network's circles is theirs: say why, rather than an empty list.
            context["network_has_circles"] = bool(selectors.network_circles(answer=answer))
    if context["q"] and may_lead:
        filters, _notices = SearchFilters.from_query({"q": context["q"]})
        results = directory_search(filters, user=user, page_size=10, facets=False)
        taken = {p.place_id for p in partners}
        context["found"] = [r for r in results.results if r.place.pk not in taken]
    return render(request, "opportunities/answer_detail.html", context)


@login_required
def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    answer = selectors.get_answer(user=request.user, pk=pk)
    return _workspace(request, answer)


def _editable(request: HttpRequest, pk: int) -> Answer:
    answer = selectors.get_answer(user=request.user, pk=pk)
    if not selectors.may_edit_answer(user=request.user, answer=answer):
        raise PermissionDenied
    return answer


def _done(
    request: HttpRequest, answer: Answer, refusal: services.OpportunityError | None
) -> HttpResponse:
    if refusal is not None:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("C'est enregistré."))
    return redirect(answer)


@login_required
@require_POST
def partner_invite(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _editable(request, pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _done(request, answer, services.InvalidCall(_("Choisissez un lieu et un rôle.")))
    place = get_object_or_404(Place, pk=form.cleaned_data["place"], is_published=True)
    try:
        services.invite_partner(
            answer=answer, by=person(request), place=place, role=form.cleaned_data["role"]
        )
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    messages.success(
        request, _("%(p)s est invité : ses gestionnaires sont prévenus.") % {"p": place.name}
    )
    return redirect(answer)


@login_required
@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead invites a person by the e-mail of their account (not only places)."""
    answer = _editable(request, pk)
    form = PersonInviteForm(request.POST)
    if form.is_valid():
        try:
            partner = services.invite_person(answer=answer, by=person(request), **form.cleaned_data)
        except services.OpportunityError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("%(p)s est invité·e : la personne est prévenue et accepte depuis son espace.")
                % {"p": partner},
            )
            return redirect(answer)
    response = _workspace(request, answer, person_form=form)
    response.status_code = 422
    return response


def _envelope_form(answer: Answer, user: selectors.AnyUser, data: object = None) -> EnvelopeForm:
    return EnvelopeForm(
        data,
        circles=selectors.envelope_circles(user=user, answer=answer),
        funder_kinds=selectors.funder_kinds(),
        initial={"amount_cents": answer.amount_won_cents, "funder_kind": "other"},
    )


def _confirm_envelope(
    request: HttpRequest, answer: Answer, data: dict, circle_name: str
) -> HttpResponse:
    kinds = selectors.funder_kinds()
    return render_confirmation(
        request,
        Confirmation(
            title=_("Enregistrer la somme obtenue dans un budget"),
            confirm_label=_("Enregistrer l'enveloppe"),
            cancel_url=answer.get_absolute_url(),
            facts=[
                (_("Réponse"), answer.title),
                (_("Financeur"), f"{answer.call.funder} ({kinds[data['funder_kind']]})"),
                (_("Montant"), format_cents(data["amount_cents"])),
                (_("Cercle"), circle_name),
            ],
            consequences=[
                _(
                    "Le montant est versé au compte du cercle dans le grand livre : "
                    "il s'ajoute à son budget."
                ),
                _(
                    "Seul·es les coordinateur·rices peuvent ensuite annuler "
                    "l'enveloppe, depuis le budget du cercle."
                ),
            ],
            hidden={
                "circle": str(data["circle"]),
                "amount_cents": request.POST.get("amount_cents", ""),
                "funder_kind": data["funder_kind"],
                "note": data["note"],
            },
        ),
    )


@login_required
def envelope_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the money won as an envelope of a circle's budget: asks to confirm first."""
    answer = selectors.get_answer(user=request.user, pk=pk)
    if not selectors.may_lead(user=request.user, answer=answer):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(answer)
    if not selectors.may_record_envelope(user=request.user, answer=answer):
        return _done(
            request,
            answer,
            services.Conflict(
                _("Seule une réponse retenue apporte de l'argent à enregistrer.")
                if answer.status != Answer.Status.WON
                else _("La somme obtenue est déjà enregistrée dans le budget d'un cercle.")
            ),
        )
    form = _envelope_form(answer, request.user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        facts = {
            "answer": answer,
            "by": person(request),
            "circle_pk": data["circle"],
            "amount_cents": data["amount_cents"],
            "funder_kind": data["funder_kind"],
        }
        try:
            # The rules first: a refusal shows next to its field, before any confirmation.
            circle = services.check_won_envelope(**facts)
            if not is_confirmed(request):
                return _confirm_envelope(request, answer, data, circle.name)
            services.record_won_envelope(**facts, note=data["note"])
        except services.OpportunityError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("La somme est enregistrée dans le budget du cercle « %(c)s ».")
                % {"c": circle.name},
            )
            return redirect(answer)
    response = _workspace(request, answer, envelope_form=form)
    response.status_code = 422
    return response


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    answer = selectors.get_answer(user=request.user, pk=pk)
    partner = get_object_or_404(Partner, pk=partner_pk, answer=answer)
    try:
        services.answer_invitation(
            partner=partner, by=person(request), accept=request.POST.get("accept") == "1"
        )
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    if partner.status == Partner.Status.DECLINED:
        messages.success(request, _("Invitation déclinée."))
        return redirect("opportunities:answers")
    messages.success(request, _("Bienvenue dans l'espace de réponse."))
    return redirect(answer)


@login_required
@require_POST
def budget_split(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _editable(request, pk)
    from maillage.lib.money import parse_euros

    shares: dict[int, int] = {}
    for partner in answer.partners.exclude(status=Partner.Status.DECLINED):
        raw = (request.POST.get(f"share-{partner.pk}") or "").strip()
        try:
            shares[partner.pk] = parse_euros(raw) if raw else 0
        except ValueError:
            return _done(
                request,
                answer,
                services.InvalidCall(
                    _("Montant illisible pour %(p)s : écrivez un nombre d'euros.") % {"p": partner}
                ),
            )
    try:
        services.split_budget(answer=answer, by=person(request), shares=shares)
    except services.OpportunityError as refusal:
        return _workspace(request, answer, budget_error=refusal.message, posted=request.POST)
    messages.success(request, _("La répartition du budget est enregistrée."))
    return redirect(answer)


@login_required
@require_POST
def piece_add(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _editable(request, pk)
    form = PieceForm(request.POST, partners=answer.partners.all())
    if not form.is_valid():
        return _done(
            request, answer, services.InvalidCall(_("Nommez la pièce et vérifiez la date."))
        )
    try:
        services.add_piece(answer=answer, by=person(request), **form.cleaned_data)
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    return _done(request, answer, None)


@login_required
@require_POST
def piece_toggle(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    answer = _editable(request, pk)
    piece = get_object_or_404(Piece, pk=piece_pk, answer=answer)
    try:
        services.update_piece(piece=piece, by=person(request), done=not piece.done)
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    return _done(request, answer, None)


@login_required
@require_POST
def work_package_add(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _editable(request, pk)
    form = WorkPackageForm(request.POST, partners=answer.partners.all())
    if not form.is_valid():
        return _done(request, answer, services.InvalidCall(_("Donnez un intitulé au lot.")))
    try:
        services.add_work_package(answer=answer, by=person(request), **form.cleaned_data)
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    return _done(request, answer, None)


@login_required
@require_POST
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _editable(request, pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _done(
            request, answer, services.InvalidCall(_("Donnez un libellé et une adresse https://."))
        )
    try:
        services.add_link(answer=answer, by=person(request), **form.cleaned_data)
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    return _done(request, answer, None)


@login_required
@require_POST
def deadline_set(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _editable(request, pk)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        return _done(request, answer, services.InvalidCall(_("Date illisible.")))
    try:
        services.set_internal_deadline(
            answer=answer, by=person(request), day=form.cleaned_data["internal_deadline"]
        )
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    return _done(request, answer, None)


@login_required
@require_POST
def letter_upload(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    answer = selectors.get_answer(user=request.user, pk=pk)
    partner = get_object_or_404(Partner, pk=partner_pk, answer=answer)
    form = LetterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _done(request, answer, services.InvalidCall(_("Choisissez un fichier PDF.")))
    upload = form.cleaned_data["letter"]
    if too_large(upload, LETTER_MAX_BYTES):
        return _done(request, answer, services.InvalidCall(_("La lettre dépasse 5 Mo.")))
    try:
        services.upload_letter(
            partner=partner, by=person(request), name=upload.name, content=upload.read()
        )
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    return _done(request, answer, None)


@login_required
def letter_download(request: HttpRequest, pk: int, partner_pk: int) -> FileResponse:
    answer = selectors.get_answer(user=request.user, pk=pk)
    partner = get_object_or_404(Partner, pk=partner_pk, answer=answer)
    if not partner.letter:
        raise Http404
    return FileResponse(
        partner.letter.open("rb"),
        as_attachment=True,
        filename=(partner.letter.name or "lettre.pdf").rsplit("/", 1)[-1],
    )


@login_required
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Submitted, won, refused, dropped: cannot be undone, so the page asks to confirm."""
    answer = selectors.get_answer(user=request.user, pk=pk)
    if not selectors.may_lead(user=request.user, answer=answer):
        raise PermissionDenied
    choices = [
        (s.value, s.label)
        for s in Answer.Status
        if s.value in services.STATUS_CHANGES.get(answer.status, set())
    ]
    form = StatusForm(request.POST or None, choices=choices)
    if request.method != "POST" or not form.is_valid():
        return redirect(answer)
    status = form.cleaned_data["status"]
    amount = form.cleaned_data.get("amount_won_cents")
    if not is_confirmed(request):
        facts = [
            (_("Réponse"), answer.title),
            (_("Appel"), answer.call.title),
            (_("Nouvel état"), str(Answer.Status(status).label)),
        ]
        if amount is not None:
            facts.append((_("Montant obtenu"), format_cents(amount)))
        return render_confirmation(
            request,
            Confirmation(
                title=_("Changer l'état de la réponse"),
                confirm_label=_("Confirmer"),
                cancel_url=answer.get_absolute_url(),
                facts=facts,
                consequences=[
                    _("Ce changement ne peut pas être annulé."),
                    _("Le suivi de l'appel de chaque lieu partenaire est mis à jour."),
                ],
                hidden={
                    "status": status,
                    "amount_won_cents": request.POST.get("amount_won_cents", ""),
                },
                danger=status == Answer.Status.DROPPED,
            ),
        )
    try:
        services.change_status(
            answer=answer, by=person(request), status=status, amount_won_cents=amount
        )
    except services.OpportunityError as refusal:
        return _done(request, answer, refusal)
    messages.success(
        request, _("La réponse est maintenant « %(s)s ».") % {"s": answer.get_status_display()}
    )
    return redirect(answer)
