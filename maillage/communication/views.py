"""Pages of the permanences: thin views over selectors and services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.accounts.requests import person
from maillage.communication import calendar, selectors, services
from maillage.communication.forms import (
    AbsenceForm,
    ClosureForm,
    DeclineForm,
    RequestForm,
    RotaForm,
    SlotForm,
    SwapForm,
    VisitForm,
)
from maillage.communication.models import Bracket, Need, Rota, RotaSlot
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import show_refusal
from maillage.lib.french import date_format
from maillage.lib.money import format_cents
from maillage.lib.refusals import Refusal
from maillage.networks.selectors import get_network, networks_coordinated_by
from maillage.places.models import Place
from maillage.places.selectors import get_place_for_manager, places_managed_by


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The permanences hub: the rotas one runs, one's permanences, one's places'."""
    user = person(request)
    today = timezone.localdate()
    context = {
        "rotas": selectors.rotas_run_by(user=user),
        "networks": networks_coordinated_by(user=user).order_by("name"),
        "mine": selectors.permanences_of_facilitator(user=user, since=today)[:10],
        "to_log": selectors.visits_to_log(user=user, today=today),
        "places": places_managed_by(user=user),
    }
    return render(request, "communication/home.html", context)


def network_permanences(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's agenda of permanences: who is where, the coming six weeks."""
    network = get_network(slug=slug)
    permanences = selectors.upcoming_for_network(network=network)
    context = {
        "network": network,
        "permanences": permanences,
        "sentences": {p.pk: selectors.presence_sentence(p) for p in permanences},
        "may_manage": selectors.can_manage_rotas_of(user=request.user, network=network),
        "rotas": selectors.rotas_of_network(network=network),
    }
    return render(request, "communication/network_permanences.html", context)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def network_permanences_ics(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network(slug=slug)
    permanences = selectors.upcoming_for_network(network=network, days=366)
    body = calendar.permanences_calendar(
        name=_("Permanences — %(name)s") % {"name": network.name}, permanences=permanences
    )
    return _ics(body, f"permanences-{network.slug}.ics")


def place_permanences_ics(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug, is_published=True)
    permanences = selectors.upcoming_for_place(place=place, limit=200)
    body = calendar.permanences_calendar(
        name=_("Permanences — %(name)s") % {"name": place.name}, permanences=permanences
    )
    return _ics(body, f"permanences-{place.slug}.ics")


@login_required
def rota_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network(slug=slug)
    if not selectors.can_manage_rotas_of(user=request.user, network=network):
        raise PermissionDenied
    today = timezone.localdate()
    form = RotaForm(
        request.POST or None,
        initial={
            "starts_on": today,
            "ends_on": today + datetime.timedelta(days=180),
            "pattern": Rota.Pattern.WEEKLY,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            rota = services.create_rota(
                by=person(request),
                network=network,
                data=services.RotaData.from_mapping(form.cleaned_data),
            )
        except services.PermanenceError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Tournée créée : ajoutez ses créneaux."))
            return redirect("communication:rota-detail", pk=rota.pk)
    return render(request, "communication/rota_form.html", {"form": form, "network": network})


@login_required
def rota_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rota = selectors.get_rota_for_manager(user=request.user, pk=pk)
    places = selectors.candidate_places(network=rota.network)
    slot_form = SlotForm(places=places, prefix="slot")
    absence_form = AbsenceForm(prefix="absence")
    if request.method == "POST":
        user = person(request)
        if "slot-place" in request.POST:
            slot_form = SlotForm(request.POST, places=places, prefix="slot")
            if slot_form.is_valid():
                data = slot_form.cleaned_data
                place = next(p for p in places if str(p.pk) == data["place"])
                try:
                    services.add_slot(
                        by=user,
                        rota=rota,
                        place=place,
                        weekday=data["weekday"],
                        half=data["half"],
                        week=data["week"] or 1,
                        purpose=data["purpose"],
                    )
                except services.PermanenceError as refusal:
                    show_refusal(slot_form, refusal)
                else:
                    messages.success(request, _("Créneau ajouté."))
                    return redirect("communication:rota-detail", pk=rota.pk)
        elif "absence-starts_on" in request.POST:
            absence_form = AbsenceForm(request.POST, prefix="absence")
            if absence_form.is_valid():
                try:
                    services.add_absence(by=user, rota=rota, **absence_form.cleaned_data)
                except services.PermanenceError as refusal:
                    show_refusal(absence_form, refusal)
                else:
                    messages.success(request, _("Absence enregistrée."))
                    return redirect("communication:rota-detail", pk=rota.pk)
    today = timezone.localdate()
    shares = services.cost_shares(rota=rota)
    context = {
        "rota": rota,
        "slots": rota.slots.select_related("place"),
        "slot_form": slot_form,
        "absence_form": absence_form,
        "absences": rota.absences.select_related("stand_in"),
        "permanences": selectors.permanences_of_rota(rota=rota, since=today)[:40],
        "requests": selectors.requests_to_confirm(rota=rota),
        "shares": [
            (place, format_cents(cents), rota.brackets.get(str(place.pk), Bracket.MEDIUM))
            for place, cents in shares
        ],
        "charged": rota.charges.exists(),
        "brackets": Bracket.choices,
    }
    return render(request, "communication/rota_detail.html", context)


@login_required
@require_POST
def slot_remove(request: HttpRequest, pk: int, slot: int) -> HttpResponse:
    rota = selectors.get_rota_for_manager(user=request.user, pk=pk)
    services.remove_slot(by=person(request), slot=get_object_or_404(RotaSlot, rota=rota, pk=slot))
    messages.success(request, _("Créneau retiré."))
    return redirect("communication:rota-detail", pk=rota.pk)


@login_required
@require_POST
def rota_generate(request: HttpRequest, pk: int) -> HttpResponse:
    rota = selectors.get_rota_for_manager(user=request.user, pk=pk)
    try:
        result = services.generate_permanences(
            by=person(request), rota=rota, since=timezone.localdate()
        )
    except services.PermanenceError as refusal:
        messages.error(request, str(refusal.message))
        return redirect("communication:rota-detail", pk=rota.pk)
    planned = ngettext(
        "%(n)s permanence planifiée", "%(n)s permanences planifiées", len(result.created)
    ) % {"n": len(result.created)}
    skipped = ngettext(
        "%(s)s demi-journée écartée", "%(s)s demi-journées écartées", len(result.skipped)
    ) % {"s": len(result.skipped)}
    messages.success(
        request,
        _("%(planned)s, %(skipped)s (fériés, fermetures, absences).")
        % {"planned": planned, "skipped": skipped},
    )
    for day, _half, place, why in result.skipped[:8]:
        messages.info(request, f"{day:%d/%m/%Y} — {place.name} : {why}")
    return redirect("communication:rota-detail", pk=rota.pk)


@login_required
@require_POST
def rota_bracket(request: HttpRequest, pk: int, place: int) -> HttpResponse:
    rota = selectors.get_rota_for_manager(user=request.user, pk=pk)
    target = get_object_or_404(Place, pk=place)
    try:
        services.set_bracket(
            by=person(request), rota=rota, place=target, bracket=request.POST.get("bracket", "")
        )
    except services.PermanenceError as refusal:
        messages.error(request, str(refusal.message))
    return redirect("communication:rota-detail", pk=rota.pk)


@login_required
def rota_charge(request: HttpRequest, pk: int) -> HttpResponse:
    rota = selectors.get_rota_for_manager(user=request.user, pk=pk)
    back = reverse("communication:rota-detail", args=[rota.pk])
    if not is_confirmed(request):
        shares = services.cost_shares(rota=rota)
        return render_confirmation(
            request,
            Confirmation(
                title=_("Appeler la part de chaque lieu"),
                confirm_label=_("Passer les écritures"),
                cancel_url=back,
                facts=[(place.name, format_cents(cents)) for place, cents in shares],
                consequences=[
                    _(
                        "Chaque part est inscrite au grand livre du réseau (lieu → poste d'animation)."
                    ),
                    _("Une écriture passée ne se modifie pas : elle se contrepasse."),
                ],
            ),
        )
    try:
        charges = services.charge_costs(by=person(request), rota=rota)
    except services.PermanenceError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s part inscrite au grand livre.",
                "%(n)s parts inscrites au grand livre.",
                len(charges),
            )
            % {"n": len(charges)},
        )
    return redirect(back)


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int, permanence: int, answer: str) -> HttpResponse:
    rota = selectors.get_rota_for_manager(user=request.user, pk=pk)
    target = get_object_or_404(rota.permanences, pk=permanence)
    try:
        services.answer_request(by=person(request), permanence=target, accept=answer == "oui")
    except services.PermanenceError as refusal:
        messages.error(request, str(refusal.message))
    return redirect("communication:rota-detail", pk=rota.pk)


def permanence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permanence = selectors.get_permanence_for_reader(user=request.user, pk=pk)
    user = request.user
    may_log = selectors.can_log_visit(user=user, permanence=permanence)
    visit = getattr(permanence, "visit", None)
    form = None
    if may_log:
        initial = {"notes": visit.notes, "people_met": visit.people_met} if visit else {}
        form = VisitForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.log_visit(by=person(request), permanence=permanence, **form.cleaned_data)
            except services.PermanenceError as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Journal de visite enregistré."))
                return redirect("communication:permanence-detail", pk=permanence.pk)
    manages = selectors.manages_place(user=user, place=permanence.place)
    context = {
        "permanence": permanence,
        "sentence": selectors.presence_sentence(permanence),
        "may_log": may_log,
        "may_read_visit": selectors.can_read_visit(user=user, permanence=permanence),
        "visit": visit,
        "needs": list(visit.needs.all()) if visit else [],
        "form": form,
        "manages": manages,
        "future": permanence.date > timezone.localdate(),
    }
    return render(request, "communication/permanence_detail.html", context)


@login_required
def permanence_decline(request: HttpRequest, pk: int) -> HttpResponse:
    permanence = selectors.get_permanence(pk=pk)
    if not selectors.manages_place(user=request.user, place=permanence.place):
        raise PermissionDenied
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_permanence(
                by=person(request), permanence=permanence, reason=form.cleaned_data["reason"]
            )
        except services.PermanenceError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Permanence déclinée : l'animateur·rice est prévenu·e."))
            return redirect("communication:place-permanences", slug=permanence.place.slug)
    return render(
        request,
        "communication/small_form.html",
        {
            "form": form,
            "title": _("Décliner la permanence du %(date)s")
            % {"date": date_format(permanence.date, "l j F Y")},
            "submit": _("Décliner"),
            "back": reverse("communication:place-permanences", args=[permanence.place.slug]),
        },
    )


@login_required
def swap_propose(request: HttpRequest, pk: int) -> HttpResponse:
    permanence = selectors.get_permanence(pk=pk)
    if not selectors.manages_place(user=request.user, place=permanence.place):
        raise PermissionDenied
    targets = selectors.swap_targets(permanence=permanence)
    form = SwapForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        wanted = next(p for p in targets if str(p.pk) == form.cleaned_data["wanted"])
        try:
            services.propose_swap(
                by=person(request),
                offered=permanence,
                wanted=wanted,
                message=form.cleaned_data["message"],
            )
        except services.PermanenceError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Échange proposé : il se fera quand %(place)s l'aura accepté.")
                % {"place": wanted.place.name},
            )
            return redirect("communication:place-permanences", slug=permanence.place.slug)
    return render(
        request,
        "communication/small_form.html",
        {
            "form": form,
            "title": _("Échanger la permanence du %(date)s")
            % {"date": date_format(permanence.date, "l j F Y")},
            "intro": _("L'autre lieu doit accepter : rien ne change avant sa réponse."),
            "submit": _("Proposer l'échange"),
            "back": reverse("communication:place-permanences", args=[permanence.place.slug]),
        },
    )


@login_required
@require_POST
def swap_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    swap = selectors.get_swap(pk=pk)
    try:
        services.answer_swap(by=person(request), swap=swap, accept=answer == "oui")
    except services.PermanenceError as refusal:
        if refusal.status == 403:
            raise PermissionDenied from refusal
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request, _("Échange accepté.") if answer == "oui" else _("Échange refusé.")
        )
    return redirect("communication:place-permanences", slug=swap.wanted.place.slug)


@login_required
@require_POST
def swap_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    swap = selectors.get_swap(pk=pk)
    try:
        services.withdraw_swap(by=person(request), swap=swap)
    except services.PermanenceError as refusal:
        if refusal.status == 403:
            raise PermissionDenied from refusal
        messages.error(request, str(refusal.message))
    return redirect("communication:place-permanences", slug=swap.offered.place.slug)


@login_required
@require_POST
def need_orient(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(Need.objects.select_related("visit__permanence__place"), pk=pk)
    try:
        services.need_to_orientation(by=person(request), need=need)
    except services.PermanenceError as refusal:
        if refusal.status == 403:
            raise PermissionDenied from refusal
        messages.error(request, str(refusal.message))
    except Refusal as refusal:  # the commons' own refusals (no guide in the network…)
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Besoin confié à l'aiguillage du réseau."))
    return redirect("communication:permanence-detail", pk=need.visit.permanence_id)


@login_required
def place_permanences(request: HttpRequest, slug: str) -> HttpResponse:
    """A place's team: its coming permanences, swaps to answer, requests, closures."""
    place = get_place_for_manager(user=request.user, slug=slug)
    user = person(request)
    today = timezone.localdate()
    from maillage.communication.models import Rota as RotaModel

    rotas = list(RotaModel.objects.filter(slots__place=place, ends_on__gte=today).distinct())
    request_form = RequestForm(prefix="request", rotas=rotas)
    closure_form = ClosureForm(prefix="closure")
    if request.method == "POST":
        if "request-date" in request.POST:
            request_form = RequestForm(request.POST, prefix="request", rotas=rotas)
            if request_form.is_valid():
                data = request_form.cleaned_data
                rota = next(r for r in rotas if str(r.pk) == data["rota"])
                try:
                    services.request_permanence(
                        by=user,
                        rota=rota,
                        place=place,
                        date=data["date"],
                        half=data["half"],
                        purpose=data["purpose"],
                    )
                except services.PermanenceError as refusal:
                    show_refusal(request_form, refusal)
                else:
                    messages.success(request, _("Demande envoyée à la coordination."))
                    return redirect("communication:place-permanences", slug=place.slug)
        elif "closure-starts_on" in request.POST:
            closure_form = ClosureForm(request.POST, prefix="closure")
            if closure_form.is_valid():
                try:
                    services.add_closure(by=user, place=place, **closure_form.cleaned_data)
                except services.PermanenceError as refusal:
                    show_refusal(closure_form, refusal)
                else:
                    messages.success(request, _("Fermeture enregistrée."))
                    return redirect("communication:place-permanences", slug=place.slug)
    context = {
        "place": place,
        "permanences": selectors.permanences_of_place(place=place, since=today),
        "swaps_to_answer": selectors.pending_swaps_for(place=place),
        "swaps_asked": selectors.swaps_asked_by(place=place)[:10],
        "closures": selectors.closures_of(place=place).filter(ends_on__gte=today),
        "request_form": request_form,
        "closure_form": closure_form,
        "rotas": rotas,
        "today": today,
    }
    return render(request, "communication/place_permanences.html", context)


@login_required
@require_POST
def circle_tool_add(request: HttpRequest, slug: str) -> HttpResponse:
    from maillage.circles.selectors import get_circle
    from maillage.communication import circle_tools

    circle = get_circle(slug=slug)
    try:
        circle_tools.add_tool(
            by=person(request),
            circle=circle,
            kind=request.POST.get("kind", ""),
            label=request.POST.get("label", ""),
            url=request.POST.get("url", "").strip(),
            visibility=request.POST.get("visibility", ""),
        )
    except circle_tools.ToolError as refusal:
        if refusal.status == 403:
            raise PermissionDenied from refusal
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Outil ajouté."))
    return redirect("circles:circle-detail", slug=circle.slug)


@login_required
@require_POST
def circle_tool_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    from maillage.circles.selectors import get_circle
    from maillage.communication import circle_tools
    from maillage.communication.models import CircleTool

    circle = get_circle(slug=slug)
    tool = get_object_or_404(CircleTool, circle_id=circle.pk, pk=pk)
    try:
        circle_tools.remove_tool(by=person(request), tool=tool)
    except circle_tools.ToolError as refusal:
        raise PermissionDenied from refusal
    messages.success(request, _("Outil retiré."))
    return redirect("circles:circle-detail", slug=circle.slug)
