"""Pages of the communication kit and the case library."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from maillage.accounts.requests import person
from maillage.commons import licences
from maillage.communication import kit
from maillage.communication.models import KitAction, ResourceKind
from maillage.lib.forms import show_refusal
from maillage.lib.uploads import upload_limit
from maillage.places.selectors import places_managed_by


class ResourceForm(forms.Form):
    network = forms.ChoiceField(label=_l("Réseau"))
    kind = forms.ChoiceField(label=_l("Type"), choices=ResourceKind.choices)
    title = forms.CharField(label=_l("Titre"), max_length=200)
    summary = forms.CharField(label=_l("En une phrase"), max_length=300)
    body = forms.CharField(
        label=_l("Texte (argumentaire, mode d'emploi…)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    context = forms.CharField(
        label=_l("Cas : le contexte"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    what_they_did = forms.CharField(
        label=_l("Cas : ce que le lieu a fait"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    results = forms.CharField(
        label=_l("Cas : les résultats"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contacts = forms.CharField(
        label=_l("Cas : personnes à contacter (avec leur accord)"), required=False, max_length=500
    )
    place = forms.ChoiceField(label=_l("Lieu concerné"), required=False)
    licence = forms.ChoiceField(
        label=_l("Licence"), choices=licences.CHOICES, initial="CC-BY-SA-4.0"
    )
    credit = forms.CharField(
        label=_l("Crédit (auteur·rice, photographe)"), max_length=200, required=False
    )
    tags = forms.CharField(
        label=_l("Mots-clés (séparés par des virgules)"), required=False, max_length=300
    )
    actions = forms.MultipleChoiceField(
        label=_l("Actions"),
        choices=KitAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label=_l("Fichier (PDF, image, document bureautique — 20 Mo au plus)"), required=False
    )

    def __init__(self, *args, networks=(), places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.networks = {str(n.pk): n for n in networks}
        self.places = {str(p.pk): p for p in places}
        self.fields["network"].choices = [(k, n.name) for k, n in self.networks.items()]
        self.fields["place"].choices = [("", "—")] + [(k, p.name) for k, p in self.places.items()]

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class VersionForm(forms.Form):
    file = forms.FileField(label=_l("Nouveau fichier"))
    note = forms.CharField(label=_l("Ce qui change"), max_length=300, required=False)


def kit_list(request: HttpRequest) -> HttpResponse:
    filters = kit.KitFilters.from_query(request.GET)
    resources = kit.search(filters, limit=120)
    context = {
        "filters": filters,
        "resources": [(r, next(iter(r.versions.all()), None)) for r in resources],
        "kinds": ResourceKind.choices,
        "actions": KitAction.choices,
        "may_contribute": kit.contributable_networks(user=request.user).exists(),
        "to_review": kit.to_review(user=request.user).count()
        if request.user.is_authenticated
        else 0,
    }
    return render(request, "communication/kit_list.html", context)


def kit_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = kit.get_resource_for_viewer(user=request.user, slug=slug)
    user = request.user
    context = {
        "resource": resource,
        "versions": list(resource.versions.all()),
        "latest": kit.latest_version(resource),
        "licence_name": licences.name_of(resource.licence),
        "licence_url": licences.spdx_url(resource.licence),
        "may_edit": kit.can_edit(user=user, resource=resource),
        "may_review": kit.can_review(user=user, resource=resource) and resource.status == "pending",
        "places": list(places_managed_by(user=user)) if user.is_authenticated else [],
        "version_form": VersionForm(),
        "adaptations": resource.adaptations.filter(status="published"),
    }
    return render(request, "communication/kit_detail.html", context)


@login_required
@upload_limit(kit.max_kit_bytes)
def kit_create(request: HttpRequest) -> HttpResponse:
    user = person(request)
    networks = list(kit.contributable_networks(user=user))
    if not networks:
        raise PermissionDenied
    initial = {"kind": request.GET.get("type", "")}
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        networks=networks,
        places=places_managed_by(user=user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = form.networks[data.pop("network")]
        data["place"] = form.places.get(data.get("place") or "")
        upload = data.pop("file", None)
        try:
            resource = kit.contribute(
                by=user, network=network, data=kit.ResourceData.from_mapping(data), upload=upload
            )
        except kit.KitError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Ressource publiée.")
                if resource.status == "published"
                else _("Merci ! La coordination va relire votre contribution."),
            )
            return redirect(resource)
    return render(
        request,
        "communication/small_form.html",
        {
            "form": form,
            "title": _("Contribuer à la valise"),
            "submit": _("Envoyer"),
            "multipart": True,
            "intro": _(
                "Argumentaires, modèles, logos, photos (avec leur crédit), diaporamas, affiches, fiches pratiques ou cas : ce qui a servi à votre lieu peut servir aux autres."
            ),
        },
    )


@login_required
@require_POST
@upload_limit(kit.max_kit_bytes)
def kit_version(request: HttpRequest, slug: str) -> HttpResponse:
    resource = kit.get_resource_for_viewer(user=request.user, slug=slug)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            kit.add_version(
                by=person(request),
                resource=resource,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except kit.KitError as refusal:
            if refusal.status == 403:
                raise PermissionDenied from refusal
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Nouvelle version enregistrée."))
    else:
        messages.error(request, _("Choisissez un fichier."))
    return redirect(resource)


@login_required
def kit_review_queue(request: HttpRequest) -> HttpResponse:
    pending = kit.to_review(user=request.user)
    if not pending.exists() and not kit.networks_coordinated_by(user=request.user).exists():
        raise PermissionDenied
    return render(request, "communication/kit_review.html", {"pending": pending})


@login_required
@require_POST
def kit_review(request: HttpRequest, slug: str, answer: str) -> HttpResponse:
    resource = kit.get_resource_for_viewer(user=request.user, slug=slug)
    try:
        kit.review(
            by=person(request),
            resource=resource,
            accept=answer == "publier",
            note=request.POST.get("note", ""),
        )
    except kit.KitError as refusal:
        if refusal.status == 403:
            raise PermissionDenied from refusal
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request, _("Ressource publiée.") if answer == "publier" else _("Ressource refusée.")
        )
    return redirect(resource)


@login_required
@require_POST
def kit_adapt(request: HttpRequest, slug: str) -> HttpResponse:
    resource = kit.get_resource_for_viewer(user=request.user, slug=slug)
    place = next(
        (p for p in places_managed_by(user=request.user) if str(p.pk) == request.POST.get("place")),
        None,
    )
    if place is None:
        messages.error(request, _("Choisissez un de vos lieux."))
        return redirect(resource)
    try:
        copy = kit.adapt(by=person(request), resource=resource, place=place)
    except kit.KitError as refusal:
        messages.error(request, str(refusal.message))
        return redirect(resource)
    messages.success(request, _("Votre version est créée, avec l'attribution de l'original."))
    return redirect(copy)


def _serve(field, *, name: str, content_type: str, attachment: bool) -> FileResponse:
    response = FileResponse(
        field.open("rb"), as_attachment=attachment, filename=name, content_type=content_type
    )
    # Served as what we sniffed it to be, never guessed, never run.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def kit_download(request: HttpRequest, slug: str, number: int) -> FileResponse:
    resource = kit.get_resource_for_viewer(user=request.user, slug=slug)
    version = get_object_or_404(resource.versions, number=number)
    kit.record_download(resource)
    ext = (version.file.name or "").rsplit(".", 1)[-1]
    return _serve(
        version.file,
        name=f"{resource.slug}-v{number}.{ext}",
        content_type=version.content_type,
        attachment=True,
    )


def kit_preview(request: HttpRequest, slug: str, number: int) -> FileResponse:
    resource = kit.get_resource_for_viewer(user=request.user, slug=slug)
    version = get_object_or_404(resource.versions, number=number)
    if not version.preview:
        raise Http404
    return _serve(
        version.preview,
        name=f"{resource.slug}-v{number}.jpg",
        content_type="image/jpeg",
        attachment=False,
    )
