"""Pages of the circles area: directory, network map, circle page, people and roles, programme."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.accounts.models import User
from maillage.circles import selectors, services
from maillage.circles.forms import (
    ActionForm,
    CircleForm,
    ReasonForm,
    ReportForm,
    RoleRequestForm,
)
from maillage.circles.models import Circle, CircleMember, CircleRole, CircleStatus, RoleRequest
from maillage.circles.transparency_views import circle_for_reader
from maillage.lib.forms import show_refusal
from maillage.networks.models import Membership, MembershipStatus
from maillage.networks.selectors import get_network, is_coordinator, networks_coordinated_by
from maillage.places.models import Place

# Links to the other areas of a circle, each shown only to whoever may open it (no dead end).
AREA_LINKS = [
    ("circles:budget", gettext_lazy("Budget"), "workspace"),
    ("circles:meeting-list", gettext_lazy("Réunions de régulation"), "workspace"),
    ("circles:transparency", gettext_lazy("Transparence"), "transparency"),
]


PEOPLE_HEADINGS = [
    (CircleRole.STEWARD, gettext_lazy("Soucieux·ses")),
    (CircleRole.CONTRIBUTOR, gettext_lazy("Contributeur·rice·s")),
    (CircleRole.PARTICIPANT, gettext_lazy("Participant·e·s")),
]


def _area_links(circle: Circle, user) -> list[tuple[str, str]]:
    allowed = {
        "workspace": selectors.can_see_circle_workspace(user=user, circle=circle),
        "transparency": selectors.can_see_transparency(user=user, circle=circle),
    }
    links = []
    for name, label, rule in AREA_LINKS:
        if not allowed[rule]:
            continue
        try:
            links.append((reverse(name, kwargs={"slug": circle.slug}), label))
        except NoReverseMatch:
            continue
    return links


def circle_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "circles/circle_list.html",
        {
            "groups": selectors.circles_by_network(),
            "can_create": networks_coordinated_by(user=request.user).exists(),
            "my_circles": selectors.roles_of_person(user=request.user),
        },
    )


def network_circles(request: HttpRequest, network_slug: str) -> HttpResponse:
    network = get_network(slug=network_slug)
    circles = selectors.network_circles(network=network)
    return render(
        request,
        "circles/network_circles.html",
        {
            "network": network,
            "circles": circles,
            "geojson": selectors.circles_geojson(circles),
            "statuses": CircleStatus.choices,
            "can_create": is_coordinator(user=request.user, network=network),
        },
    )


def circle_detail(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.get_circle(slug=slug)
    user = request.user
    sees_people = selectors.can_see_circle_people(user=user, circle=circle)
    # The network's transparency setting covers the programme and its costs too.
    sees_programme = selectors.can_see_transparency(user=user, circle=circle)
    prefetch_related_objects([circle], "communes")
    people = selectors.people_by_role(circle=circle)
    my_role = selectors.current_role(user=user, circle=circle)
    return render(
        request,
        "circles/circle_detail.html",
        {
            "circle": circle,
            "communes": circle.communes.all(),
            "geojson": selectors.circles_geojson([circle]),
            "places": circle.places.select_related("commune").order_by("name"),
            "history": selectors.status_history(circle=circle),
            "people_groups": [
                (label, len(people[role]), people[role] if sees_people else [])
                for role, label in PEOPLE_HEADINGS
            ],
            "my_role_label": CircleRole(my_role).label if my_role else "",
            "sees_people": sees_people,
            "sees_programme": sees_programme,
            "actions": selectors.programme(circle=circle) if sees_programme else [],
            "my_role": my_role,
            "can_join": selectors.can_join_circle(user=user, circle=circle),
            "can_manage": selectors.can_manage_circle(user=user, circle=circle),
            "is_member": selectors.is_circle_member(user=user, circle=circle),
            "pending_request": selectors.pending_role_request(circle=circle, user=user),
            "area_links": _area_links(circle, user),
        },
    )


def _circle_form(request: HttpRequest, circle: Circle | None) -> CircleForm:
    networks = networks_coordinated_by(user=request.user)
    places = Place.objects.filter(
        pk__in=Membership.objects.filter(
            network__in=networks, status=MembershipStatus.ACCEPTED
        ).values("place_id")
    )
    initial = None
    if circle is not None:
        initial = {
            "name": circle.name,
            "slug": circle.slug,
            "network": circle.network_id,
            "status": circle.status,
            "summary": circle.summary,
            "description": circle.description,
            "commune_codes": " ".join(circle.communes.values_list("code_insee", flat=True)),
            "places": list(circle.places.values_list("pk", flat=True)),
            "contact_email": circle.contact_email,
            "contact_phone": circle.contact_phone,
            "quorum_minimum": circle.quorum_minimum,
            "quorum_percent": circle.quorum_percent,
            "receipts_required": circle.receipts_required,
            "transparency": circle.transparency,
        }
    return CircleForm(request.POST or None, initial=initial, networks=networks, places=places)


@login_required
def circle_create(request: HttpRequest) -> HttpResponse:
    if not networks_coordinated_by(user=request.user).exists():
        raise PermissionDenied
    form = _circle_form(request, None)
    if request.method == "POST" and form.is_valid():
        try:
            circle = services.create_circle(data=form.to_data(), by=request.user)
        except services.CircleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Le cercle a été créé."))
            return redirect("circles:circle-detail", slug=circle.slug)
    return render(request, "circles/circle_form.html", {"form": form, "circle": None})


@login_required
def circle_edit(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.get_circle_for_manager(user=request.user, slug=slug)
    form = _circle_form(request, circle)
    if request.method == "POST" and form.is_valid():
        try:
            circle = services.update_circle(circle=circle, data=form.to_data(), by=request.user)
        except services.CircleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Le cercle a été modifié."))
            return redirect("circles:circle-detail", slug=circle.slug)
    return render(request, "circles/circle_form.html", {"form": form, "circle": circle})


# --- people and roles -------------------------------------------------------------------------


@login_required
@require_POST
def circle_join(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.get_circle(slug=slug)
    try:
        services.join_circle(circle=circle, user=request.user)
    except services.CircleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Vous avez rejoint le cercle comme participant·e."))
    return redirect("circles:circle-detail", slug=circle.slug)


@login_required
@require_POST
def circle_leave(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.get_circle(slug=slug)
    try:
        services.leave_circle(circle=circle, user=request.user)
    except services.CircleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Vous avez quitté le cercle."))
    return redirect("circles:circle-detail", slug=circle.slug)


@login_required
def circle_people(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.get_circle(slug=slug)
    if not selectors.can_see_circle_people(user=request.user, circle=circle):
        raise PermissionDenied
    return render(
        request,
        "circles/role_history.html",
        {
            "circle": circle,
            "history": selectors.role_history(circle=circle),
            "requests": selectors.role_requests(circle=circle),
            "can_manage": selectors.can_manage_circle(user=request.user, circle=circle),
        },
    )


@login_required
def role_request(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.get_circle(slug=slug)
    if not selectors.is_circle_member(user=request.user, circle=circle):
        raise PermissionDenied
    pending = selectors.pending_role_request(circle=circle, user=request.user)
    form = RoleRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_role(circle=circle, user=request.user, **form.cleaned_data)
        except services.CircleError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Votre demande est enregistrée : une réunion de régulation en décidera."),
            )
            return redirect("circles:circle-detail", slug=circle.slug)
    return render(
        request,
        "circles/role_request.html",
        {
            "circle": circle,
            "form": form,
            "pending": pending,
            "my_role": selectors.current_role(user=request.user, circle=circle),
        },
    )


@login_required
@require_POST
def role_request_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = selectors.get_circle(slug=slug)
    row = get_object_or_404(RoleRequest, circle=circle, pk=pk)
    try:
        services.withdraw_role_request(request=row, by=request.user)
    except services.NotAllowed as error:
        raise PermissionDenied from error
    except services.CircleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Votre demande a été retirée."))
    return redirect("circles:circle-detail", slug=circle.slug)


@login_required
def role_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = selectors.get_circle_for_manager(user=request.user, slug=slug)
    member = get_object_or_404(
        CircleMember.objects.select_related("user", "circle__network"),
        circle=circle,
        pk=pk,
        ended_at__isnull=True,
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_role(member=member, reason=form.cleaned_data["reason"], by=request.user)
        except services.CircleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Le rôle a pris fin."))
            return redirect("circles:circle-people", slug=circle.slug)
    return render(
        request, "circles/role_end.html", {"circle": circle, "member": member, "form": form}
    )


# --- programme --------------------------------------------------------------------------------


def _members_queryset(circle: Circle):
    ids = selectors.current_members(circle=circle).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("display_name", "email")


def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = circle_for_reader(request, slug)
    if isinstance(circle, HttpResponse):
        return circle
    action = selectors.get_action(circle=circle, pk=pk)
    can_report = selectors.can_report_on_action(user=request.user, action=action)
    return render(
        request,
        "circles/action_detail.html",
        {
            "circle": circle,
            "action": action,
            "reports": selectors.action_reports(action=action),
            "can_edit": selectors.can_see_circle_workspace(user=request.user, circle=circle),
            # Spending is proposed by the circle's current members only.
            "is_member": selectors.is_circle_member(user=request.user, circle=circle),
            "report_form": ReportForm() if can_report else None,
        },
    )


@login_required
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    circle = selectors.get_circle_for_member(user=request.user, slug=slug)
    form = ActionForm(request.POST or None, members=_members_queryset(circle))
    if request.method == "POST" and form.is_valid():
        try:
            action = services.create_action(circle=circle, data=form.to_data(), by=request.user)
        except services.CircleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("L'action a été ajoutée au programme."))
            return redirect("circles:action-detail", slug=circle.slug, pk=action.pk)
    return render(
        request, "circles/action_form.html", {"circle": circle, "form": form, "action": None}
    )


@login_required
def action_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = selectors.get_circle_for_member(user=request.user, slug=slug)
    action = selectors.get_action(circle=circle, pk=pk)
    form = ActionForm(
        request.POST or None,
        initial=ActionForm.initial_for(action),
        members=_members_queryset(circle),
        current_status=action.status,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(action=action, data=form.to_data(), by=request.user)
        except services.CircleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("L'action a été modifiée."))
            return redirect("circles:action-detail", slug=circle.slug, pk=action.pk)
    return render(
        request, "circles/action_form.html", {"circle": circle, "form": form, "action": action}
    )


@login_required
@require_POST
def action_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    circle = selectors.get_circle(slug=slug)
    action = selectors.get_action(circle=circle, pk=pk)
    if not selectors.can_report_on_action(user=request.user, action=action):
        raise PermissionDenied
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_on_action(
                action=action, text=form.cleaned_data["text"], by=request.user
            )
        except services.CircleError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Votre compte rendu est publié."))
            return redirect("circles:action-detail", slug=circle.slug, pk=action.pk)
    return render(
        request,
        "circles/action_detail.html",
        {
            "circle": circle,
            "action": action,
            "reports": selectors.action_reports(action=action),
            "can_edit": True,
            "report_form": form,
        },
        status=400,
    )
