import io

import pytest
from PIL import Image

from maillage.places.models import PlaceStatus, PlaceType
from maillage.places.services import PlaceData


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded photos go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def place_data(commune):
    """Valid input for create_place: a place in Douai, near the commune centre."""

    def build(**overrides):
        data = {
            "name": "La Fabrique du Coin",
            "types": [PlaceType.FABLAB],
            "status": PlaceStatus.OPEN,
            "address": "12 rue des Ateliers",
            "postal_code": "59500",
            "commune": commune,
            "latitude": 50.3714,
            "longitude": 3.08,
            "opening_hours": {"mo": "09:00-12:30,14:00-18:00"},
        }
        data.update(overrides)
        return PlaceData(**data)

    return build


@pytest.fixture
def form_data(commune):
    """Valid POST data for the place form."""

    def build(**overrides):
        data = {
            "name": "La Fabrique du Coin",
            "types": ["fablab", "cafe"],
            "status": "open",
            "address": "12 rue des Ateliers",
            "commune": commune.code_insee,
            "commune_search": "Douai (59500)",
            "postal_code": "59500",
            "latitude": "50.3714",
            "longitude": "3.08",
            "hours_mo": "9h-12h30, 14:00-18:00",
            "is_published": "on",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return build


def image_bytes(fmt: str = "PNG", size=(64, 48), mode="RGB", exif=None) -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None)
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()
