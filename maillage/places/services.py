"""Every write to the directory: places, their managers, spaces, equipment and photos."""

import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.lib.french import de
from maillage.lib.geo import distance_km
from maillage.lib.inputs import UNSET, Input, _Unset
from maillage.lib.refusals import Refusal
from maillage.lib.uploads import UnreadableImage, reencode_image, too_large
from maillage.lib.validators import validate_postal_code
from maillage.places.models import (
    Equipment,
    Place,
    PlacePhoto,
    PlaceRole,
    PlaceType,
    Space,
)
from maillage.places.opening_hours import InvalidOpeningHours, normalize_opening_hours
from maillage.places.signals import place_changed
from maillage.territory.models import Commune
from maillage.territory.selectors import normalize_name


class PlaceError(Refusal):
    """A refused write; `message` is a French sentence for the person, `field` where it belongs."""


class OutsideFrance(PlaceError):
    field = "latitude"


class TooFarFromCommune(PlaceError):
    field = "latitude"


class PostalCodeMismatch(PlaceError):
    field = "postal_code"


class DuplicatePlace(PlaceError):
    def __init__(self, message: Any, *, existing: Place) -> None:
        super().__init__(message)
        self.existing = existing


class InvalidPlace(PlaceError):
    pass


class InvalidPrice(PlaceError):
    pass


class UnknownUser(PlaceError):
    field = "email"


class AlreadyManager(PlaceError):
    field = "email"


class LastManager(PlaceError):
    pass


class InvalidPhoto(PlaceError):
    field = "image"


# --- Where a place may be -------------------------------------------------------------------

# (south, north, west, east) in degrees. Generous boxes: their job is to catch swapped or
# foreign coordinates; the distance to the commune centre catches the rest.
FRANCE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "Métropole et Corse": (41.2, 51.2, -5.3, 9.7),
    "Guadeloupe": (15.8, 16.6, -61.9, -60.9),
    "Martinique": (14.3, 14.95, -61.3, -60.75),
    "Guyane": (2.1, 5.9, -54.7, -51.5),
    "La Réunion": (-21.45, -20.8, 55.15, 55.9),
    "Mayotte": (-13.1, -12.6, 44.95, 45.35),
    "Saint-Pierre-et-Miquelon": (46.7, 47.2, -56.5, -56.1),
    "Saint-Barthélemy et Saint-Martin": (17.8, 18.2, -63.2, -62.75),
    "Polynésie française": (-28.0, -7.5, -155.0, -134.0),
    "Nouvelle-Calédonie": (-23.0, -17.5, 163.0, 168.5),
    "Wallis-et-Futuna": (-14.5, -13.1, -178.3, -176.0),
}
MAX_KM_FROM_COMMUNE = 30
DUPLICATE_RADIUS_KM = 0.2
RESERVED_SLUGS = {"nouveau", "mes-lieux"}


@dataclass(frozen=True, kw_only=True)
class PlaceData(Input):
    """What a place's form or the API sets on a place (UNSET: left as it is)."""

    name: str | _Unset = UNSET
    types: list[str] | _Unset = UNSET
    summary: str | _Unset = UNSET
    description: str | _Unset = UNSET
    status: str | _Unset = UNSET
    address: str | _Unset = UNSET
    address_complement: str | _Unset = UNSET
    postal_code: str | _Unset = UNSET
    commune: Commune | _Unset | None = UNSET
    latitude: float | _Unset | None = UNSET
    longitude: float | _Unset | None = UNSET
    opening_hours: Any | _Unset = UNSET
    opening_hours_note: str | _Unset = UNSET
    access_step_free: bool | _Unset = UNSET
    access_toilets: bool | _Unset = UNSET
    access_parking: bool | _Unset = UNSET
    access_hearing_loop: bool | _Unset = UNSET
    access_public_transport: bool | _Unset = UNSET
    accessibility_note: str | _Unset = UNSET
    acceslibre_url: str | _Unset = UNSET
    email: str | _Unset = UNSET
    phone: str | _Unset = UNSET
    website: str | _Unset = UNSET
    is_published: bool | _Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class SpaceData(Input):
    """What is set on a space (UNSET: left as it is)."""

    name: str | _Unset = UNSET
    kind: str | _Unset = UNSET
    description: str | _Unset = UNSET
    surface_m2: int | _Unset | None = UNSET
    capacity: int | _Unset | None = UNSET
    uses: str | _Unset = UNSET
    price_unit: str | _Unset = UNSET
    price_member_cents: int | _Unset | None = UNSET
    price_network_cents: int | _Unset | None = UNSET
    price_public_cents: int | _Unset | None = UNSET
    is_accessible: bool | _Unset = UNSET
    accessibility_note: str | _Unset = UNSET
    is_bookable: bool | _Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class EquipmentData(Input):
    """What is set on an item of shared equipment (UNSET: left as it is)."""

    name: str | _Unset = UNSET
    category: str | _Unset = UNSET
    description: str | _Unset = UNSET
    quantity: int | _Unset = UNSET
    sharing_mode: str | _Unset = UNSET
    deposit_cents: int | _Unset | None = UNSET
    price_cents: int | _Unset | None = UNSET
    price_unit: str | _Unset = UNSET
    conditions: str | _Unset = UNSET


PLACE_FIELDS = PlaceData.field_names()
SPACE_FIELDS = SpaceData.field_names()
EQUIPMENT_FIELDS = EquipmentData.field_names()


def is_in_france(lat: float, lon: float) -> bool:
    """Whether the point lies in one of the boxes around metropolitan France and the overseas."""
    return any(s <= lat <= n and w <= lon <= e for s, n, w, e in FRANCE_BOXES.values())


def check_location(
    *, latitude: float | None, longitude: float | None, commune: Commune | None
) -> None:
    """Raise OutsideFrance or TooFarFromCommune when the position cannot be right."""
    if latitude is None and longitude is None:
        return
    if latitude is None or longitude is None:
        raise InvalidPlace(_("Indiquez la latitude et la longitude, ou aucune des deux."))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or not (
        math.isfinite(latitude) and math.isfinite(longitude)
    ):
        raise InvalidPlace(
            _("Coordonnées impossibles : la latitude va de -90 à 90, la longitude de -180 à 180."),
            field="latitude",
        )
    if not is_in_france(latitude, longitude):
        raise OutsideFrance(
            _(
                "Ce point (%(lat)s, %(lon)s) est hors de France : un lieu doit se trouver en "
                "France métropolitaine, en Corse ou dans un territoire d'outre-mer. Vérifiez "
                "que la latitude et la longitude ne sont pas inversées."
            )
            % {"lat": f"{latitude:.5f}", "lon": f"{longitude:.5f}"}
        )
    if commune is not None and commune.latitude is not None and commune.longitude is not None:
        km = distance_km(latitude, longitude, commune.latitude, commune.longitude)
        if km > MAX_KM_FROM_COMMUNE:
            raise TooFarFromCommune(
                _(
                    "Ce point est à %(km)s km du centre %(de_commune)s : un lieu doit se trouver "
                    "à moins de %(max)s km du centre de sa commune. Vérifiez la commune ou "
                    "déplacez le repère sur la carte."
                )
                % {"km": round(km), "de_commune": de(commune.name), "max": MAX_KM_FROM_COMMUNE}
            )


def check_postal_code(*, postal_code: str, commune: Commune | None) -> None:
    """Raise PostalCodeMismatch unless the postal code is one of the commune's."""
    try:
        validate_postal_code(postal_code)  # the field's own rule first, as the form says it
    except ValidationError as exc:
        raise PostalCodeMismatch(exc.messages[0], field="postal_code") from exc
    if not postal_code or commune is None or not commune.postal_code_list:
        return
    if postal_code not in commune.postal_code_list:
        raise PostalCodeMismatch(
            _("Le code postal %(code)s n'est pas celui %(de_commune)s (%(codes)s).")
            % {
                "code": postal_code,
                "de_commune": de(commune.name),
                "codes": ", ".join(commune.postal_code_list),
            }
        )


def find_duplicate(
    *,
    name: str,
    latitude: float | None,
    longitude: float | None,
    commune: Commune | None,
    exclude_pk: int | None = None,
) -> Place | None:
    """The existing place with the same normalised name within 200 m (or, without a position,
    in the same commune), if any."""
    wanted = normalize_name(name)
    candidates = Place.objects.exclude(pk=exclude_pk) if exclude_pk else Place.objects.all()
    if latitude is not None and longitude is not None:
        # A bounding box a little larger than the radius keeps the Python check to a few rows.
        dlat = 0.003
        dlon = 0.003 / max(math.cos(math.radians(latitude)), 0.01)
        candidates = candidates.filter(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
        for place in candidates:
            if (
                normalize_name(place.name) == wanted
                and distance_km(latitude, longitude, place.latitude, place.longitude)
                <= DUPLICATE_RADIUS_KM
            ):
                return place
        return None
    if commune is None:
        return None
    for place in candidates.filter(commune=commune):
        if normalize_name(place.name) == wanted:
            return place
    return None


def _validate_place(place: Place) -> None:
    if not place.name.strip():
        raise InvalidPlace(_("Le nom du lieu est obligatoire."), field="name")
    unknown = [code for code in place.types if code not in PlaceType.values]
    if unknown:
        raise InvalidPlace(
            _("Type de lieu inconnu : %(types)s.") % {"types": ", ".join(unknown)}, field="types"
        )
    try:
        place.opening_hours = normalize_opening_hours(place.opening_hours or {})
    except InvalidOpeningHours as exc:
        raise InvalidPlace(str(exc), field="opening_hours") from exc
    check_location(latitude=place.latitude, longitude=place.longitude, commune=place.commune)
    check_postal_code(postal_code=place.postal_code, commune=place.commune)
    if not place.postal_code and place.commune and len(place.commune.postal_code_list) == 1:
        place.postal_code = place.commune.postal_code_list[0]
    existing = find_duplicate(
        name=place.name,
        latitude=place.latitude,
        longitude=place.longitude,
        commune=place.commune,
        exclude_pk=place.pk,
    )
    if existing is not None:
        raise DuplicatePlace(
            _(
                "Un lieu du même nom existe déjà à moins de 200 m : « %(name)s ». S'il s'agit "
                "du vôtre, demandez à ses gestionnaires de vous ajouter plutôt que d'en créer un "
                "second."
            )
            % {"name": existing.name},
            existing=existing,
        )


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """A free slug from the name: "la-bobine", then "la-bobine-2", "la-bobine-3"…"""
    base = slugify(name)[:200].strip("-") or "lieu"
    taken = set(
        Place.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    taken |= RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _full_clean(instance: Any, **kwargs: Any) -> None:
    """Run the model's own validation, reporting its first error as an InvalidPlace."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidPlace(messages[0], field=None if field == NON_FIELD_ERRORS else field) from exc


def create_place(*, user: User, data: PlaceData) -> Place:
    """Create a place whose creator becomes its manager; raise a PlaceError subclass if refused."""
    place = Place(created_by=user)
    data.assign_to(place)
    with transaction.atomic():
        _validate_place(place)
        place.slug = unique_slug(place.name)
        place.last_confirmed_at = timezone.now()
        _full_clean(place)
        place.save()
        PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MANAGER)
        place_changed.send(sender=Place, place=place, searchable=True)
    return place


def update_place(*, place: Place, by: User, data: PlaceData) -> Place:
    """Update a place (the slug stays: links to it keep working); editing confirms it is true."""
    before = {field: getattr(place, field) for field in PLACE_FIELDS}
    data.assign_to(place)
    try:
        with transaction.atomic():
            _validate_place(place)
            place.last_confirmed_at = timezone.now()
            _full_clean(place)
            place.save()
            place_changed.send(sender=Place, place=place, searchable=True)
    except Exception:
        # Leave the caller's object as it was, like the database.
        for field, value in before.items():
            setattr(place, field, value)
        raise
    return place


# --- Managers -------------------------------------------------------------------------------


def add_manager(*, place: Place, by: User, email: str) -> User:
    """Make the person with this e-mail a manager; raise UnknownUser or AlreadyManager."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise UnknownUser(
            _(
                "Aucun compte n'utilise l'adresse %(email)s. Demandez à cette personne de créer "
                "son compte, puis ajoutez-la."
            )
            % {"email": email.strip()}
        )
    with transaction.atomic():
        _role, created = PlaceRole.objects.get_or_create(
            place=place, user=user, role=PlaceRole.Role.MANAGER
        )
    if not created:
        raise AlreadyManager(
            _("%(name)s gère déjà ce lieu.") % {"name": user.public_name},
        )
    return user


def remove_manager(*, place: Place, by: User, user: User) -> None:
    """Remove a manager; raise LastManager rather than leave the place without one."""
    with transaction.atomic():
        # Lock the place: two managers removing each other at once must not both succeed.
        Place.objects.select_for_update().filter(pk=place.pk).first()
        roles = PlaceRole.objects.filter(place=place, role=PlaceRole.Role.MANAGER)
        if not roles.filter(user=user).exists():
            raise InvalidPlace(_("Cette personne ne gère pas ce lieu."))
        if roles.count() <= 1:
            raise LastManager(
                _(
                    "%(name)s est la dernière personne à gérer ce lieu : ajoutez d'abord "
                    "quelqu'un d'autre."
                )
                % {"name": user.public_name}
            )
        roles.filter(user=user).delete()


# --- Spaces and equipment -------------------------------------------------------------------


def _check_prices(instance: Any, fields: list[str]) -> None:
    for field in fields:
        value = getattr(instance, field)
        if value is not None and value < 0:
            raise InvalidPrice(_("Un prix ne peut pas être négatif."), field=field)


def _save_space(space: Space) -> Space:
    _check_prices(space, ["price_member_cents", "price_network_cents", "price_public_cents"])
    with transaction.atomic():
        space.last_confirmed_at = timezone.now()
        _full_clean(space)
        space.save()
        place_changed.send(sender=Place, place=space.place, searchable=True)
    return space


def create_space(*, place: Place, by: User, data: SpaceData) -> Space:
    """Add a space to a place; raise InvalidPrice on a negative price."""
    space = Space(place=place)
    data.assign_to(space)
    return _save_space(space)


def update_space(*, space: Space, by: User, data: SpaceData) -> Space:
    """Change a space; raise InvalidPrice on a negative price."""
    data.assign_to(space)
    return _save_space(space)


def delete_space(*, space: Space, by: User) -> None:
    """Delete a space."""
    with transaction.atomic():
        space.delete()
        place_changed.send(sender=Place, place=space.place, searchable=True)


def _save_equipment(item: Equipment) -> Equipment:
    _check_prices(item, ["deposit_cents", "price_cents"])
    if item.quantity is None or item.quantity < 1:
        raise InvalidPlace(_("La quantité doit être d'au moins 1."), field="quantity")
    with transaction.atomic():
        item.last_confirmed_at = timezone.now()
        _full_clean(item)
        item.save()
        place_changed.send(sender=Place, place=item.place, searchable=True)
    return item


def create_equipment(*, place: Place, by: User, data: EquipmentData) -> Equipment:
    """Add shared equipment to a place; raise InvalidPrice or InvalidPlace on bad values."""
    item = Equipment(place=place)
    data.assign_to(item)
    return _save_equipment(item)


def update_equipment(*, equipment: Equipment, by: User, data: EquipmentData) -> Equipment:
    """Change shared equipment; raise InvalidPrice or InvalidPlace on bad values."""
    data.assign_to(equipment)
    return _save_equipment(equipment)


def delete_equipment(*, equipment: Equipment, by: User) -> None:
    """Delete shared equipment."""
    with transaction.atomic():
        equipment.delete()
        place_changed.send(sender=Place, place=equipment.place, searchable=True)


# --- Photos ---------------------------------------------------------------------------------

MAX_PHOTO_SIDE = 2000
MAX_PHOTO_PIXELS = 50_000_000  # well under Pillow's own bomb threshold


def _reencode(upload: UploadedFile) -> tuple[bytes, int, int]:
    """Check the upload is a real, reasonable image; return it as a clean JPEG and its size."""
    try:
        return reencode_image(upload, max_side=MAX_PHOTO_SIDE, max_pixels=MAX_PHOTO_PIXELS)
    except UnreadableImage as exc:
        if exc.reason == "format":
            raise InvalidPhoto(_("Envoyez une photo au format JPEG, PNG, WebP ou GIF.")) from exc
        if exc.reason == "pixels" and exc.size is not None:
            raise InvalidPhoto(
                _("Cette image est trop grande (%(w)s × %(h)s pixels).")
                % {"w": exc.size[0], "h": exc.size[1]}
            ) from exc
        raise InvalidPhoto(
            _("Ce fichier n'est pas une image lisible. Envoyez une photo JPEG, PNG ou WebP.")
        ) from exc


def add_photo(*, place: Place, by: User, upload: UploadedFile, alt_text: str) -> PlacePhoto:
    """Store a re-encoded copy of an uploaded photo; raise InvalidPhoto if it is refused."""
    alt_text = (alt_text or "").strip()
    if not alt_text:
        raise InvalidPhoto(
            _("Décrivez ce que montre la photo, pour les personnes qui ne la voient pas."),
            field="alt_text",
        )
    if too_large(upload, settings.MAX_PHOTO_BYTES):
        raise InvalidPhoto(
            _("La photo dépasse la taille maximale de %(max)s Mo.")
            % {"max": number_format(settings.MAX_PHOTO_BYTES / 1024 / 1024, 1)}
        )
    content, width, height = _reencode(upload)
    photo = PlacePhoto(place=place, alt_text=alt_text[:250], uploaded_by=by)
    with transaction.atomic():
        last = place.photos.order_by("-position").values_list("position", flat=True).first()
        photo.position = 0 if last is None else last + 1
        # A random name: the uploader's file name may say more than they mean to.
        photo.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(content), save=False)
        # Django measures the file while the upload buffer is already consumed and records
        # nothing: we know the size, so set it.
        photo.width, photo.height = width, height
        try:
            photo.save()
        except Exception:
            photo.image.delete(save=False)
            raise
        place_changed.send(sender=Place, place=place, searchable=False)
    return photo


def delete_photo(*, photo: PlacePhoto, by: User) -> None:
    """Delete a photo and, once the deletion is committed, its file."""
    with transaction.atomic():
        storage, name = photo.image.storage, photo.image.name
        photo.delete()
        place_changed.send(sender=Place, place=photo.place, searchable=False)
        transaction.on_commit(lambda: storage.delete(name))


# --- Bulk writes (imports) ------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedPlace:
    """A place an import creates: its validated fields and where it comes from."""

    slug: str
    external_id: str
    source: str
    fields: dict[str, Any]


def create_places_in_bulk(*, places: list[ImportedPlace], by: User | None) -> list[Place]:
    """Create many places at once, each validated by the model's rules (raise InvalidPlace).

    No signal per place: the caller re-indexes and re-scores the batch (reindex_places,
    recompute_all_freshness), as one import of 10,000 rows must not re-index 10,000 times.
    """
    built = []
    for item in places:
        place = Place(
            slug=item.slug, external_id=item.external_id, source=item.source, created_by=by
        )
        for name, value in item.fields.items():
            setattr(place, name, value)
        _full_clean(place, validate_unique=False, validate_constraints=False)
        built.append(place)
    return Place.objects.bulk_create(built, batch_size=500)


def update_places_in_bulk(*, changes: dict[int, dict[str, Any]]) -> list[int]:
    """Apply already validated field changes to many places (an import's updates); no signal
    per place, the caller re-indexes the batch. Return the ids updated."""
    now = timezone.now()
    for pk, fields in changes.items():
        Place.objects.filter(pk=pk).update(**fields, updated_at=now)
    return list(changes)
