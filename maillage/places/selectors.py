"""Reads of the directory, and the permission checkpoints every places view goes through."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.lib.geo import feature_collection, point_feature
from maillage.lib.jsonld import script_json
from maillage.places.models import (
    Equipment,
    Place,
    PlacePhoto,
    PlaceRole,
    PlaceStatus,
    PlaceType,
    Space,
)
from maillage.places.opening_hours import DAY_CODES, SCHEMA_DAYS, parse_day

AnyUser = User | AnonymousUser


def can_edit_place(*, user: AnyUser, place: Place) -> bool:
    """Whether this person may edit the place: one of its managers, or an admin."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return PlaceRole.objects.filter(place=place, user=user, role=PlaceRole.Role.MANAGER).exists()


def get_place_for_manager(*, user: AnyUser, slug: str) -> Place:
    """Return the place for editing; raise Http404 if it doesn't exist, PermissionDenied if not a manager."""
    place = get_object_or_404(Place.objects.select_related("commune"), slug=slug)
    if not can_edit_place(user=user, place=place):
        raise PermissionDenied
    return place


def get_space_for_manager(*, user: AnyUser, slug: str, pk: int) -> Space:
    """Return a space of a place the user manages; Http404 / PermissionDenied otherwise."""
    place = get_place_for_manager(user=user, slug=slug)
    return get_object_or_404(Space.objects.select_related("place"), place=place, pk=pk)


def get_equipment_for_manager(*, user: AnyUser, slug: str, pk: int) -> Equipment:
    """Return equipment of a place the user manages; Http404 / PermissionDenied otherwise."""
    place = get_place_for_manager(user=user, slug=slug)
    return get_object_or_404(Equipment.objects.select_related("place"), place=place, pk=pk)


def get_photo_for_manager(*, user: AnyUser, slug: str, pk: int) -> PlacePhoto:
    """Return a photo of a place the user manages; Http404 / PermissionDenied otherwise."""
    place = get_place_for_manager(user=user, slug=slug)
    return get_object_or_404(PlacePhoto.objects.select_related("place"), place=place, pk=pk)


def places_managed_by(*, user: AnyUser) -> QuerySet[Place]:
    """The places this person manages (an admin manages none by default), by name."""
    if not user.is_authenticated:
        return Place.objects.none()
    return (
        Place.objects.filter(roles__user=user, roles__role=PlaceRole.Role.MANAGER)
        .select_related("commune")
        .distinct()
        .order_by("name")
    )


def place_managers(*, place: Place) -> list[User]:
    """The managers of a place, by name."""
    return list(
        User.objects.filter(
            place_roles__place=place, place_roles__role=PlaceRole.Role.MANAGER
        ).order_by("display_name", "email")
    )


def public_place_detail(*, slug: str, user: AnyUser | None = None) -> Place:
    """Return a published place with everything its page shows; Http404 if unpublished.

    Its managers (and admins) also see it while it is unpublished.
    """
    place = get_object_or_404(
        Place.objects.select_related("commune").prefetch_related(
            "spaces",
            "equipment",
            "photos",
        ),
        slug=slug,
    )
    if not place.is_published and not (user and can_edit_place(user=user, place=place)):
        raise Http404
    return place


@dataclass(frozen=True)
class PlaceFilters:
    """The simple filters of the public list: type, status, department code."""

    type: str = ""
    status: str = ""
    department: str = ""

    @classmethod
    def from_query(cls, query: Any) -> "PlaceFilters":
        place_type = query.get("type", "")
        status = query.get("status", "")
        department = query.get("department", "").strip().upper()[:3]
        return cls(
            type=place_type if place_type in PlaceType.values else "",
            status=status if status in PlaceStatus.values else "",
            department=department if department.isalnum() else "",
        )


def published_places(*, filters: PlaceFilters) -> QuerySet[Place]:
    """Published places matching the filters, by name, with their commune."""
    places = Place.objects.published().select_related("commune").order_by("name", "pk")
    if filters.type:
        # Types are a JSON list of known codes; the quoted code matches one element exactly
        # (SQLite has no JSON containment lookup).
        places = places.filter(types__icontains=f'"{filters.type}"')
    if filters.status:
        places = places.filter(status=filters.status)
    if filters.department:
        places = places.filter(commune__department_code=filters.department)
    return places


def places_geojson(places: Any) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the places that have a position (commune preloaded)."""
    return feature_collection(
        point_feature(
            lat=place.latitude,
            lon=place.longitude,
            properties={
                "name": place.name,
                "url": place.get_absolute_url(),
                "commune": place.commune.name if place.commune else "",
                "types": ", ".join(place.type_labels),
            },
        )
        for place in places
        if place.has_position
    )


def place_jsonld(*, place: Place, request: HttpRequest) -> SafeString:
    """schema.org `Place` description of a place (from public_place_detail), safe inside <script>."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": place.name,
        "url": request.build_absolute_uri(place.get_absolute_url()),
    }
    description = place.summary or place.description
    if description:
        data["description"] = description
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "FR"}
    street = ", ".join(part for part in [place.address, place.address_complement] if part)
    if street:
        address["streetAddress"] = street
    if place.postal_code:
        address["postalCode"] = place.postal_code
    if place.commune:
        address["addressLocality"] = place.commune.name
        address["addressRegion"] = place.commune.region
    data["address"] = address
    if place.has_position:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": place.latitude,
            "longitude": place.longitude,
        }
    if place.phone:
        data["telephone"] = place.phone
    if place.email:
        data["email"] = place.email
    if place.website:
        data["sameAs"] = place.website
    specs = []
    for code in DAY_CODES:
        for opens, closes in parse_day(place.opening_hours.get(code) or ""):
            specs.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": SCHEMA_DAYS[code],
                    "opens": opens,
                    "closes": closes,
                }
            )
    if specs:
        data["openingHoursSpecification"] = specs
    features = [
        {
            "@type": "LocationFeatureSpecification",
            "name": f"{space.name} ({space.get_kind_display()})",
            "value": True,
        }
        for space in place.spaces.all()
    ] + [
        {
            "@type": "LocationFeatureSpecification",
            "name": f"{item.name} ({item.get_category_display()})",
            "value": True,
        }
        for item in place.equipment.all()
    ]
    if place.access_step_free:
        features.append(
            {
                "@type": "LocationFeatureSpecification",
                "name": _("Accès de plain-pied ou rampe"),
                "value": True,
            }
        )
    if features:
        data["amenityFeature"] = features
    photos = [
        {
            "@type": "ImageObject",
            "contentUrl": request.build_absolute_uri(photo.image.url),
            "description": photo.alt_text,
        }
        for photo in place.photos.all()
    ]
    if photos:
        data["photo"] = photos
    return script_json(data)
