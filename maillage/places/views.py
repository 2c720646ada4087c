"""Pages of the directory. Views only shape requests: selectors check, services write."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.accounts.models import User
from maillage.lib.forms import show_refusal
from maillage.lib.uploads import upload_limit
from maillage.places import selectors, services
from maillage.places.forms import (
    EquipmentForm,
    ManagerForm,
    PhotoForm,
    PlaceForm,
    SpaceForm,
)
from maillage.places.models import PlaceStatus, PlaceType
from maillage.places.opening_hours import opening_rows

PAGE_SIZE = 50


def place_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.PlaceFilters.from_query(request.GET)
    page = Paginator(selectors.published_places(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "type_choices": PlaceType.choices,
        "status_choices": PlaceStatus.choices,
        "geojson": selectors.places_geojson(page.object_list),
    }
    return render(request, "places/place_list.html", context)


def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = selectors.public_place_detail(slug=slug, user=request.user)
    context = {
        "place": place,
        "can_edit": selectors.can_edit_place(user=request.user, place=place),
        "hours": opening_rows(place.opening_hours),
        "geojson": selectors.places_geojson([place]),
        "jsonld": selectors.place_jsonld(place=place, request=request),
    }
    return render(request, "places/place_detail.html", context)


@login_required
def my_places(request: HttpRequest) -> HttpResponse:
    places = selectors.places_managed_by(user=request.user)
    return render(request, "places/my_places.html", {"places": places})


@login_required
def place_create(request: HttpRequest) -> HttpResponse:
    form = PlaceForm(request.POST or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            place = services.create_place(
                user=request.user, data=services.PlaceData.from_mapping(form.cleaned_data)
            )
        except services.DuplicatePlace as exc:
            show_refusal(form, exc)
            duplicate = exc.existing
        except services.PlaceError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Le lieu « %(name)s » est créé.") % {"name": place.name})
            return redirect(place)
    return render(
        request, "places/place_form.html", {"form": form, "place": None, "duplicate": duplicate}
    )


@login_required
def place_edit(request: HttpRequest, slug: str) -> HttpResponse:
    place = selectors.get_place_for_manager(user=request.user, slug=slug)
    form = PlaceForm(request.POST or None, instance=place)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_place(
                place=place,
                by=request.user,
                data=services.PlaceData.from_mapping(form.cleaned_data),
            )
        except services.DuplicatePlace as exc:
            show_refusal(form, exc)
            duplicate = exc.existing
        except services.PlaceError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Les informations du lieu sont enregistrées."))
            return redirect(place)
    return render(
        request, "places/place_form.html", {"form": form, "place": place, "duplicate": duplicate}
    )


@login_required
def place_managers(request: HttpRequest, slug: str) -> HttpResponse:
    place = selectors.get_place_for_manager(user=request.user, slug=slug)
    form = ManagerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.add_manager(
                place=place, by=request.user, email=form.cleaned_data["email"]
            )
        except services.PlaceError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, _("%(name)s gère maintenant ce lieu.") % {"name": user.public_name}
            )
            return redirect("places:place-managers", slug=place.slug)
    context = {"place": place, "form": form, "managers": selectors.place_managers(place=place)}
    return render(request, "places/place_managers.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def manager_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    place = selectors.get_place_for_manager(user=request.user, slug=slug)
    manager = get_object_or_404(User, pk=user_id, place_roles__place=place)
    if request.method == "POST":
        try:
            services.remove_manager(place=place, by=request.user, user=manager)
        except services.PlaceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(name)s ne gère plus ce lieu.") % {"name": manager.public_name},
            )
            if manager == request.user and not request.user.is_superuser:
                return redirect("places:my-places")
        return redirect("places:place-managers", slug=place.slug)
    context = {
        "place": place,
        "title": _("Retirer %(name)s des gestionnaires") % {"name": manager.public_name},
        "question": _("%(name)s ne pourra plus modifier « %(place)s ».")
        % {"name": manager.public_name, "place": place.name},
        "confirm_label": _("Retirer"),
        "cancel_url": place.get_absolute_url(),
    }
    return render(request, "places/confirm.html", context)


def _edit_item(
    request: HttpRequest, *, place, instance, form_class, data_class, create, update, title, saved
) -> HttpResponse:
    """The one form page of a place's spaces and equipment: `data_class` is their service input."""
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = data_class.from_mapping(form.cleaned_data)
        try:
            if instance is None:
                create(place=place, by=request.user, data=data)
            else:
                update(instance, by=request.user, data=data)
        except services.PlaceError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, saved)
            return redirect(place)
    context = {"place": place, "form": form, "title": title, "instance": instance}
    return render(request, "places/item_form.html", context)


def _confirm_delete(request: HttpRequest, *, place, item, delete, done) -> HttpResponse:
    if request.method == "POST":
        delete()
        messages.success(request, done)
        return redirect(place)
    context = {
        "place": place,
        "title": _("Supprimer « %(name)s »") % {"name": str(item)},
        "question": _("Cette suppression est définitive."),
        "confirm_label": _("Supprimer"),
        "cancel_url": place.get_absolute_url(),
    }
    return render(request, "places/confirm.html", context)


@login_required
def space_create(request: HttpRequest, slug: str) -> HttpResponse:
    place = selectors.get_place_for_manager(user=request.user, slug=slug)
    return _edit_item(
        request,
        place=place,
        instance=None,
        form_class=SpaceForm,
        data_class=services.SpaceData,
        create=services.create_space,
        update=None,
        title=_("Ajouter un espace"),
        saved=_("L'espace est ajouté."),
    )


@login_required
def space_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    space = selectors.get_space_for_manager(user=request.user, slug=slug, pk=pk)
    return _edit_item(
        request,
        place=space.place,
        instance=space,
        form_class=SpaceForm,
        data_class=services.SpaceData,
        create=None,
        update=lambda item, **kw: services.update_space(space=item, **kw),
        title=_("Modifier l'espace « %(name)s »") % {"name": space.name},
        saved=_("L'espace est enregistré."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def space_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    space = selectors.get_space_for_manager(user=request.user, slug=slug, pk=pk)
    return _confirm_delete(
        request,
        place=space.place,
        item=space.name,
        delete=lambda: services.delete_space(space=space, by=request.user),
        done=_("L'espace est supprimé."),
    )


@login_required
def equipment_create(request: HttpRequest, slug: str) -> HttpResponse:
    place = selectors.get_place_for_manager(user=request.user, slug=slug)
    return _edit_item(
        request,
        place=place,
        instance=None,
        form_class=EquipmentForm,
        data_class=services.EquipmentData,
        create=services.create_equipment,
        update=None,
        title=_("Ajouter un équipement"),
        saved=_("L'équipement est ajouté."),
    )


@login_required
def equipment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = selectors.get_equipment_for_manager(user=request.user, slug=slug, pk=pk)
    return _edit_item(
        request,
        place=item.place,
        instance=item,
        form_class=EquipmentForm,
        data_class=services.EquipmentData,
        create=None,
        update=lambda obj, **kw: services.update_equipment(equipment=obj, **kw),
        title=_("Modifier l'équipement « %(name)s »") % {"name": item.name},
        saved=_("L'équipement est enregistré."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def equipment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = selectors.get_equipment_for_manager(user=request.user, slug=slug, pk=pk)
    return _confirm_delete(
        request,
        place=item.place,
        item=item.name,
        delete=lambda: services.delete_equipment(equipment=item, by=request.user),
        done=_("L'équipement est supprimé."),
    )


@login_required
@upload_limit(lambda: settings.MAX_PHOTO_BYTES)
def photo_add(request: HttpRequest, slug: str) -> HttpResponse:
    place = selectors.get_place_for_manager(user=request.user, slug=slug)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_photo(
                place=place,
                by=request.user,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except services.PlaceError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("La photo est ajoutée."))
            return redirect(place)
    return render(request, "places/photo_form.html", {"place": place, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def photo_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    photo = selectors.get_photo_for_manager(user=request.user, slug=slug, pk=pk)
    return _confirm_delete(
        request,
        place=photo.place,
        item=photo.alt_text,
        delete=lambda: services.delete_photo(photo=photo, by=request.user),
        done=_("La photo est supprimée."),
    )
