from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.lib.forms import show_refusal
from maillage.networks import selectors, services
from maillage.networks.forms import (
    ApplyForm,
    NetworkForm,
    ReasonForm,
    RoleForm,
    TerritoryForm,
)
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.selectors import places_geojson, places_managed_by


def network_list(request: HttpRequest) -> HttpResponse:
    networks = selectors.public_networks()
    coordinated = selectors.networks_coordinated_by(user=request.user).order_by("name")
    return render(
        request,
        "networks/network_list.html",
        {"networks": networks, "coordinated": list(coordinated)},
    )


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network(slug=slug)
    places = selectors.member_places(network=network)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "places": places,
            "geojson": places_geojson(places),
            "children": selectors.child_networks(network=network),
            "summary": selectors.territory_summary(network=network),
            "is_coordinator": selectors.is_coordinator(user=request.user, network=network),
        },
    )


@login_required
def network_create(request: HttpRequest) -> HttpResponse:
    parents = selectors.networks_coordinated_by(user=request.user)
    form = NetworkForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.create_network(
                by=request.user, data=services.NetworkData.from_mapping(form.cleaned_data)
            )
        except services.NetworkError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Le réseau a été créé : vous en êtes coordinateur·rice."))
            return redirect(network)
    return render(request, "networks/network_form.html", {"form": form, "network": None})


@login_required
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_coordinator(user=request.user, slug=slug)
    parents = selectors.networks_coordinated_by(user=request.user)
    # Bind to a copy so a refused change does not leak into the page around the form.
    form = NetworkForm(
        request.POST or None,
        instance=selectors.get_network(slug=slug),
        parents=parents,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_network(
                network=network,
                by=request.user,
                data=services.NetworkData.from_mapping(form.cleaned_data),
            )
        except services.NetworkError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Le réseau a été mis à jour."))
            return redirect(network)
    return render(request, "networks/network_form.html", {"form": form, "network": network})


@login_required
def network_territory(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_coordinator(user=request.user, slug=slug)
    form = TerritoryForm(
        request.POST or None,
        initial={"codes": selectors.territory_codes_text(network=network)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.set_territory(
                network=network, by=request.user, codes_text=form.cleaned_data["codes"]
            )
        except services.NetworkError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Territoire enregistré : %(count)s communes.") % {"count": change.commune_count},
            )
            return redirect("networks:network-territory", slug=network.slug)
    return render(
        request,
        "networks/network_territory.html",
        {
            "network": network,
            "form": form,
            "summary": selectors.territory_summary(network=network),
        },
    )


@login_required
def network_roles(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_coordinator(user=request.user, slug=slug)
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.add_role(network=network, by=request.user, **form.cleaned_data)
        except services.NetworkError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(person)s est désormais %(role)s.")
                % {"person": role.user, "role": role.get_role_display().lower()},
            )
            return redirect("networks:network-roles", slug=network.slug)
    return render(
        request,
        "networks/network_roles.html",
        {"network": network, "form": form, "roles": selectors.network_roles(network=network)},
    )


@login_required
@require_POST
def role_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    role = selectors.get_role_for_coordinator(user=request.user, slug=slug, pk=pk)
    try:
        services.remove_role(role=role, by=request.user)
    except services.NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except services.NetworkError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le rôle a été retiré."))
    return redirect("networks:network-roles", slug=slug)


@login_required
def membership_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network_for_coordinator(user=request.user, slug=slug)
    return render(
        request,
        "networks/membership_list.html",
        {
            "network": network,
            "groups": selectors.memberships_by_status(network=network),
            "reason_form": ReasonForm(),
        },
    )


def _render_membership(
    request: HttpRequest,
    membership: Membership,
    *,
    reason_form: ReasonForm | None = None,
    failed_action: str = "",
) -> HttpResponse:
    return render(
        request,
        "networks/membership_detail.html",
        {
            "network": membership.network,
            "membership": membership,
            "events": selectors.membership_events(membership=membership),
            "is_coordinator": selectors.is_coordinator(
                user=request.user, network=membership.network
            ),
            "reason_form": reason_form or ReasonForm(),
            "failed_action": failed_action,
        },
    )


@login_required
def membership_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_viewer(user=request.user, slug=slug, pk=pk)
    return _render_membership(request, membership)


Transition = Callable[..., Membership]

# URL word → (service, whether it takes a reason, only coordinators may do it, success message)
TRANSITIONS: dict[str, tuple[Transition, bool, bool, Promise]] = {
    "examiner": (
        services.start_review,
        False,
        True,
        gettext_lazy("La candidature est en cours d'examen."),
    ),
    "accepter": (services.accept_membership, False, True, gettext_lazy("L'adhésion est acceptée.")),
    "refuser": (
        services.refuse_membership,
        True,
        True,
        gettext_lazy("La candidature est refusée."),
    ),
    "suspendre": (
        services.suspend_membership,
        True,
        True,
        gettext_lazy("L'adhésion est suspendue."),
    ),
    "reintegrer": (
        services.reinstate_membership,
        False,
        True,
        gettext_lazy("L'adhésion est rétablie."),
    ),
    "quitter": (services.leave_network, False, False, gettext_lazy("Le lieu a quitté le réseau.")),
}


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def membership_transition(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    service, takes_reason, coordinators_only, done = TRANSITIONS[action]
    if coordinators_only:
        membership = selectors.get_membership_for_coordinator(user=request.user, slug=slug, pk=pk)
    else:
        membership = selectors.get_membership_for_viewer(user=request.user, slug=slug, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("reason", "")
    try:
        if takes_reason:
            service(membership=membership, by=request.user, reason=text)
        else:
            service(membership=membership, by=request.user, note=text)
    except services.NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except services.ReasonRequired as error:
        show_refusal(form, error)
        membership.refresh_from_db()
        return _render_membership(request, membership, reason_form=form, failed_action=action)
    except services.NetworkError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(
        _safe_next(request)
        or reverse("networks:membership-detail", args=[membership.network.slug, pk])
    )


@login_required
def membership_apply(request: HttpRequest, slug: str) -> HttpResponse:
    network = selectors.get_network(slug=slug)
    places = places_managed_by(user=request.user)
    form = ApplyForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.apply_for_membership(
                network=network, by=request.user, **form.cleaned_data
            )
        except services.NetworkError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("La candidature de « %(place)s » a été envoyée au réseau.")
                % {"place": membership.place.name},
            )
            return redirect("networks:my-memberships")
    return render(
        request,
        "networks/membership_apply.html",
        {"network": network, "form": form, "has_places": places.exists()},
    )


@login_required
def my_memberships(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_of_managed_places(user=request.user)
    return render(
        request,
        "networks/my_memberships.html",
        {
            "memberships": memberships,
            "leavable": {MembershipStatus.ACCEPTED, MembershipStatus.SUSPENDED},
            "has_places": places_managed_by(user=request.user).exists(),
        },
    )
