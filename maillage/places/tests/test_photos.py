import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from maillage.places.models import PlacePhoto
from maillage.places.services import InvalidPhoto, add_photo, delete_photo
from maillage.places.tests.conftest import image_bytes

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "photo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_png_is_stored_as_a_jpeg_without_metadata(alice, place, media_root):
    photo = add_photo(
        place=place, by=alice, upload=upload(image_bytes("PNG")), alt_text="La grande salle"
    )

    assert photo.image.name.endswith(".jpg")
    assert "photo" not in photo.image.name  # the uploader's file name is not kept
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (64, 48)
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert (photo.width, photo.height) == (64, 48)


def test_exif_from_a_camera_jpeg_is_stripped_and_its_orientation_applied(alice, place):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Appareil indiscret"  # camera maker
    content = image_bytes("JPEG", size=(80, 40), exif=exif.tobytes())

    photo = add_photo(
        place=place, by=alice, upload=upload(content, "IMG_1.jpg", "image/jpeg"), alt_text="Vue"
    )

    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
        assert stored.size == (40, 80)
    assert b"Appareil indiscret" not in photo.image.open("rb").read()


def test_a_large_photo_is_downscaled_to_2000_pixels(alice, place):
    photo = add_photo(
        place=place, by=alice, upload=upload(image_bytes("PNG", size=(4000, 1000))), alt_text="A"
    )

    assert (photo.width, photo.height) == (2000, 500)


def test_a_text_file_named_jpg_is_refused_and_nothing_is_saved(alice, place, media_root):
    fake = upload(b"ceci n'est pas une image", "vacances.jpg", "image/jpeg")

    with pytest.raises(InvalidPhoto) as caught:
        add_photo(place=place, by=alice, upload=fake, alt_text="Vacances")

    assert "n'est pas une image" in str(caught.value)
    assert PlacePhoto.objects.count() == 0
    assert not media_root.exists() or not list(media_root.rglob("*.jpg"))


def test_an_oversized_upload_is_refused(alice, place, settings):
    settings.MAX_PHOTO_BYTES = 1000
    content = image_bytes("PNG", size=(400, 400)) + b"\0" * 1000

    with pytest.raises(InvalidPhoto) as caught:
        add_photo(place=place, by=alice, upload=upload(content), alt_text="Trop lourde")

    assert "taille maximale" in str(caught.value)
    assert PlacePhoto.objects.count() == 0


def test_a_decompression_bomb_is_refused(alice, place, monkeypatch):
    # A tiny file that claims more pixels than we accept.
    monkeypatch.setattr("maillage.places.services.MAX_PHOTO_PIXELS", 100)
    with pytest.raises(InvalidPhoto):
        add_photo(
            place=place, by=alice, upload=upload(image_bytes(size=(20, 20))), alt_text="Bombe"
        )
    assert PlacePhoto.objects.count() == 0


def test_a_photo_needs_a_description(alice, place):
    with pytest.raises(InvalidPhoto) as caught:
        add_photo(place=place, by=alice, upload=upload(image_bytes()), alt_text="  ")

    assert caught.value.field == "alt_text"
    assert PlacePhoto.objects.count() == 0


def test_deleting_a_photo_removes_its_file(alice, place, django_capture_on_commit_callbacks):
    photo = add_photo(place=place, by=alice, upload=upload(image_bytes()), alt_text="Salle")
    path = photo.image.path

    with django_capture_on_commit_callbacks(execute=True):
        delete_photo(photo=photo, by=alice)

    assert PlacePhoto.objects.count() == 0
    assert not os.path.exists(path)


def test_the_upload_page_shows_a_french_error_next_to_the_file_field(client, alice, place):
    client.force_login(alice)
    fake = upload(b"pas une image", "x.jpg", "image/jpeg")

    response = client.post(
        reverse("places:photo-add", args=[place.slug]), {"image": fake, "alt_text": "X"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_image_error"' in html
    assert "n&#x27;est pas une image lisible" in html
    assert PlacePhoto.objects.count() == 0


def test_the_upload_page_stores_the_photo_and_shows_it_with_its_description(client, alice, place):
    client.force_login(alice)

    response = client.post(
        reverse("places:photo-add", args=[place.slug]),
        {"image": upload(image_bytes()), "alt_text": "L'atelier bois"},
        follow=True,
    )

    assert PlacePhoto.objects.filter(place=place).count() == 1
    assert 'alt="L&#x27;atelier bois"' in response.content.decode()
