"""Pages of the commons catalogue: thin views over selectors and services."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.requests import person
from maillage.commons import exports, licences, qualification, selectors, services
from maillage.commons.forms import CommonsForm, ContributionForm, HelpForm, LinkForm, UsageForm
from maillage.commons.models import Usage
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.networks.selectors import networks_guided_by
from maillage.places.selectors import places_managed_by


def commons_list(request: HttpRequest) -> HttpResponse:
    filters, notices = selectors.CommonsFilters.from_query(request.GET)
    result = selectors.search_commons(filters)
    context = {
        "filters": filters,
        "result": result,
        "notices": notices,
        "radius_choices": selectors.RADIUS_CHOICES,
        "may_create": networks_guided_by(user=request.user).exists(),
        "query": request.GET.urlencode(),
    }
    return render(request, "commons/commons_list.html", context)


def commons_detail(request: HttpRequest, slug: str) -> HttpResponse:
    commons = selectors.get_public_commons(slug=slug, user=request.user)
    user = request.user
    contacts = list(commons.contacts.all())
    context = {
        "commons": commons,
        "jsonld": selectors.commons_jsonld(commons=commons, request=request),
        "licence_name": licences.name_of(commons.licence),
        "licence_url": licences.spdx_url(commons.licence),
        "licence_open": licences.is_fully_open(commons.licence),
        "contacts": contacts,
        "my_contact": next((c for c in contacts if c.user_id == user.pk), None),
        "may_curate": selectors.can_curate(user=user, commons=commons),
        "usable_places": selectors.usable_places(user=user, commons=commons)
        if user.is_authenticated
        else [],
        "my_place_ids": {p.pk for p in places_managed_by(user=user)},
        "readings": qualification.readings(commons=commons),
        "health": qualification.health(commons=commons),
        "questions": commons.questions.all(),
    }
    return render(request, "commons/commons_detail.html", context)


def _edit(request: HttpRequest, commons: object | None) -> HttpResponse:
    networks = networks_guided_by(user=request.user)
    form = CommonsForm(request.POST or None, instance=commons, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = services.CommonsData.from_mapping(form.cleaned_data)
        try:
            if commons is None:
                saved = services.create_commons(by=person(request), data=data)
            else:
                saved = services.update_commons(commons=commons, by=person(request), data=data)  # type: ignore[arg-type]
        except services.CommonsError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request, _("Le commun « %(name)s » est enregistré.") % {"name": saved.name}
            )
            return redirect(saved)
    return render(request, "commons/commons_form.html", {"form": form, "commons": commons})


@login_required
def commons_create(request: HttpRequest) -> HttpResponse:
    if not networks_guided_by(user=request.user).exists():
        raise PermissionDenied(
            _(
                "Les communs sont référencés par les aiguilleur·ses et coordinateur·rices d'un réseau."
            )
        )
    return _edit(request, None)


@login_required
def commons_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _edit(request, selectors.get_commons_for_curator(user=request.user, slug=slug))


@login_required
def link_add(request: HttpRequest, slug: str) -> HttpResponse:
    commons = selectors.get_commons_for_curator(user=request.user, slug=slug)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_link(commons=commons, by=person(request), **form.cleaned_data)
        except services.CommonsError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Le lien est ajouté."))
            return redirect(commons)
    title = _("Ajouter un lien")
    return render(
        request, "commons/small_form.html", {"form": form, "commons": commons, "title": title}
    )


@login_required
def usage_declare(request: HttpRequest, slug: str) -> HttpResponse:
    commons = selectors.get_public_commons(slug=slug, user=request.user)
    places = selectors.usable_places(user=request.user, commons=commons)
    form = UsageForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_usage(commons=commons, by=person(request), **form.cleaned_data)
        except services.CommonsError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request, _("C'est noté : votre lieu apparaît parmi ceux qui l'utilisent.")
            )
            return redirect(commons)
    context = {
        "form": form,
        "commons": commons,
        "title": _("Mon lieu utilise ce commun"),
        "empty": not places,
        "empty_text": _("Vous ne gérez aucun lieu qui n'ait pas déjà déclaré ce commun."),
    }
    return render(request, "commons/small_form.html", context)


@login_required
@require_POST
def usage_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    usage = get_object_or_404(
        Usage.objects.select_related("place", "commons"), pk=pk, commons__slug=slug
    )
    try:
        services.withdraw_usage(usage=usage, by=person(request))
    except services.CommonsError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Votre lieu n'apparaît plus parmi ceux qui l'utilisent."))
    return redirect(usage.commons)


@login_required
def help_offer(request: HttpRequest, slug: str) -> HttpResponse:
    commons = selectors.get_public_commons(slug=slug, user=request.user)
    current = commons.contacts.filter(user=person(request)).first()
    form = HelpForm(
        request.POST or None, initial={"helps_with": current.helps_with if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_help(commons=commons, by=person(request), **form.cleaned_data)
        except services.CommonsError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Merci : vous apparaissez parmi les personnes à appeler."))
            return redirect(commons)
    return render(
        request,
        "commons/small_form.html",
        {"form": form, "commons": commons, "title": _("Je peux aider sur ce commun")},
    )


@login_required
@require_POST
def help_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    commons = selectors.get_public_commons(slug=slug, user=request.user)
    services.withdraw_help(commons=commons, by=person(request))
    messages.success(request, _("Vous n'apparaissez plus parmi les personnes à appeler."))
    return redirect(commons)


@login_required
def contribution_log(request: HttpRequest, slug: str) -> HttpResponse:
    commons = selectors.get_public_commons(slug=slug, user=request.user)
    form = ContributionForm(request.POST or None, places=places_managed_by(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.log_contribution(commons=commons, by=person(request), **form.cleaned_data)
        except services.CommonsError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("La contribution est ajoutée au journal du commun."))
            return redirect(commons)
    return render(
        request,
        "commons/small_form.html",
        {"form": form, "commons": commons, "title": _("Signaler une contribution")},
    )


def commons_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    rows = exports.rows(selectors.published_commons())
    if fmt == "json":
        response = HttpResponse(
            json.dumps(exports.as_json(rows), ensure_ascii=False, indent=1, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="communs.json"'
        return response
    return csv_response(
        ([row[c] for c in exports.COLUMNS] for row in rows),
        filename="communs.csv",
        header=exports.COLUMNS,
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )
