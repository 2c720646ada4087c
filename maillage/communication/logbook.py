"""Tour logbooks: the notes and photos written at each stop of a tour (an event of kind "tour"),
read as one page (public when the tour is) and as a PDF.

Who may do what: whoever may see the tour reads its logbook; the tour's organisers and the
managers of a stop's place write at that stop; the author of a note, or an organiser, removes it.
Photos are re-encoded (pixels only, no metadata) and kept in the private storage: they are served
by our view to whoever may see the tour, so a tour restricted to members keeps its photos too.
"""

import base64
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.communication.models import LogbookEntry
from maillage.events.selectors import can_organise, get_event_for_viewer
from maillage.lib.refusals import Refusal
from maillage.lib.uploads import UnreadableImage, reencode_image, too_large
from maillage.places.selectors import can_edit_place

TOUR = "tour"
PHOTO_SIDE = 1600
MAX_NOTE_CHARS = 4000


class LogbookError(Refusal):
    """A write on a logbook was refused; nothing changed (no file stored)."""


class NotAllowed(LogbookError):
    status = 403
    message = _(
        "Seul·es les organisateur·rices de la tournée et l'équipe du lieu écrivent à cette étape."
    )


# --- reads ---------------------------------------------------------------------------------------


def get_tour_for_viewer(*, user: Any, slug: str) -> Any:
    """The tour (an event of kind tour) this person may see; Http404 otherwise."""
    event = get_event_for_viewer(user=user, slug=slug)
    if event.kind != TOUR:
        raise Http404
    return event


def stops_of(tour: Any) -> list[Any]:
    """The tour's stops in order, with their places (one query)."""
    return list(tour.stops.select_related("place", "place__commune").order_by("position"))


def get_stop(*, tour: Any, pk: int) -> Any:
    stop = tour.stops.select_related("place", "event").filter(pk=pk).first()
    if stop is None:
        raise Http404
    return stop


def can_write_at(*, user: Any, stop: Any, organiser: bool | None = None) -> bool:
    """The tour's organisers and the managers of the stop's place.

    `organiser`: when the caller already knows whether the person organises the tour."""
    if not user.is_authenticated:
        return False
    if organiser is None:
        organiser = can_organise(user, stop.event)
    return organiser or can_edit_place(user=user, place=stop.place)


def can_remove(*, user: Any, entry: LogbookEntry, organiser: bool) -> bool:
    return user.is_authenticated and (organiser or entry.written_by_id == user.pk)


def entry_count(tour: Any) -> int:
    return LogbookEntry.objects.filter(stop__event=tour).count()


@dataclass
class StopPage:
    """One stop of the logbook: its entries, and whether this person writes there."""

    stop: Any
    entries: list[LogbookEntry] = field(default_factory=list)
    writable: bool = False


def logbook(*, user: Any, tour: Any) -> tuple[list[StopPage], bool]:
    """Each stop with its entries (in order of writing), and whether the person organises."""
    stops = stops_of(tour)
    organiser = can_organise(user, tour)
    managed = set()
    if user.is_authenticated and not organiser:
        managed = {stop.place_id for stop in stops if can_edit_place(user=user, place=stop.place)}
    pages = {
        stop.pk: StopPage(stop=stop, writable=organiser or stop.place_id in managed)
        for stop in stops
    }
    entries = LogbookEntry.objects.filter(stop__event=tour).select_related("written_by")
    for entry in entries.order_by("created_at", "pk"):
        pages[entry.stop_id].entries.append(entry)
    return list(pages.values()), organiser


def get_entry(*, tour: Any, pk: int) -> LogbookEntry:
    entry = (
        LogbookEntry.objects.filter(pk=pk, stop__event=tour)
        .select_related("stop", "stop__place", "stop__event")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def photo_data_uri(entry: LogbookEntry) -> str:
    """The photo inline, for the PDF (WeasyPrint never fetches our private files)."""
    if not entry.photo:
        return ""
    with entry.photo.open("rb") as stored:
        return "data:image/jpeg;base64," + base64.b64encode(stored.read()).decode("ascii")


# --- writes --------------------------------------------------------------------------------------


def max_photo_bytes() -> int:
    return settings.MAX_PHOTO_BYTES


def _reencode(upload: UploadedFile) -> tuple[bytes, int, int]:
    if too_large(upload, max_photo_bytes()):
        raise LogbookError(
            _("La photo dépasse la taille maximale de %(max)s Mo.")
            % {"max": number_format(max_photo_bytes() / 1024 / 1024, 1)},
            field="photo",
        )
    try:
        return reencode_image(upload, max_side=PHOTO_SIDE)
    except UnreadableImage as exc:
        if exc.reason == "pixels" and exc.size is not None:
            raise LogbookError(
                _("Cette image est trop grande (%(w)s × %(h)s pixels).")
                % {"w": exc.size[0], "h": exc.size[1]},
                field="photo",
            ) from exc
        raise LogbookError(
            _("Ce fichier n'est pas une photo lisible. Envoyez une image JPEG, PNG, WebP ou GIF."),
            field="photo",
        ) from exc


def add_entry(
    *,
    by: User,
    stop: Any,
    text: str,
    photo: UploadedFile | None = None,
    alt_text: str = "",
) -> LogbookEntry:
    """Write a note at a stop, with an optional photo (checked by its content, re-encoded)."""
    if not can_write_at(user=by, stop=stop):
        raise NotAllowed
    text = (text or "").strip()
    alt_text = (alt_text or "").strip()
    if not text:
        raise LogbookError(_("Écrivez la note de cette étape."), field="text")
    if len(text) > MAX_NOTE_CHARS:
        raise LogbookError(
            _("La note dépasse %(max)s caractères.") % {"max": MAX_NOTE_CHARS}, field="text"
        )
    content = None
    if photo is not None:
        if not alt_text:
            raise LogbookError(
                _("Décrivez ce que montre la photo, pour les personnes qui ne la voient pas."),
                field="alt_text",
            )
        content, width, height = _reencode(photo)
    entry = LogbookEntry(stop=stop, text=text, written_by=by)
    if content is not None:
        entry.alt_text = alt_text[:250]
        entry.photo_width, entry.photo_height = width, height
        # A random name: the uploader's file name may say more than they mean to.
        entry.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            entry.save()
    except Exception:
        if entry.photo:
            entry.photo.delete(save=False)
        raise
    return entry


def remove_entry(*, by: User, entry: LogbookEntry) -> None:
    """Remove a note and, once that is committed, its photo."""
    if not can_remove(user=by, entry=entry, organiser=can_organise(by, entry.stop.event)):
        raise LogbookError(
            _("Seul·es l'auteur·rice de la note et les organisateur·rices la retirent."),
        )
    photo = entry.photo.name if entry.photo else ""
    storage = entry.photo.storage
    with transaction.atomic():
        entry.delete()
        if photo:
            transaction.on_commit(lambda: storage.delete(photo))
