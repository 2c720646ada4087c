"""The communication kit (valise pédagogique) and the case library: what members contribute,
what coordinators review, the files checked on the way in and the previews drawn from them.

Who may do what: anyone reads published resources; members of the network (people of its
places, its coordinators) contribute and adapt a resource for their place; the coordinators
review (a coordinator's own contribution is published at once); the author adds versions.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.commons import licences
from maillage.communication.models import KitAction, Resource, ResourceKind, ResourceVersion
from maillage.lib.inputs import UNSET, Input, _Unset
from maillage.lib.refusals import Refusal
from maillage.lib.uploads import (
    IMAGE_EXTENSIONS,
    UnreadableImage,
    check_document,
    reencode_image,
    too_large,
)
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator, networks_coordinated_by, networks_of
from maillage.notifications.services import mark_handled, notify
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place

MAX_KIT_BYTES = 20 * 1024 * 1024
PREVIEW_SIDE = 480
RESERVED_SLUGS = {"nouvelle", "a-relire"}


def max_kit_bytes() -> int:
    return getattr(settings, "MAX_KIT_BYTES", MAX_KIT_BYTES)


class KitError(Refusal):
    """A write on the kit was refused; nothing changed (no file stored)."""


class NotAllowed(KitError):
    status = 403
    message = _("Vous n'avez pas le droit de faire cela.")


class InvalidResource(KitError):
    pass


class RefusedFile(KitError):
    pass


# --- who -----------------------------------------------------------------------------------------


def is_member(*, user, network: Network) -> bool:
    if not user.is_authenticated:
        return False
    return (
        is_coordinator(user=user, network=network)
        or networks_of(user=user).filter(pk=network.pk).exists()
    )


def can_review(*, user, resource: Resource) -> bool:
    return is_coordinator(user=user, network=resource.network)


def can_edit(*, user, resource: Resource) -> bool:
    return user.is_authenticated and (
        user.pk == resource.created_by_id or can_review(user=user, resource=resource)
    )


def can_see(*, user, resource: Resource) -> bool:
    return resource.status == Resource.Status.PUBLISHED or can_edit(user=user, resource=resource)


# --- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KitFilters:
    q: str = ""
    kind: str = ""
    action: str = ""
    tag: str = ""
    network: str = ""

    @classmethod
    def from_query(cls, query) -> "KitFilters":
        kind = query.get("type", "").strip()
        action = query.get("action", "").strip()
        return cls(
            q=query.get("q", "").strip()[:100],
            kind=kind if kind in ResourceKind.values else "",
            action=action if action in KitAction.values else "",
            tag=query.get("tag", "").strip()[:50],
            network=query.get("reseau", "").strip()[:220],
        )


def published(filters: KitFilters) -> QuerySet[Resource]:
    resources = Resource.objects.filter(status=Resource.Status.PUBLISHED).select_related(
        "network", "place"
    )
    if filters.kind:
        resources = resources.filter(kind=filters.kind)
    if filters.network:
        resources = resources.filter(network__slug=filters.network)
    if filters.q:
        resources = resources.filter(
            Q(title__icontains=filters.q)
            | Q(summary__icontains=filters.q)
            | Q(body__icontains=filters.q)
            | Q(context__icontains=filters.q)
        )
    return resources.prefetch_related("versions")


def search(filters: KitFilters, *, limit: int = 200) -> list[Resource]:
    """Published resources matching the filters; actions and tags (JSON lists, which SQLite
    cannot query by element) are matched here."""
    found = []
    for resource in published(filters)[: limit * 4]:
        if filters.action and filters.action not in resource.actions:
            continue
        if filters.tag and filters.tag.lower() not in resource.tags:
            continue
        found.append(resource)
        if len(found) >= limit:
            break
    return found


def get_resource_for_viewer(*, user, slug: str) -> Resource:
    resource = (
        Resource.objects.select_related("network", "place", "adapted_from")
        .filter(slug=slug)
        .first()
    )
    if resource is None or not can_see(user=user, resource=resource):
        raise Http404
    return resource


def to_review(*, user) -> QuerySet[Resource]:
    return Resource.objects.filter(
        status=Resource.Status.PENDING, network__in=networks_coordinated_by(user=user)
    ).select_related("network", "created_by")


def contributions_of(*, user) -> QuerySet[Resource]:
    if not user.is_authenticated:
        return Resource.objects.none()
    return Resource.objects.filter(created_by=user).select_related("network")


def contributable_networks(*, user) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    ids = {*networks_of(user=user).values_list("pk", flat=True)} | {
        *networks_coordinated_by(user=user).values_list("pk", flat=True)
    }
    return Network.objects.filter(pk__in=ids).order_by("name")


def latest_version(resource: Resource) -> ResourceVersion | None:
    return resource.versions.order_by("-number").first()


# --- files ---------------------------------------------------------------------------------------

# Active content: a document that runs something when opened.
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFile|OpenAction\s*<<[^>]*?/S\s*/JavaScript)\b"
)
_ACTIVE_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?<\s*(?:svg|html|!doctype|script)\b", re.I)


def _active(content: bytes) -> bool:
    if _ACTIVE_START.search(content[:4096]):
        return True
    if content.startswith(b"%PDF-") and _PDF_ACTIVE.search(content):
        return True
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = [n.lower() for n in archive.namelist()]
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        # Office macros, or a LibreOffice document with Basic scripts.
        return any(n.endswith("vbaproject.bin") or n.startswith("basic/") for n in names)
    return False


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    ext: str
    content_type: str
    name: str


def check_upload(upload: UploadedFile, *, kind: str, field: str = "file") -> CheckedFile:
    """Check a file by its content (never its name): size, a format we take, no active
    content. Photos are re-encoded (pixels only: no GPS position, no hidden payload)."""
    name = (upload.name or "fichier").rsplit("/", 1)[-1][:150]
    limit = max_kit_bytes()
    if too_large(upload, limit):
        raise RefusedFile(
            _g("« %(name)s » dépasse la taille maximale de %(max)s Mo : rien n'a été enregistré.")
            % {"name": name, "max": limit // 1024 // 1024},
            field=field,
        )
    content = b"".join(upload.chunks())
    if _active(content):
        raise RefusedFile(
            _g(
                "« %(name)s » contient du contenu actif (script, macro, page web ou SVG) : il est "
                "refusé et rien n'a été enregistré. Exportez-le en PDF ou en image."
            )
            % {"name": name},
            field=field,
        )
    found = check_document(content)
    if found is None:
        raise RefusedFile(
            _g(
                "« %(name)s » n'est ni un PDF, ni une image (PNG, JPEG, WebP, GIF), ni un document "
                "bureautique lisible : rien n'a été enregistré."
            )
            % {"name": name},
            field=field,
        )
    ext, content_type = found
    if kind == ResourceKind.PHOTO:
        if ext not in IMAGE_EXTENSIONS:
            raise RefusedFile(_g("Une photo de la photothèque doit être une image."), field=field)
        try:
            content, _w, _h = reencode_image(io.BytesIO(content), max_side=4000)
        except UnreadableImage as error:
            raise RefusedFile(
                _g("Cette image ne se lit pas : rien n'a été enregistré."), field=field
            ) from error
        ext, content_type = "jpg", "image/jpeg"
    return CheckedFile(content=content, ext=ext, content_type=content_type, name=name)


def preview_of(checked: CheckedFile) -> bytes | None:
    """A JPEG thumbnail: the image itself, or a PDF's first page (pypdfium2); else None."""
    if checked.ext in IMAGE_EXTENSIONS:
        try:
            return reencode_image(io.BytesIO(checked.content), max_side=PREVIEW_SIDE)[0]
        except UnreadableImage:
            return None
    if checked.ext == "pdf":
        try:
            import pypdfium2
        except ImportError:  # pragma: no cover - the preview is optional
            return None
        try:
            document = pypdfium2.PdfDocument(checked.content)
            try:
                page = document[0]
                bitmap = page.render(scale=PREVIEW_SIDE / max(page.get_size()))
                image = bitmap.to_pil().convert("RGB")
            finally:
                document.close()
        except Exception:
            return None
        out = io.BytesIO()
        image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
        image.save(out, format="JPEG", quality=80)
        return out.getvalue()
    return None


def _store_version(
    resource: Resource, checked: CheckedFile, *, by: User, note: str = ""
) -> ResourceVersion:
    number = (
        resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = ResourceVersion(
        resource=resource,
        number=number,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        note=note.strip()[:300],
        created_by=by,
    )
    version.file.save(
        f"{resource.slug}-v{number}.{checked.ext}", ContentFile(checked.content), save=False
    )
    preview = preview_of(checked)
    if preview:
        version.preview.save(f"{resource.slug}-v{number}.jpg", ContentFile(preview), save=False)
    version.save()
    return version


# --- writes ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ResourceData(Input):
    kind: str | _Unset = UNSET
    title: str | _Unset = UNSET
    summary: str | _Unset = UNSET
    body: str | _Unset = UNSET
    context: str | _Unset = UNSET
    what_they_did: str | _Unset = UNSET
    results: str | _Unset = UNSET
    contacts: str | _Unset = UNSET
    place: Place | _Unset | None = UNSET
    licence: str | _Unset = UNSET
    credit: str | _Unset = UNSET
    tags: list[str] | _Unset = UNSET
    actions: list[str] | _Unset = UNSET


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200].strip("-") or "ressource"
    taken = (
        set(Resource.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        | RESERVED_SLUGS
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check(resource: Resource) -> None:
    if resource.kind not in ResourceKind.values:
        raise InvalidResource(_("Choisissez un type de ressource."), field="kind")
    if not resource.title.strip():
        raise InvalidResource(_("Donnez un titre."), field="title")
    if not resource.summary.strip():
        raise InvalidResource(_("Résumez la ressource en une phrase."), field="summary")
    if licences.canonical(resource.licence) is None:
        raise InvalidResource(licences.UNKNOWN_MESSAGE, field="licence")
    resource.licence = licences.canonical(resource.licence) or resource.licence
    if resource.kind == ResourceKind.CASE and not (
        resource.context.strip() and resource.what_they_did.strip()
    ):
        raise InvalidResource(
            _("Un cas dit son contexte et ce que le lieu a fait."), field="context"
        )
    if resource.kind == ResourceKind.PHOTO and not resource.credit.strip():
        raise InvalidResource(
            _("Une photo porte le nom de son ou sa photographe (crédit)."), field="credit"
        )
    resource.tags = sorted({t.strip().lower()[:40] for t in resource.tags if t.strip()})[:12]
    unknown = [a for a in resource.actions if a not in KitAction.values]
    if unknown:
        raise InvalidResource(_("Action inconnue."), field="actions")


def contribute(
    *,
    by: User,
    network: Network,
    data: ResourceData,
    upload: UploadedFile | None = None,
    note: str = "",
) -> Resource:
    """A member contributes a resource (with a file or not); coordinators publish at once,
    others wait for their review. A refused file stores nothing."""
    if not is_member(user=by, network=network):
        raise NotAllowed(_("Seuls les membres du réseau contribuent à sa valise."))
    resource = Resource(network=network, created_by=by, tags=[], actions=[])
    data.assign_to(resource)
    _check(resource)
    needs_file = resource.kind not in (ResourceKind.PITCH, ResourceKind.CASE)
    if needs_file and upload is None:
        raise InvalidResource(_("Joignez le fichier de la ressource."), field="file")
    if resource.place is not None and not can_edit_place(user=by, place=resource.place):
        raise NotAllowed(
            _("Seule l'équipe du lieu peut lui attribuer une ressource."), field="place"
        )
    checked = check_upload(upload, kind=resource.kind) if upload is not None else None
    publish = is_coordinator(user=by, network=network)
    resource.status = Resource.Status.PUBLISHED if publish else Resource.Status.PENDING
    with transaction.atomic():
        resource.slug = _unique_slug(resource.title)
        resource.save()
        if checked is not None:
            _store_version(resource, checked, by=by, note=note)
    if not publish:
        from maillage.networks.selectors import coordinators

        notify(
            users=[role.user for role in coordinators(network=network)],
            topic="communication.kit",
            title=_g("Ressource à relire : %(title)s") % {"title": resource.title},
            url=resource.get_absolute_url(),
            key=f"communication.kit:{resource.pk}",
        )
    return resource


def add_version(
    *, by: User, resource: Resource, upload: UploadedFile, note: str = ""
) -> ResourceVersion:
    if not can_edit(user=by, resource=resource):
        raise NotAllowed(_("Seul·e l'auteur·rice ou la coordination ajoute une version."))
    checked = check_upload(upload, kind=resource.kind)
    with transaction.atomic():
        version = _store_version(resource, checked, by=by, note=note)
        resource.save(update_fields=["updated_at"])
    return version


def review(*, by: User, resource: Resource, accept: bool, note: str = "") -> Resource:
    if not can_review(user=by, resource=resource):
        raise NotAllowed(_("Seule la coordination du réseau relit les contributions."))
    if resource.status != Resource.Status.PENDING:
        raise InvalidResource(_("Cette ressource a déjà été relue."))
    if not accept and not note.strip():
        raise InvalidResource(
            _("Dites pourquoi, en une phrase : l'auteur·rice le lira."), field="note"
        )
    resource.status = Resource.Status.PUBLISHED if accept else Resource.Status.REFUSED
    resource.review_note = note.strip()[:300]
    resource.save(update_fields=["status", "review_note", "updated_at"])
    mark_handled(key=f"communication.kit:{resource.pk}")
    if resource.created_by is not None:
        notify(
            users=[resource.created_by],
            topic="communication.kit",
            title=(
                _g("Votre ressource « %(title)s » est publiée")
                if accept
                else _g("Votre ressource « %(title)s » n'a pas été retenue")
            )
            % {"title": resource.title},
            body=resource.review_note,
            url=resource.get_absolute_url(),
            exclude=by,
        )
    return resource


def adapt(*, by: User, resource: Resource, place: Place) -> Resource:
    """A copy for one's place, with the attribution the licence asks for; it starts as the
    place's own draft (to review like any contribution)."""
    if resource.status != Resource.Status.PUBLISHED:
        raise InvalidResource(_("Seule une ressource publiée s'adapte."))
    if not can_edit_place(user=by, place=place):
        raise NotAllowed(
            _("Adaptez une ressource pour un lieu dont vous faites partie de l'équipe."),
            field="place",
        )
    if "-ND-" in f"-{resource.licence}-" or resource.licence.endswith("-ND"):
        raise InvalidResource(
            _(
                "La licence de cette ressource interdit les modifications : utilisez-la telle quelle."
            )
        )
    source_place = f", {resource.place.name}" if resource.place else ""
    copy = Resource(
        network=resource.network,
        kind=resource.kind,
        title=_g("%(title)s — version %(place)s") % {"title": resource.title, "place": place.name},
        summary=resource.summary,
        body=resource.body,
        context=resource.context,
        what_they_did=resource.what_they_did,
        results=resource.results,
        contacts="",
        place=place,
        licence=resource.licence,
        credit=resource.credit,
        tags=list(resource.tags),
        actions=list(resource.actions),
        adapted_from=resource,
        attribution=_g("D'après « %(title)s » (%(network)s%(place)s), licence %(licence)s.")
        % {
            "title": resource.title,
            "network": resource.network.name,
            "place": source_place,
            "licence": resource.licence,
        },
        created_by=by,
        status=Resource.Status.PENDING,
    )
    with transaction.atomic():
        copy.slug = _unique_slug(copy.title)
        copy.save()
        latest = latest_version(resource)
        if latest is not None:
            with latest.file.open("rb") as source:
                content = source.read()
            ext = (latest.file.name or "").rsplit(".", 1)[-1]
            checked = CheckedFile(
                content=content,
                ext=ext,
                content_type=latest.content_type,
                name=latest.original_name,
            )
            _store_version(
                copy, checked, by=by, note=_g("Copie de la version %(n)s") % {"n": latest.number}
            )
    return copy


def record_download(resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(downloads=F("downloads") + 1)


def check_reader(*, user, resource: Resource) -> None:
    if not can_see(user=user, resource=resource):
        raise PermissionDenied
