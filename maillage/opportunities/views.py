"""Pages of the board of opportunities: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.accounts.requests import person
from maillage.circles.budget_services.documents import MAX_DOCUMENT_BYTES
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.lib.uploads import content_type_of, upload_limit
from maillage.networks.models import Network
from maillage.networks.selectors import networks_coordinated_by, networks_of
from maillage.opportunities import selectors, services
from maillage.opportunities.forms import (
    CallDocumentForm,
    CallEditForm,
    CallForm,
    ModerationForm,
    OfferForm,
    PartnersWantedForm,
    TrackForm,
)
from maillage.opportunities.models import Call, Track
from maillage.places.selectors import get_place_for_manager


def board(request: HttpRequest) -> HttpResponse:
    filters, notices = selectors.BoardFilters.from_query(request.GET)
    result = selectors.board(filters, user=request.user)
    context = {
        "filters": filters,
        "result": result,
        "notices": notices,
        "departments": selectors.departments(),
        "windows": [("7", _("7 jours")), ("30", _("30 jours")), ("90", _("3 mois"))],
        "amounts": [("10000", "10 000 €"), ("50000", "50 000 €"), ("100000", "100 000 €")],
        "may_enter": selectors.may_enter_calls(user=request.user),
        "may_propose": request.user.is_authenticated and networks_of(user=request.user).exists(),
    }
    return render(request, "opportunities/board.html", context)


def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.get_call(user=request.user, slug=slug)
    user = request.user
    places = selectors.managed_places(user=user)
    may_moderate = selectors.may_moderate(user=user, call=call)
    context = {
        "call": call,
        "territory": selectors.territory_names(call=call),
        "following": selectors.follows(user=user, call=call),
        "may_moderate": may_moderate,
        "places": places,
        "tracks": {t.place_id: t for t in Track.objects.filter(call=call, place__in=places)}
        if user.is_authenticated
        else {},
        "wanted": selectors.looking_for_partners(call=call),
        "fits": selectors.places_for_call(call=call, limit=10) if may_moderate else [],
        "track_form": TrackForm(places=places) if user.is_authenticated else None,
        "wanted_form": PartnersWantedForm(places=places) if user.is_authenticated else None,
        "offer_form": OfferForm(places=places) if user.is_authenticated else None,
        "my_answers": [a for a in selectors.answers_visible_to(user=user) if a.call_id == call.pk],
        "is_open": call.is_open(),
        "may_edit": selectors.may_edit_call(user=user, call=call),
        "files": list(call.files.all()),
    }
    return render(request, "opportunities/call_detail.html", context)


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    """Coordinators publish at once; members of a network propose (moderated)."""
    user = person(request)
    ids = {n.pk for n in networks_coordinated_by(user=user)} | {
        n.pk for n in networks_of(user=user)
    }
    networks = Network.objects.filter(pk__in=ids).order_by("name")
    if not networks.exists():
        raise PermissionDenied(_("Rejoignez un réseau pour lui proposer des appels."))
    form = CallForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = services.CallData.from_mapping(form.cleaned_call_data())
        try:
            call = services.create_call(by=user, data=data)
        except services.OpportunityError as refusal:
            show_refusal(
                form, refusal, near="deadline_day" if refusal.field == "deadline" else None
            )
        else:
            if call.status == Call.Status.PUBLISHED:
                messages.success(request, _("L'appel est publié."))
            else:
                messages.success(
                    request, _("Merci ! L'appel sera publié après relecture par la coordination.")
                )
            return redirect(call)
    return render(request, "opportunities/call_form.html", {"form": form})


@login_required
def call_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators edit a call; who proposed it edits it while it waits for moderation."""
    call = selectors.get_call_for_editor(user=request.user, slug=slug)
    user = person(request)
    networks = (
        networks_coordinated_by(user=user).order_by("name")
        if selectors.may_moderate(user=user, call=call)
        else Network.objects.filter(pk=call.network_id)
    )
    form = CallEditForm(request.POST or None, call=call, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = services.CallData.from_mapping(form.cleaned_call_data())
        try:
            services.update_call(call=call, by=user, data=data)
        except services.OpportunityError as refusal:
            show_refusal(
                form, refusal, near="deadline_day" if refusal.field == "deadline" else None
            )
        else:
            messages.success(request, _("L'appel est modifié."))
            return redirect(call)
    return render(
        request,
        "opportunities/call_form.html",
        {
            "form": form,
            "call": call,
            "document_form": CallDocumentForm(),
            "files": list(call.files.all()),
        },
    )


@login_required
@require_POST
@upload_limit(lambda: MAX_DOCUMENT_BYTES)
def call_document_add(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.get_call_for_editor(user=request.user, slug=slug)
    form = CallDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.add_call_document(
                call=call,
                by=person(request),
                upload=form.cleaned_data["file"],
                label=form.cleaned_data["label"],
            )
        except services.OpportunityError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("« %(d)s » est joint à l'appel.") % {"d": document.label})
            return redirect("opportunities:call-edit", slug=call.slug)
    return render(
        request,
        "opportunities/call_form.html",
        {
            "form": CallEditForm(call=call, networks=Network.objects.filter(pk=call.network_id)),
            "call": call,
            "document_form": form,
            "files": list(call.files.all()),
        },
        status=422,
    )


def call_document(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A document of a call, to whoever may see the call, served as what its bytes are."""
    document = selectors.get_call_document(user=request.user, slug=slug, pk=pk)
    stored = document.file.name or ""
    extension = stored.rsplit(".", 1)[-1]
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.label}.{extension}",
        content_type=content_type_of(stored),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def call_document_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = selectors.get_call_for_editor(user=request.user, slug=slug)
    document = selectors.get_call_document(user=request.user, slug=slug, pk=pk)
    edit_url = reverse("opportunities:call-edit", args=[call.slug])
    if not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                title=_("Retirer ce document"),
                confirm_label=_("Retirer le document"),
                cancel_url=edit_url,
                facts=[(_("Appel"), call.title), (_("Document"), document.label)],
                consequences=[_("Le fichier est supprimé : il faudra le déposer à nouveau.")],
                danger=True,
            ),
        )
    try:
        services.remove_call_document(document=document, by=person(request))
    except services.OpportunityError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Le document est retiré."))
    return redirect(edit_url)


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    if not selectors.may_enter_calls(user=request.user):
        raise PermissionDenied
    return render(
        request,
        "opportunities/moderation.html",
        {"calls": selectors.moderation_queue(user=request.user), "form": ModerationForm()},
    )


@login_required
@require_POST
def call_moderate(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.get_call_for_moderator(user=request.user, slug=slug)
    form = ModerationForm(request.POST)
    form.is_valid()
    try:
        services.moderate_call(
            call=call,
            by=person(request),
            accept=request.POST.get("decision") == "accept",
            note=form.cleaned_data.get("note", ""),
        )
    except services.OpportunityError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("C'est fait."))
    return redirect("opportunities:moderation")


@login_required
@require_POST
def call_follow(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.get_call(user=request.user, slug=slug)
    if request.POST.get("follow") == "0":
        services.unfollow_call(call=call, by=person(request))
        messages.success(request, _("Vous ne suivez plus cet appel."))
    else:
        services.follow_call(call=call, by=person(request))
        messages.success(
            request, _("Vous suivez cet appel : rappels 14 et 3 jours avant la date limite.")
        )
    return redirect(call)


@login_required
@require_POST
def call_track(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.get_call(user=request.user, slug=slug)
    form = TrackForm(request.POST, places=selectors.managed_places(user=request.user))
    if form.is_valid():
        try:
            services.set_track(call=call, by=person(request), **form.cleaned_data)
        except services.OpportunityError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("L'étape est notée."))
    else:
        messages.error(request, _("Choisissez un de vos lieux et une étape."))
    return redirect(call)


@login_required
@require_POST
def partners_wanted(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.get_call(user=request.user, slug=slug)
    form = PartnersWantedForm(request.POST, places=selectors.managed_places(user=request.user))
    if form.is_valid():
        try:
            services.look_for_partners(call=call, by=person(request), **form.cleaned_data)
        except services.OpportunityError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Votre recherche de partenaires est affichée."))
    else:
        messages.error(request, _("Dites quels partenaires vous cherchez."))
    return redirect(call)


@login_required
@require_POST
def partner_offer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    call = selectors.get_call(user=request.user, slug=slug)
    track = selectors.looking_for_partners(call=call).filter(pk=pk).first()
    if track is None:
        raise PermissionDenied
    form = OfferForm(request.POST, places=selectors.managed_places(user=request.user))
    if form.is_valid():
        try:
            services.offer_to_partner(track=track, by=person(request), **form.cleaned_data)
        except services.OpportunityError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Votre proposition est transmise."))
    else:
        messages.error(request, _("Choisissez votre lieu et dites ce que vous apportez."))
    return redirect(call)


# --- Alerts and calendar ----------------------------------------------------------------------


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    from maillage.opportunities.forms import AlertForm

    user = person(request)
    form = AlertForm(request.POST or None, initial={"frequency": "weekly"})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_alert(by=user, data=services.AlertData.from_mapping(form.cleaned_data))
        except services.OpportunityError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Alerte enregistrée."))
            return redirect("opportunities:alerts")
    token = services.calendar_token(user=user)
    context = {
        "alerts": selectors.alerts_of(user=user),
        "form": form,
        "followed": selectors.followed_calls(user=user),
        "calendar_url": request.build_absolute_uri(reverse("opportunities:calendar", args=[token])),
    }
    return render(request, "opportunities/alerts.html", context)


@login_required
@require_POST
def alert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.get_alert(user=request.user, pk=pk)
    services.delete_alert(alert=alert, by=person(request))
    messages.success(request, _("Alerte supprimée."))
    return redirect("opportunities:alerts")


def calendar(request: HttpRequest, token: str) -> HttpResponse:
    from maillage.opportunities import alerts as alerting
    from maillage.opportunities.models import CalendarToken

    found = CalendarToken.objects.filter(token=token).select_related("user").first()
    if found is None or not found.user.is_active:
        raise Http404
    return HttpResponse(
        alerting.deadlines_calendar(user=found.user), content_type="text/calendar; charset=utf-8"
    )


# --- Imports ----------------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    from maillage.opportunities import imports
    from maillage.opportunities.forms import ImportForm

    networks = networks_coordinated_by(user=request.user)
    if not networks.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        try:
            feed = None
            if data["url"] and data["poll"]:
                feed = imports.add_feed(
                    network=data["network"],
                    by=person(request),
                    url=data["url"],
                    format=data["format"],
                    default_kind=data["default_kind"],
                )
            run = imports.dry_run(
                network=data["network"],
                by=person(request),
                format=data["format"],
                default_kind=data["default_kind"],
                content=upload.read() if upload else None,
                url="" if upload else data["url"],
                name=upload.name if upload else "",
                feed=feed,
            )
        except imports.ImportRefused as refusal:
            show_refusal(form, refusal)
        else:
            return redirect("opportunities:import-run", pk=run.pk)
    runs, feeds = selectors.import_runs(user=request.user)
    return render(
        request, "opportunities/import.html", {"form": form, "runs": runs, "feeds": feeds}
    )


@login_required
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    from maillage.opportunities import imports

    run = selectors.get_run(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            created = imports.apply_run(run=run, by=person(request))
        except imports.ImportRefused as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s appel ajouté au tableau.",
                    "%(n)s appels ajoutés au tableau.",
                    len(created),
                )
                % {"n": len(created)},
            )
        return redirect("opportunities:import-run", pk=run.pk)
    return render(request, "opportunities/import_run.html", {"run": run})


@login_required
def import_template(request: HttpRequest) -> StreamingHttpResponse:
    from maillage.opportunities import imports

    if not selectors.may_enter_calls(user=request.user):
        raise PermissionDenied
    return csv_response(imports.template_rows(), filename="appels-modele.csv")


# --- Dashboard --------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not selectors.may_enter_calls(user=request.user):
        raise PermissionDenied
    return render(
        request,
        "opportunities/dashboard.html",
        {"figures": selectors.dashboard(user=request.user)},
    )


@login_required
def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    if not selectors.may_enter_calls(user=request.user):
        raise PermissionDenied
    return csv_response(
        selectors.dashboard_rows(user=request.user),
        filename="reponses-aux-appels.csv",
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )


# --- A place's calls --------------------------------------------------------------------------


@login_required
def place_calls(request: HttpRequest, slug: str) -> HttpResponse:
    """For a place's managers: the calls that fit it, what it follows, its track record."""
    place = get_place_for_manager(user=request.user, slug=slug)
    return render(
        request,
        "opportunities/place_calls.html",
        {
            "place": place,
            "fits": selectors.calls_for_place(place=place, limit=15),
            "tracks": selectors.tracks_of_place(place=place),
        },
    )
