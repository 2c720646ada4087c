"""Pictures of demo places, drawn here (the machine may be offline, and no photo's licence to
worry about): an original illustration of a façade in the place's colours, windows, a door and
a sign with its initials, attached through the places photo service with its description.

A dozen places get one: the managed ones first (their managers can show and edit them), then
others, in the census order. Idempotent: a place that has a photo is left alone.
`delete_demo_photos` removes them, files included, before a `load_demo --reset`.
"""

import hashlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from maillage.accounts.models import User
from maillage.demo.selectors import EXTERNAL_PREFIX, demo_places
from maillage.places import services as place_services
from maillage.places.models import Place, PlaceRole

PHOTOS = 12
WIDTH, HEIGHT = 960, 640

# (name of the colour in the description, wall, trim) — soft façades, dark trims.
PALETTES = [
    ("ocre", (214, 158, 76), (94, 58, 28)),
    ("brique", (178, 84, 62), (64, 30, 24)),
    ("bleu ardoise", (92, 122, 150), (30, 42, 58)),
    ("vert sauge", (132, 162, 124), (40, 62, 44)),
    ("crème", (232, 220, 190), (90, 80, 60)),
    ("rose poudré", (214, 160, 160), (92, 52, 58)),
    ("gris perle", (184, 186, 190), (54, 56, 62)),
    ("jaune paille", (230, 200, 110), (100, 80, 30)),
]
SKY = (206, 226, 240)
GROUND = (120, 120, 116)


def initials(name: str) -> str:
    """ "La Ruche de Lille" → "RL": the first letters of the first two meaningful words."""
    small = {"la", "le", "les", "l", "de", "du", "des", "d", "et", "en", "au", "aux", "a", "à"}
    words = [w for w in "".join(c if c.isalnum() else " " for c in name).split() if w]
    meaningful = [w for w in words if w.lower() not in small] or words or ["?"]
    return "".join(w[0].upper() for w in meaningful[:2])


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def draw_facade(name: str) -> tuple[bytes, str]:
    """A PNG illustration of a façade for `name`, and its description (alt text)."""
    digest = hashlib.sha256(name.encode()).digest()
    colour, wall, trim = PALETTES[digest[0] % len(PALETTES)]
    floors = 2 + digest[1] % 3
    columns = 3 + digest[2] % 3
    image = Image.new("RGB", (WIDTH, HEIGHT), SKY)
    draw = ImageDraw.Draw(image)
    ground = HEIGHT - 70
    draw.rectangle([0, ground, WIDTH, HEIGHT], fill=GROUND)
    left, right = 120, WIDTH - 120
    # A tall ground floor (a sign band, a shop window, the door), upper floors above it.
    ground_top = ground - 150
    upper = (ground_top - 140) // (floors - 1)
    top = ground_top - (floors - 1) * upper
    draw.polygon([(left - 30, top), (WIDTH // 2, top - 70), (right + 30, top)], fill=trim)
    draw.rectangle([left, top, right, ground], fill=wall, outline=trim, width=6)
    draw.rectangle([left, ground_top, right, ground_top + 45], fill=trim)
    text = initials(name)
    draw.text(((left + right) // 2, ground_top + 23), text, fill=wall, font=_font(36), anchor="mm")
    # Windows of the upper floors, lit or not.
    span = (right - left) / columns
    for floor in range(floors - 1):
        y = top + floor * upper + upper * 0.2
        for column in range(columns):
            x = left + column * span + span * 0.2
            lit = digest[(3 + floor * columns + column) % len(digest)] % 3 == 0
            glass = (250, 230, 150) if lit else (170, 200, 220)
            draw.rectangle(
                [x, y, x + span * 0.6, y + upper * 0.6], fill=glass, outline=trim, width=4
            )
    door_x = left + (right - left) * (0.15 + (digest[4] % 60) / 100)
    draw.rectangle([door_x, ground - 100, door_x + 70, ground], fill=trim)
    glass = (170, 200, 220)
    if door_x - left > 120:
        box = [left + 30, ground_top + 65, door_x - 30, ground - 20]
        draw.rectangle(box, fill=glass, outline=trim, width=4)
    if right - door_x > 190:
        box = [door_x + 100, ground_top + 65, right - 30, ground - 20]
        draw.rectangle(box, fill=glass, outline=trim, width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    floors_word = {2: "deux", 3: "trois", 4: "quatre"}[floors]
    alt = (
        f"Illustration : la façade {colour} de « {name} », sur {floors_word} niveaux, "
        f"avec une vitrine au rez-de-chaussée et l'enseigne « {text} »."
    )
    return buffer.getvalue(), alt


def _census_order(place: Place) -> int:
    return int(place.external_id.removeprefix(EXTERNAL_PREFIX))


def load_demo_photos(*, count: int = PHOTOS) -> int:
    """Give a drawn photo to `count` demo places (managed ones first); return how many."""
    places = demo_places()
    if not places.exists() or places.filter(photos__isnull=False).exists():
        return 0
    managers = {
        role.place_id: role.user
        for role in PlaceRole.objects.filter(
            place__in=places, role=PlaceRole.Role.MANAGER
        ).select_related("user")
    }
    admin = User.objects.filter(email__startswith="admin@", is_superuser=True).first()
    chosen = sorted(places, key=lambda p: (p.pk not in managers, _census_order(p)))[:count]
    added = 0
    with transaction.atomic():
        for place in chosen:
            by = managers.get(place.pk, admin)
            if by is None:
                continue
            content, alt = draw_facade(place.name)
            upload = SimpleUploadedFile("facade.png", content, content_type="image/png")
            place_services.add_photo(place=place, by=by, upload=upload, alt_text=alt)
            added += 1
    return added


def delete_demo_photos() -> None:
    """Delete the demo places' photos and their files (through the places service)."""
    from maillage.places.models import PlacePhoto

    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    for photo in PlacePhoto.objects.filter(place__in=demo_places()).select_related("place"):
        place_services.delete_photo(photo=photo, by=admin)  # type: ignore[arg-type]
