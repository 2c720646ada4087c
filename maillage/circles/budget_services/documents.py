"""Quotes, programmes and receipts: what we accept, decided by content (see lib/uploads.py)."""

import io

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from maillage.circles.budget_services.errors import InvalidDocument
from maillage.lib.uploads import (
    IMAGE_EXTENSIONS,
    UnreadableImage,
    check_document,
    reencode_image,
    too_large,
)

# Quotes, programmes and receipts: 10 MB is plenty for a scanned page or an office file.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 10
# A scanned receipt stays legible at this size once re-encoded.
MAX_DOCUMENT_IMAGE_SIDE = 3000


def read_document(upload: UploadedFile, *, field: str) -> tuple[bytes, str, str]:
    """Read an upload whole (it is small) and check what it is; raise InvalidDocument.

    Images are stored re-encoded (pixels only): a picture that is also a script, or carries
    the phone's GPS position, is stored as neither.
    """
    if too_large(upload, MAX_DOCUMENT_BYTES):
        raise InvalidDocument(
            _("« %(name)s » dépasse la taille maximale de %(max)s Mo.")
            % {"name": upload.name, "max": MAX_DOCUMENT_BYTES // 1024 // 1024},
            field=field,
        )
    content = b"".join(upload.chunks())
    found = check_document(content)
    if found is not None and found[0] in IMAGE_EXTENSIONS:
        try:
            content, _width, _height = reencode_image(
                io.BytesIO(content), max_side=MAX_DOCUMENT_IMAGE_SIDE
            )
        except UnreadableImage:
            found = None
        else:
            found = ("jpg", "image/jpeg")
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
