"""Pages of the coordination of the soucieux·ses: the group's page (meeting, agenda points,
practice space, codev groups, onboarding checklist, agreements), the meeting and agreement
forms, and the small actions posted from the page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from maillage.accounts.requests import person
from maillage.communication import coordination, kit
from maillage.communication.models import AgendaPoint, FundingSource, OnboardingItem
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation
from maillage.lib.forms import EurosField, show_refusal
from maillage.lib.money import format_cents
from maillage.lib.uploads import upload_limit

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class OpenForm(forms.Form):
    purpose = forms.CharField(
        label=_l("Raison d'être du groupe"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_l(
            "Échanger nos pratiques entre soucieux·ses des cercles, préparer ensemble ce qui "
            "concerne tout le réseau et nous entraider en codéveloppement."
        ),
    )


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_l("Première réunion"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    minutes = forms.TypedChoiceField(
        label=_l("Durée"),
        coerce=int,
        choices=[
            (60, _l("1 heure")),
            (90, _l("1 h 30")),
            (120, _l("2 heures")),
            (180, _l("3 heures")),
        ],
        initial=90,
    )
    rhythm = forms.ChoiceField(label=_l("Rythme"), choices=coordination.Rhythm.choices)
    online_url = forms.URLField(
        label=_l("Adresse de la visio (facultative)"), required=False, max_length=500
    )
    members_only = forms.BooleanField(
        label=_l("Réservée aux membres du réseau dans l'agenda"), required=False, initial=True
    )


class PointForm(forms.Form):
    circle = forms.ChoiceField(label=_l("Cercle qui apporte le point"))
    title = forms.CharField(label=_l("Le point, en une ligne"), max_length=200)
    details = forms.CharField(
        label=_l("Précisions (facultatives)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, circles, **kwargs):
        super().__init__(*args, **kwargs)
        self.circles = {str(c.pk): c for c in circles}
        self.fields["circle"].choices = [(str(c.pk), c.name) for c in circles]


class ClosePointForm(forms.Form):
    status = forms.ChoiceField(
        label=_l("Issue"),
        choices=[
            (AgendaPoint.Status.DISCUSSED, _l("Traité")),
            (AgendaPoint.Status.SET_ASIDE, _l("Écarté")),
        ],
    )
    outcome = forms.CharField(
        label=_l("Ce qui en est sorti"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ItemForm(forms.Form):
    label = forms.CharField(label=_l("Nouvelle étape"), max_length=200)
    help_text = forms.CharField(
        label=_l("Comment faire (facultatif)"), max_length=400, required=False
    )


class AgreementForm(forms.Form):
    person = forms.ChoiceField(label=_l("Soucieux·se"))
    circle = forms.ChoiceField(label=_l("Cercle (facultatif)"), required=False)
    amount = EurosField(label=_l("Montant"), min_cents=1, max_cents=10_000_000)
    funding_source = forms.ChoiceField(label=_l("Financement"), choices=FundingSource.choices)
    funder = forms.CharField(
        label=_l("Financeur (facultatif)"),
        max_length=150,
        required=False,
        help_text=_l("Par exemple : Région Hauts-de-France, programme « Tiers-lieux »."),
    )
    starts_on = forms.DateField(label=_l("Du"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_l("Au"), widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.FileField(
        label=_l("Convention signée"),
        help_text=_l("PDF, ODT ou DOCX (ou sa photo en JPEG ou PNG), 10 Mo au plus."),
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(row.user.pk): row for row in rows}
        self.fields["person"].choices = [
            (str(row.user.pk), f"{row.user.public_name} ({', '.join(c.name for c in row.circles)})")
            for row in rows
        ]
        circles = {c.pk: c for row in rows for c in row.circles}
        self.circles = {str(pk): c for pk, c in circles.items()}
        self.fields["circle"].choices = [("", "—")] + [
            (str(c.pk), c.name) for c in sorted(circles.values(), key=lambda c: c.name)
        ]


def _page_url(network) -> str:
    return reverse("communication:coordination", args=[network.slug])


def _group_for_manager(request: HttpRequest, slug: str):
    user = person(request)
    network = coordination.get_network(slug=slug)
    if not coordination.can_manage(user=user, network=network):
        raise PermissionDenied
    group = coordination.group_of(network)
    if group is None:
        raise Http404
    return user, network, group


def group_page(request: HttpRequest, slug: str, *, point_form=None, item_form=None, status=200):
    network = coordination.get_network(slug=slug)
    group = coordination.group_of(network)
    rows = coordination.stewards(network=network)
    me = coordination.access(user=request.user, network=network, rows=rows)
    context: dict = {
        "network": network,
        "group": group,
        "rows": rows,
        "circles": sorted(
            {c.pk: c for r in rows for c in r.circles}.values(), key=lambda c: c.name
        ),
        "me": me,
    }
    if group is None:
        if me.manages:
            context["open_form"] = OpenForm()
        return render(request, "communication/coordination.html", context, status=status)
    context["sessions"] = coordination.next_sessions(group)
    if me.insider:
        user = request.user
        proposable = context["circles"] if me.manages else me.circles
        context.update(
            points=list(coordination.open_points(group)),
            closed=coordination.closed_points(group),
            point_form=point_form
            or PointForm(circles=proposable, initial={"circle": request.GET.get("cercle", "")}),
            close_form=ClosePointForm(),
            checklist=coordination.checklist_of(group=group, user=user) if me.circles else [],
            agreements=coordination.agreements_for(group=group, user=user, manages=me.manages),
            cases=kit.search(kit.KitFilters(kind="case", network=network.slug), limit=5),
            codev_groups=_codev_groups(user, network),
        )
        if me.manages:
            context["progress"] = coordination.onboarding_progress(group=group, rows=rows)
            context["item_form"] = item_form or ItemForm()
            context["items"] = list(group.onboarding_items.all())
    return render(request, "communication/coordination.html", context, status=status)


def _codev_groups(user, network) -> list:
    from maillage.services.selectors import groups_visible_to

    return list(groups_visible_to(user=user).filter(network=network).order_by("name")[:10])


@login_required
@require_POST
def group_open(request: HttpRequest, slug: str) -> HttpResponse:
    user = person(request)
    network = coordination.get_network(slug=slug)
    form = OpenForm(request.POST)
    if not form.is_valid():
        return group_page(request, slug, status=422)
    try:
        coordination.open_group(by=user, network=network, purpose=form.cleaned_data["purpose"])
    except coordination.NotAllowed as refusal:
        raise PermissionDenied(str(refusal.message)) from refusal
    messages.success(request, _("La coordination des soucieux·ses est ouverte."))
    return redirect(_page_url(network))


@login_required
def meeting_set(request: HttpRequest, slug: str) -> HttpResponse:
    user, network, group = _group_for_manager(request, slug)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            coordination.set_meeting(
                by=user,
                group=group,
                data=coordination.MeetingData(
                    starts_at=form.cleaned_data["starts_at"],
                    minutes=form.cleaned_data["minutes"],
                    rhythm=form.cleaned_data["rhythm"],
                    online_url=form.cleaned_data["online_url"],
                    members_only=form.cleaned_data["members_only"],
                ),
            )
        except coordination.CoordinationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("La réunion de coordination est dans l'agenda du réseau."))
            return redirect(_page_url(network))
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "communication/small_form.html",
        {
            "title": _("Réunion de coordination des soucieux·ses"),
            "intro": _(
                "La réunion entre dans l'agenda du réseau avec ses séances à venir et son "
                "abonnement iCal. Une réunion déjà prévue est remplacée (ses séances annulées)."
            ),
            "form": form,
            "submit": _("Mettre à l'agenda"),
            "back": _page_url(network),
        },
        status=status,
    )


@login_required
@require_POST
def point_propose(request: HttpRequest, slug: str) -> HttpResponse:
    user = person(request)
    network = coordination.get_network(slug=slug)
    group = coordination.group_of(network)
    if group is None:
        raise Http404
    rows = coordination.stewards(network=network)
    me = coordination.access(user=user, network=network, rows=rows)
    if not me.insider:
        raise PermissionDenied
    circles = (
        sorted({c.pk: c for r in rows for c in r.circles}.values(), key=lambda c: c.name)
        if me.manages
        else me.circles
    )
    form = PointForm(request.POST, circles=circles)
    if form.is_valid():
        try:
            coordination.propose_point(
                by=user,
                group=group,
                circle=form.circles.get(form.cleaned_data["circle"]),
                title=form.cleaned_data["title"],
                details=form.cleaned_data["details"],
            )
        except coordination.CoordinationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Le point est à l'ordre du jour de la coordination."))
            return redirect(_page_url(network) + "#ordre-du-jour")
    return group_page(request, slug, point_form=form, status=422)


@login_required
def point_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, network, group = _group_for_manager(request, slug)
    point = get_object_or_404(group.points.select_related("circle"), pk=pk)
    form = ClosePointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            coordination.close_point(
                by=user,
                point=point,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
            )
        except coordination.CoordinationError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Le point est clos."))
            return redirect(_page_url(network) + "#ordre-du-jour")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "communication/small_form.html",
        {
            "title": _("Clore le point « %(title)s »") % {"title": point.title},
            "intro": _("Apporté par le cercle %(circle)s.") % {"circle": point.circle.name},
            "form": form,
            "submit": _("Clore le point"),
            "back": _page_url(network) + "#ordre-du-jour",
        },
        status=status,
    )


@login_required
@require_POST
def item_add(request: HttpRequest, slug: str) -> HttpResponse:
    user, network, group = _group_for_manager(request, slug)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            coordination.add_item(by=user, group=group, **form.cleaned_data)
        except coordination.CoordinationError as refusal:
            show_refusal(form, refusal)
        else:
            return redirect(_page_url(network) + "#accueil")
    return group_page(request, slug, item_form=form, status=422)


@login_required
def item_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, network, group = _group_for_manager(request, slug)
    item = get_object_or_404(OnboardingItem.objects.filter(group=group), pk=pk)
    if not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                title=_("Retirer cette étape de la liste d'accueil ?"),
                confirm_label=_("Retirer l'étape"),
                cancel_url=_page_url(network) + "#accueil",
                facts=[(_("Étape"), item.label)],
                consequences=[
                    _("Les coches des soucieux·ses pour cette étape disparaissent avec elle.")
                ],
                danger=True,
            ),
        )
    coordination.remove_item(by=user, item=item)
    messages.success(request, _("L'étape est retirée de la liste d'accueil."))
    return redirect(_page_url(network) + "#accueil")


@login_required
@require_POST
def item_tick(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = person(request)
    network = coordination.get_network(slug=slug)
    item = get_object_or_404(OnboardingItem.objects.filter(group__network=network), pk=pk)
    try:
        coordination.tick(by=user, item=item, done=request.POST.get("done") == "oui")
    except coordination.CoordinationError as refusal:
        raise PermissionDenied(str(refusal.message)) from refusal
    return redirect(_page_url(network) + "#accueil")


@login_required
@upload_limit(coordination.max_agreement_bytes)
def agreement_create(request: HttpRequest, slug: str) -> HttpResponse:
    user, network, group = _group_for_manager(request, slug)
    rows = coordination.stewards(network=network)
    form = AgreementForm(request.POST or None, request.FILES or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = form.people[data["person"]]
        try:
            coordination.record_agreement(
                by=user,
                group=group,
                data=coordination.AgreementData(
                    person=row.user,
                    circle=form.circles.get(data["circle"] or ""),
                    amount_cents=data["amount"],
                    funding_source=data["funding_source"],
                    funder=data["funder"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                ),
                document=data["document"],
            )
        except coordination.CoordinationError as refusal:
            show_refusal(form, refusal, near="document")
        else:
            messages.success(request, _("La convention est enregistrée."))
            return redirect(_page_url(network) + "#conventions")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "communication/small_form.html",
        {
            "title": _("Enregistrer une convention"),
            "intro": _(
                "La convention d'un·e soucieux·se avec le réseau : le document signé, le "
                "montant, son financement et la période. Elle est visible de la coordination "
                "et de la personne concernée."
            ),
            "form": form,
            "submit": _("Enregistrer la convention"),
            "back": _page_url(network) + "#conventions",
            "multipart": True,
        },
        status=status,
    )


def agreement_document(request: HttpRequest, pk: int) -> FileResponse:
    agreement = coordination.get_agreement_for_reader(user=request.user, pk=pk)
    ext = (agreement.document.name or "").rsplit(".", 1)[-1]
    response = FileResponse(
        agreement.document.open("rb"),
        as_attachment=True,
        filename=f"convention-{agreement.starts_on:%Y}-{agreement.pk}.{ext}",
        content_type=agreement.document_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def agreement_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = coordination.get_agreement_for_reader(user=user, pk=pk)
    network = agreement.group.network
    if not coordination.can_manage(user=user, network=network):
        raise PermissionDenied
    back = _page_url(network) + "#conventions"
    if not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                title=_("Retirer cette convention ?"),
                confirm_label=_("Retirer la convention"),
                cancel_url=back,
                facts=[
                    (_("Soucieux·se"), agreement.person.public_name),
                    (_("Montant"), format_cents(agreement.amount_cents)),
                    (_("Financement"), str(agreement.get_funding_source_display())),
                ],
                consequences=[
                    _("La convention et son document sont effacés : cela ne se défait pas.")
                ],
                danger=True,
            ),
        )
    coordination.remove_agreement(by=user, agreement=agreement)
    messages.success(request, _("La convention est retirée."))
    return redirect(back)
