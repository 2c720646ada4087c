"""Uploads: sizes bounded while the bytes arrive, types decided by content.

Django writes an upload to memory or a temporary file before any form or service sees it, so a
size checked in a service comes after a 100 MB photo has been written. `LimitedUploadHandler`
(first in `FILE_UPLOAD_HANDLERS`) stops passing bytes on once a file exceeds the limit of the
view (`@upload_limit`) or `MAX_UPLOAD_BYTES`, and hands the form an empty `OversizedUpload` whose
`size` is the real size, so the service's usual size check refuses it with its usual message.

What a file is comes from its bytes, never from its name or the browser's content type:
`sniff_document` recognises the formats we take for documents and receipts, `check_document`
also opens them (a PDF must have pages, an image must decode) and refuses files that carry
markup near their start (the HTML half of a polyglot), and `reencode_image` keeps only pixels.
"""

import functools
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from PIL import Image, ImageOps, UnidentifiedImageError

# --- sizes, while the bytes arrive --------------------------------------------------------------


class OversizedUpload(UploadedFile):
    """What the form receives for a file over the limit: no content, its real size."""

    def __init__(self, name: str, size: int, content_type: str | None) -> None:
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)
        self.oversized = True


class LimitedUploadHandler(FileUploadHandler):
    """Stop storing a file's bytes past the view's limit; report its real size."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        limit = getattr(request, "upload_limit", None)
        self.limit: int = limit if limit is not None else settings.MAX_UPLOAD_BYTES
        self.oversized = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.oversized or start + len(raw_data) > self.limit:
            # The handlers after this one (memory, temporary file) get nothing more.
            self.oversized = True
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.oversized:
            return None  # the next handler completes the file as usual
        return OversizedUpload(self.file_name or "", file_size, self.content_type)


def upload_limit(max_bytes: Callable[[], int]) -> Callable:
    """Bound the files a view accepts to `max_bytes()` (a callable, so settings can change)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Read by LimitedUploadHandler when request.FILES is first parsed.
            request.upload_limit = max_bytes()  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_large(upload: UploadedFile, max_bytes: int) -> bool:
    return upload.size is None or upload.size > max_bytes


# --- types, by content ----------------------------------------------------------------------------

# Magic numbers of the formats we take; the extension the person gave is never trusted.
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc", "application/x-ole-storage"),
]

OFFICE_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}

ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}

IMAGE_EXTENSIONS = {"png", "jpg", "gif", "webp"}

# A browser that ignores the content type would run this: no document of ours starts with it.
_MARKUP = re.compile(rb"<\s*(?:script|html|body|svg|iframe|object|embed|!doctype)\b", re.I)
MARKUP_WINDOW = 4096


def sniff_document(content: bytes) -> tuple[str, str] | None:
    """The (extension, content type) the bytes really are, or None if not a format we take."""
    for magic, ext, mime in SIGNATURES:
        if content.startswith(magic):
            return ext, mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp", "image/webp"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype in ODF_TYPES:
                        return ODF_TYPES[mimetype], mimetype
                if "[Content_Types].xml" in names:
                    for prefix, found in OFFICE_TYPES.items():
                        if any(name.startswith(prefix) for name in names):
                            return found
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def check_document(content: bytes) -> tuple[str, str] | None:
    """Like `sniff_document`, but the file must also open as what it claims and carry no markup."""
    found = sniff_document(content)
    if found is None or _MARKUP.search(content[:MARKUP_WINDOW]):
        return None
    ext = found[0]
    if ext == "pdf" and not _pdf_has_pages(content):
        return None
    if ext in IMAGE_EXTENSIONS and not _image_decodes(content):
        return None
    return found


def content_type_of(file_name: str) -> str:
    """The content type to serve a stored document with (from the extension we gave it)."""
    ext = file_name.rsplit(".", 1)[-1].lower()
    for _magic, known, mime in SIGNATURES:
        if known == ext:
            return mime
    for known, mime in [*OFFICE_TYPES.values(), *((v, k) for k, v in ODF_TYPES.items())]:
        if known == ext:
            return mime
    if ext == "webp":
        return "image/webp"
    return "application/octet-stream"


def _pdf_has_pages(content: bytes) -> bool:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(content)
    except pypdfium2.PdfiumError:
        return False
    try:
        return len(document) > 0
    finally:
        document.close()


# --- images -----------------------------------------------------------------------------------

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_PIXELS = 50_000_000  # well under Pillow's own bomb threshold


class UnreadableImage(ValueError):
    """Not a real image we take (or one too large to decode safely); `reason` says which."""

    def __init__(self, reason: str, size: tuple[int, int] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason  # "format", "pixels" or "unreadable"
        self.size = size


def _image_decodes(content: bytes) -> bool:
    try:
        reencode_image(io.BytesIO(content), max_side=64)
    except UnreadableImage:
        return False
    return True


def reencode_image(
    source: Any, *, max_side: int, max_pixels: int = MAX_IMAGE_PIXELS
) -> tuple[bytes, int, int]:
    """Decode an image and return a clean JPEG of it (pixels only, no metadata) and its size.

    Raise UnreadableImage when it is not JPEG, PNG, WebP or GIF, has more than `max_pixels`, or
    does not decode (a truncated file, a polyglot, a decompression bomb).
    """
    source.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit: treat any bomb as an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as probe:
                if probe.format not in IMAGE_FORMATS:
                    raise UnreadableImage("format")
                width, height = probe.size
                if width * height > max_pixels:
                    raise UnreadableImage("pixels", (width, height))
                probe.verify()
            source.seek(0)
            with Image.open(source) as image:
                image.load()
                # Turn the pixels the way the camera says, since the EXIF tag is dropped below.
                image = ImageOps.exif_transpose(image)
                if image.mode in {"RGBA", "LA", "P"}:
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                else:
                    image = image.convert("RGB")
                image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                # No exif/icc/xmp arguments: the new file carries no metadata (GPS, camera…).
                image.save(out, format="JPEG", quality=85, optimize=True)
                return out.getvalue(), image.width, image.height
    except UnreadableImage:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise UnreadableImage("unreadable") from exc
