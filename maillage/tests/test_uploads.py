"""Uploads are bounded while they arrive and judged by their content (lib/uploads.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import RequestFactory
from django.utils.datastructures import MultiValueDict
from PIL import Image

from maillage.circles import budget_services
from maillage.circles.tests.factories import ONE_PAGE_PDF
from maillage.lib.uploads import OversizedUpload, check_document
from maillage.places.models import PlacePhoto
from maillage.places.tests.conftest import image_bytes


def _parse(files: dict, *, limit: int) -> MultiValueDict:
    request = RequestFactory().post("/", data=files)
    request.upload_limit = limit  # what @upload_limit sets
    return request.FILES


def test_a_file_over_the_limit_is_not_stored_but_keeps_its_real_size():
    big = SimpleUploadedFile("photo.jpg", b"x" * 3_000_000, content_type="image/jpeg")

    files = _parse({"image": big}, limit=1_000_000)

    received = files["image"]
    assert isinstance(received, OversizedUpload)
    assert received.size == 3_000_000
    assert received.read() == b""


def test_a_file_under_the_limit_arrives_whole():
    small = SimpleUploadedFile("lieux.csv", b"nom\n" * 1000, content_type="text/csv")

    files = _parse({"file": small, "other": small}, limit=1_000_000)

    assert files["file"].read() == b"nom\n" * 1000


def test_each_file_of_a_request_has_its_own_limit():
    small = SimpleUploadedFile("a.pdf", b"a" * 600_000)
    other = SimpleUploadedFile("b.pdf", b"b" * 600_000)

    files = _parse({"documents": [small, other]}, limit=1_000_000)

    assert [f.size for f in files.getlist("documents")] == [600_000, 600_000]
    assert not any(isinstance(f, OversizedUpload) for f in files.getlist("documents"))


def test_a_photo_over_the_limit_is_refused_before_it_is_written(
    client, alice, place, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_PHOTO_BYTES = 512 * 1024
    client.force_login(alice)
    huge = SimpleUploadedFile("vue.png", image_bytes() + b"\0" * 1_000_000)

    response = client.post(
        f"/lieux/{place.slug}/photos/ajouter/", {"image": huge, "alt_text": "La salle"}
    )

    assert "La photo dépasse la taille maximale de 0,5 Mo." in response.content.decode()
    assert not PlacePhoto.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def _gif_with(trailer: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="GIF")
    return out.getvalue() + trailer


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"GIF89a<script>alert(document.cookie)</script>", "image header then a script"),
        (b"%PDF-1.4\n<html><body onload=alert(1)>", "PDF header then a page"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "a PDF no reader opens"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "a PNG header and nothing else"),
        (_gif_with(b"")[:20], "a truncated GIF"),
    ],
)
def test_a_document_that_is_not_what_its_first_bytes_claim_is_refused(content, why):
    assert check_document(content) is None, why


def test_a_real_pdf_and_a_real_image_are_accepted():
    assert check_document(ONE_PAGE_PDF) == ("pdf", "application/pdf")
    assert check_document(image_bytes("PNG")) == ("png", "image/png")


@pytest.mark.django_db
def test_an_image_receipt_is_stored_as_pixels_only():
    """A picture carrying a script further in is stored re-encoded: the script is gone."""
    polyglot = _gif_with(b"\0" * 5000 + b"<script>alert(1)</script>")
    assert check_document(polyglot) is not None  # a real GIF: accepted…

    content, ext, mime = budget_services.documents.read_document(
        SimpleUploadedFile("recu.gif", polyglot), field="receipt"
    )

    assert (ext, mime) == ("jpg", "image/jpeg")  # …but only its pixels are kept
    assert b"<script>" not in content
    assert Image.open(io.BytesIO(content)).size == (8, 8)
