import datetime
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from maillage.lib.confirm import Confirmation, is_confirmed, render_confirmation, safe_next
from maillage.lib.forms import show_refusal
from maillage.lib.french import date_format
from maillage.networks import selectors, services
from maillage.networks.forms import (
    ApplyForm,
    NetworkForm,
    ReasonForm,
    RoleForm,
    TerritoryForm,
)
from maillage.networks.models import Membership, MembershipStatus
from maillage.places.selectors import can_edit_place, places_geojson, places_managed_by


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
            # The month a coordinator looks back on (flows) and closes.
            "last_month": (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)),
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


# The transitions that cannot be undone in one click: they show what will happen first, and
# from which statuses (from another, the service explains why it cannot be done).
CONFIRMED: dict[str, set[str]] = {
    "accepter": {MembershipStatus.APPLIED, MembershipStatus.IN_REVIEW},
    "quitter": {MembershipStatus.ACCEPTED, MembershipStatus.SUSPENDED},
}


def _transition_confirmation(
    request: HttpRequest, membership: Membership, action: str
) -> HttpResponse:
    network, place = membership.network, membership.place
    detail = reverse("networks:membership-detail", args=[network.slug, membership.pk])
    names = {"place": place.name, "network": network.name}
    facts = [(_("Lieu"), place.name), (_("Réseau"), network.name)]
    if action == "accepter":
        facts.append((_("Candidature du"), date_format(membership.applied_at, "j F Y")))
        if membership.motivation:
            facts.append((_("Motivation"), membership.motivation))
        confirmation = Confirmation(
            title=_("Accepter « %(place)s » dans « %(network)s » ?") % names,
            facts=facts,
            consequences=[
                _(
                    "« %(place)s » devient membre de « %(network)s » : il apparaît sur la carte "
                    "et dans la liste du réseau."
                )
                % names,
                _("Les gestionnaires du lieu sont prévenu·es de la décision."),
                _(
                    "Une adhésion acceptée ne redevient pas une candidature : pour revenir en "
                    "arrière, il faudra la suspendre ou marquer le lieu comme parti."
                ),
            ],
            confirm_label=_("Confirmer : accepter l'adhésion"),
            cancel_url=detail,
        )
    else:
        facts.append((_("Statut"), membership.get_status_display()))
        confirmation = Confirmation(
            title=_("« %(place)s » quitte « %(network)s » ?") % names,
            facts=facts,
            consequences=[
                _("Le lieu n'est plus membre du réseau : il disparaît de sa carte et de sa liste."),
                _("Pour revenir, il faudra déposer une nouvelle candidature."),
                _("Les coordinateur·rices du réseau et les gestionnaires du lieu sont prévenu·es."),
            ],
            confirm_label=_("Confirmer : quitter le réseau"),
            cancel_url=detail,
            danger=True,
        )
    confirmation.back_url, confirmation.back_label = detail, _("Retour à l'adhésion")
    return render_confirmation(request, confirmation)


@login_required
@require_http_methods(["GET", "POST"])
def membership_transition(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    service, takes_reason, coordinators_only, done = TRANSITIONS[action]
    if coordinators_only:
        membership = selectors.get_membership_for_coordinator(user=request.user, slug=slug, pk=pk)
    else:
        membership = selectors.get_membership_for_viewer(user=request.user, slug=slug, pk=pk)
    if action in CONFIRMED and membership.status in CONFIRMED[action]:
        if not selectors.is_coordinator(user=request.user, network=membership.network) and (
            action != "quitter" or not can_edit_place(user=request.user, place=membership.place)
        ):
            raise PermissionDenied
        if not is_confirmed(request):
            return _transition_confirmation(request, membership, action)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
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
        safe_next(request)
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
