"""Charts drawn on the server as SVG: bars, lines over time, a flows picture.

Each picture is decorative for screen readers' purposes only in the sense that the same figures
are always in a data table next to it: the SVG has `role="img"` and a title saying what it
shows, and the page shows the table (`<table>`) with every value. No script, no external file:
the SVG is inline, so it works in the embeddable page and in a saved HTML page.
"""

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1d5c8c", "#c4581c", "#2f7d3a", "#7a3e9d", "#a3761b", "#41727a", "#9c2f4a", "#5a5a5a"]
# Drawn for a phone: about as wide as a phone's column, so the text keeps its size there; a
# wider screen shows it a little larger (observatory.css caps its width).
WIDTH = 340


def _svg(*, width: int, height: int, title: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 (every text inside is escaped here)
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" font-size="14">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _trim(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def bars(items: Sequence[tuple[str, float, str]], *, title: str) -> SafeString:
    """Horizontal bars: (label, value, shown value) each; a masked value ("< 5") is drawn hatched.
    Each label stands on its own line above its bar, so long labels are not cut short."""
    row = 42
    bar_w = WIDTH - 70
    top = 4
    height = top + row * max(len(items), 1) + 4
    peak = max((value for _label, value, _shown in items), default=0) or 1
    parts = [
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="3" height="6" fill="#9aa"/></pattern></defs>'
    ]
    for i, (label, value, shown) in enumerate(items):
        y = top + i * row
        hidden = shown.startswith("<")
        length = bar_w * (0.04 if hidden else max(value, 0) / peak)
        fill = "url(#hatch)" if hidden else PALETTE[0]
        parts.append(
            f'<text x="0" y="{y + 15}" fill="#222">{escape(_trim(label, 42))}</text>'
            f'<rect x="0" y="{y + 21}" width="{max(length, 1):.1f}" height="16" '
            f'fill="{fill}" rx="2"/>'
            f'<text x="{max(length, 1) + 6:.1f}" y="{y + 34}" fill="#222" font-weight="600">'
            f"{escape(shown)}</text>"
        )
    if not items:
        parts.append(f'<text x="10" y="24" fill="#555">{escape("—")}</text>')
    return _svg(width=WIDTH, height=height, title=title, body="".join(parts))


def lines(
    months: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, title: str
) -> SafeString:
    """Lines over time: one per (name, values); `months` label the x axis."""
    legend_rows = (len(series) + 1) // 2
    left, right, top, bottom = 48, 12, 12, 40 + 20 * legend_rows
    height = 200 + bottom
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom
    peak = max((v for _name, values in series for v in values), default=0) or 1
    n = max(len(months), 1)
    step = plot_w / max(n - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (max(v, 0) / peak)

    parts = []
    for tick in range(5):
        value = peak * tick / 4
        ty = y(value)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#444">'
            f"{escape(_number(value))}</text>"
        )
    every = max(1, n // 6)
    for i, month in enumerate(months):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                f'fill="#444">{escape(month)}</text>'
            )
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
        parts.extend(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}"/>'
            for i, v in enumerate(values)
        )
        column = (WIDTH - 8) // 2
        legend_y = height - bottom + 34 + (k // 2) * 20
        parts.append(
            f'<rect x="{(k % 2) * column + 8}" y="{legend_y}" width="12" height="12" '
            f'fill="{colour}"/>'
            f'<text x="{(k % 2) * column + 24}" y="{legend_y + 11}" fill="#222">'
            f"{escape(_trim(name, 19))}</text>"
        )
    return _svg(width=WIDTH, height=height, title=title, body="".join(parts))


def flows(items: Sequence[tuple[str, str, float]], *, title: str) -> SafeString:
    """Who goes where: origins on the left, destinations on the right, bands ∝ the value."""
    origins = sorted({o for o, _d, _v in items})
    targets = sorted({d for _o, d, _v in items})
    row = 30
    height = 16 + row * max(len(origins), len(targets), 1)
    left_x, right_x = 112, WIDTH - 112
    peak = max((v for _o, _d, v in items), default=0) or 1

    def oy(name: str) -> float:
        return 16 + origins.index(name) * row + row / 2

    def ty(name: str) -> float:
        return 16 + targets.index(name) * row + row / 2

    parts = []
    for k, (origin, target, value) in enumerate(items):
        width = 2 + 14 * value / peak
        y1, y2 = oy(origin), ty(target)
        mid = (left_x + right_x) / 2
        parts.append(
            f'<path d="M{left_x},{y1:.1f} C{mid},{y1:.1f} {mid},{y2:.1f} {right_x},{y2:.1f}" '
            f'fill="none" stroke="{PALETTE[k % len(PALETTE)]}" stroke-opacity="0.55" '
            f'stroke-width="{width:.1f}"/>'
        )
    parts.extend(
        f'<text x="{left_x - 8}" y="{oy(name) + 4:.1f}" text-anchor="end" fill="#222">'
        f"{escape(_trim(name, 14))}</text>"
        for name in origins
    )
    parts.extend(
        f'<text x="{right_x + 8}" y="{ty(name) + 4:.1f}" fill="#222">'
        f"{escape(_trim(name, 14))}</text>"
        for name in targets
    )
    return _svg(width=WIDTH, height=height, title=title, body="".join(parts))


def _number(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}".replace(",", "\u202f")
    return f"{value:.0f}" if float(value).is_integer() or value >= 10 else f"{value:.1f}"
