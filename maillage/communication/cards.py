"""Share cards: an image per event, drawn on the server with Pillow — the title, the date, the
place, the network's colours — in the sizes the main social networks show without cropping."""

import functools
import io
from dataclasses import dataclass

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from maillage.lib.french import date_format


@dataclass(frozen=True)
class CardSize:
    width: int
    height: int
    label: str


SIZES = {
    # Open Graph (Facebook, LinkedIn, Mastodon, messaging apps' link previews).
    "og": CardSize(1200, 630, "Open Graph, Facebook, LinkedIn, Mastodon"),
    # X / Twitter "summary_large_image" (2:1 shows uncropped).
    "x": CardSize(1200, 600, "X (Twitter)"),
    # Instagram feed post, square.
    "carre": CardSize(1080, 1080, "Instagram (publication carrée)"),
    # Instagram / Facebook stories, 9:16.
    "story": CardSize(1080, 1920, "Stories Instagram et Facebook"),
}

FONT_FILES = {
    True: [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ],
    False: [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ],
}


@functools.cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES[bold]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)  # Pillow's own font: always there


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _ink_on(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white, whichever reads better on the colour (relative luminance)."""
    r, g, b = (c / 255 for c in colour)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (20, 20, 20) if luminance > 0.5 else (255, 255, 255)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    # Split at plain spaces only: a no-break space holds "18 h 30" on one line.
    words, lines, line = [word for word in text.split(" ") if word], [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while draw.textlength(line, font=font) > width and len(line) > 1:
            line = line[:-1]
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


@dataclass(frozen=True)
class CardText:
    title: str
    when: str
    where: str
    network: str
    kind: str = ""


def card_text(*, event, occurrence=None, network_name: str = "") -> CardText:
    start = timezone.localtime(occurrence.starts_at if occurrence else event.starts_at)
    place = event.venue or event.place
    where = place.name if place else (event.address or ("En ligne" if event.online_url else ""))
    if place is not None and place.commune_id:
        where = f"{where} · {place.commune.name}"
    return CardText(
        title=(
            occurrence.title_override if occurrence and occurrence.title_override else event.title
        ),
        when=f"{date_format(start.date(), 'l j F Y')} · {start.hour}\u00a0h\u00a0{start.minute:02d}",
        where=where,
        network=network_name,
        kind=str(event.get_kind_display()),
    )


def render_card(text: CardText, *, size: str = "og", primary: str, accent: str) -> bytes:
    """The card as PNG bytes, `size` one of SIZES."""
    spec = SIZES[size]
    w, h = spec.width, spec.height
    background, stripe = _rgb(primary), _rgb(accent)
    ink = _ink_on(background)
    image = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(image)
    unit = min(w, h)
    margin = int(unit * 0.08)
    # The accent: a band on the left and a rule under the kicker.
    draw.rectangle([0, 0, int(unit * 0.03), h], fill=stripe)
    kicker_font = _font(int(unit * 0.045), bold=True)
    title_font = _font(int(unit * (0.085 if h <= w else 0.09)), bold=True)
    body_font = _font(int(unit * 0.05), bold=False)
    y = margin if h <= w else int(h * 0.22)
    if text.kind:
        draw.text((margin, y), text.kind.upper(), font=kicker_font, fill=stripe)
        y += int(unit * 0.07)
    max_lines = 3 if h <= w else 5
    for line in _wrap(draw, text.title, title_font, w - 2 * margin, max_lines):
        draw.text((margin, y), line, font=title_font, fill=ink)
        y += int(unit * (0.085 if h <= w else 0.09) * 1.2)
    y += int(unit * 0.03)
    draw.rectangle([margin, y, margin + int(unit * 0.12), y + max(4, unit // 120)], fill=stripe)
    y += int(unit * 0.05)
    for line in (text.when, text.where):
        if line:
            for part in _wrap(draw, line, body_font, w - 2 * margin, 2):
                draw.text((margin, y), part, font=body_font, fill=ink)
                y += int(unit * 0.065)
    footer_size = int(unit * 0.04)
    footer = text.network or "Maillage"
    draw.text(
        (margin, h - margin - footer_size), footer, font=_font(footer_size, bold=True), fill=stripe
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
