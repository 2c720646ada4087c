"""Quotes, programmes and receipts: what we accept (sniffed, never trusted by name)."""

import io
import zipfile

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from maillage.circles.budget_services.errors import (
    InvalidDocument,
)

# Quotes, programmes and receipts: 10 MB is plenty for a scanned page or an office file.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 10

# Magic numbers of the formats we take; the extension the person gave is never trusted.
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc", "application/x-ole-storage"),
]

_OFFICE_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}

_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def sniff_document(content: bytes) -> tuple[str, str] | None:
    """The (extension, content type) the bytes really are, or None if not a format we take."""
    for magic, ext, mime in _SIGNATURES:
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
                    if mimetype in _ODF_TYPES:
                        return _ODF_TYPES[mimetype], mimetype
                if "[Content_Types].xml" in names:
                    for prefix, found in _OFFICE_TYPES.items():
                        if any(name.startswith(prefix) for name in names):
                            return found
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def read_document(upload: UploadedFile, *, field: str) -> tuple[bytes, str, str]:
    """Read an upload whole (it is small) and sniff it; raise InvalidDocument."""
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise InvalidDocument(
            _("« %(name)s » dépasse la taille maximale de %(max)s Mo.")
            % {"name": upload.name, "max": MAX_DOCUMENT_BYTES // 1024 // 1024},
            field=field,
        )
    content = b"".join(upload.chunks())
    found = sniff_document(content)
    if found is None:
        raise InvalidDocument(
            _(
                "« %(name)s » n'est ni un PDF, ni une image, ni un document bureautique "
                "(Word, Excel, LibreOffice) lisible."
            )
            % {"name": upload.name},
            field=field,
        )
    return content, found[0], found[1]


def content_type_of(file_name: str) -> str:
    """The content type to serve a stored document with (from the extension we gave it)."""
    ext = file_name.rsplit(".", 1)[-1].lower()
    for _magic, known, mime in _SIGNATURES:
        if known == ext:
            return mime
    for known, mime in [*_OFFICE_TYPES.values(), *((v, k) for k, v in _ODF_TYPES.items())]:
        if known == ext:
            return mime
    if ext == "webp":
        return "image/webp"
    return "application/octet-stream"
