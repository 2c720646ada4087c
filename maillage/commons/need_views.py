"""Pages of the places' priority needs: the public ranking (and its CSV), a place's own needs
for its managers, supporting and withdrawing."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.requests import person
from maillage.commons import need_selectors, needs
from maillage.commons.forms import NeedForm
from maillage.commons.services import CommonsError
from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation, safe_next
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.networks.models import Network
from maillage.networks.selectors import get_network
from maillage.places.models import Place
from maillage.places.selectors import get_place_for_manager, places_managed_by


def _networks_filter(request: HttpRequest) -> tuple[QuerySet[Network] | None, Network | None]:
    """The networks asked by `?reseau=<slug>` — one from the page, or the several an
    aiguillage's dashboard shows (404 for an unknown one) — and the network when only one;
    (None, None) for every network."""
    slugs = list(dict.fromkeys(slug for slug in request.GET.getlist("reseau") if slug))
    if not slugs:
        return None, None
    found = [get_network(slug=slug) for slug in slugs]
    return Network.objects.filter(pk__in=[n.pk for n in found]), (
        found[0] if len(found) == 1 else None
    )


def need_list(request: HttpRequest) -> HttpResponse:
    networks, network = _networks_filter(request)
    ranked = list(need_selectors.ranked_needs(networks=networks))
    context = {
        "needs": ranked,
        "network": network,
        "filtered": networks is not None,
        # The CSV exports what the page shows: the same networks.
        "csv_query": urlencode([("reseau", n.slug) for n in networks]) if networks else "",
        "choices": need_selectors.support_choices(user=request.user, needs=ranked),
        "managed": request.user.is_authenticated and places_managed_by(user=request.user).exists(),
    }
    return render(request, "commons/need_list.html", context)


def need_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The ranking as CSV, of the networks the page (or the aiguillage's dashboard) shows."""
    networks, network = _networks_filter(request)
    filename = f"besoins-prioritaires-{network.slug}.csv" if network else "besoins-prioritaires.csv"
    rows = (
        [
            rank,
            need.title,
            need.get_action_display() if need.action else "",
            need.get_domain_display() if need.domain else "",
            need.place.name,
            need.network.name,
            need.support_count,  # type: ignore[attr-defined]
            need.created_at.date().isoformat(),
        ]
        for rank, need in enumerate(need_selectors.ranked_needs(networks=networks), start=1)
    )
    # The places' names are public; who posted or supported is not said.
    return csv_response(
        rows,
        filename=filename,
        header=["rang", "besoin", "action", "domaine", "lieu", "reseau", "soutiens", "publie_le"],
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )


@login_required
def place_needs(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_manager(user=request.user, slug=slug)
    networks = need_selectors.networks_of_place(place=place)
    form = NeedForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = needs.NeedData(
            title=form.cleaned_data["title"],
            details=form.cleaned_data["details"],
            action=form.cleaned_data["action"],
            domain=form.cleaned_data["domain"],
        )
        try:
            needs.post_need(
                place=place, network=form.cleaned_data["network"], data=data, by=person(request)
            )
        except CommonsError as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request, _("Le besoin est publié : les autres lieux peuvent le soutenir.")
            )
            return redirect("commons:place-needs", slug=place.slug)
    context = {
        "place": place,
        "form": form,
        "networks": networks,
        "needs": need_selectors.needs_of_place(place=place),
    }
    return render(request, "commons/place_needs.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(safe_next(request) or "commons:needs")


def _managed_place(request: HttpRequest) -> Place:
    return get_object_or_404(
        places_managed_by(user=request.user), pk=request.POST.get("place") or 0
    )


@login_required
@require_POST
def need_support(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_selectors.get_open_need(pk=pk)
    place = _managed_place(request)
    try:
        needs.support_need(need=need, place=place, by=person(request))
    except CommonsError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request,
            _("« %(place)s » soutient ce besoin.") % {"place": place.name},
        )
    return _back(request)


@login_required
@require_POST
def need_unsupport(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_selectors.get_open_need(pk=pk)
    place = _managed_place(request)
    needs.withdraw_support(need=need, place=place, by=person(request))
    messages.success(request, _("Le soutien est retiré."))
    return _back(request)


@login_required
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_selectors.get_open_need(pk=pk)
    place = get_place_for_manager(user=request.user, slug=need.place.slug)
    back = redirect("commons:place-needs", slug=place.slug)
    if not is_confirmed(request):
        supports = need.supports.count()
        return render_confirmation(
            request,
            Confirmation(
                title=_("Retirer ce besoin"),
                confirm_label=_("Retirer le besoin"),
                cancel_url=back.url,
                facts=[
                    (_("Besoin"), need.title),
                    (_("Lieu"), place.name),
                    (_("Soutiens"), str(supports)),
                ],
                consequences=[
                    _("Le besoin quitte le classement et le prochain appel à communs."),
                    _("Il ne pourra plus recevoir de soutien ; ses soutiens restent notés."),
                ],
                danger=True,
            ),
        )
    try:
        needs.close_need(need=need, by=person(request))
    except CommonsError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Le besoin est retiré."))
    return back


@login_required
def my_place_needs(request: HttpRequest) -> HttpResponse:
    """From the ranking: the needs page of the place one manages (a choice when several)."""
    places = list(places_managed_by(user=request.user).order_by("name"))
    if len(places) == 1:
        return redirect("commons:place-needs", slug=places[0].slug)
    if not places:
        raise PermissionDenied(_("Les besoins prioritaires se publient au nom d'un lieu géré."))
    return render(request, "commons/my_place_needs.html", {"places": places})
