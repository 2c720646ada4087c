"""Browser tests: a headless Chromium (the system one) against pytest-django's live server.

- `site_page` is a Playwright page on the live server, at the desktop or phone viewport (tests
  that ask for it run once per viewport). Requests leaving the live server (map tiles…) are
  aborted: no test reaches the network.
- `check_accessibility(page)` runs axe-core and fails on serious or critical violations.
- `labels_away_from_their_fields(page)` lists controls whose label a layout has parted from them.
- `open_filters(page)` unfolds a list's filters, closed on a phone.
- `screenshot(page)` saves `var/screenshots/<test name>.png`: look at them.
"""

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the main thread; Django would refuse ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "var" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
# axe impacts that fail a test; "minor" and "moderate" ones are printed only.
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture(autouse=True)
def _clear_cache(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """allauth's rate limits (one verification e-mail per address every few minutes, login
    throttling) live in the database cache, whose table no test flush empties: start clean."""
    from django.core.cache import cache

    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    """The viewport name, "desktop" or "phone"; tests using it run once for each."""
    return request.param


@pytest.fixture
def site_page(new_context: Callable[..., Any], live_server: Any, viewport: str) -> Iterator[Any]:
    """A page on the live server (relative URLs work), at the test's viewport, offline."""
    context = new_context(base_url=live_server.url, **VIEWPORTS[viewport])
    local = live_server.url

    def only_local(route: Any) -> None:
        if route.request.url.startswith(local) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors  # checked by tests that care
    yield page


def _format_violation(violation: dict[str, Any]) -> str:
    lines = [
        f"[{violation['impact']}] {violation['id']}: {violation['help']}",
        f"    {violation['helpUrl']}",
    ]
    for node in violation["nodes"][:5]:
        target = " ".join(json.dumps(part, ensure_ascii=False) for part in node["target"])
        lines.append(f"    - {target}")
        summary = (node.get("failureSummary") or "").replace("\n", "\n        ")
        if summary:
            lines.append(f"        {summary}")
    if len(violation["nodes"]) > 5:
        lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


def open_filters(page: Any) -> None:
    """Unfold a list's filters (closed on a phone, so that its results come first)."""
    fold = page.locator("details.filters-fold").first
    fold.wait_for(state="attached")
    page.wait_for_load_state("load")
    if fold.get_attribute("open") is None:
        fold.locator(":scope > summary").click()


def check_accessibility(page: Any, *, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the page; fail on serious or critical violations, return all of them.

    axe is evaluated through the DevTools protocol (`page.evaluate`), which the page's
    Content-Security-Policy does not apply to, so the CSP stays as strict as in production.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    context = {"exclude": [[selector] for selector in exclude or []]}
    result = page.evaluate(
        """async (context) => {
            const options = {resultTypes: ["violations"]};
            return await window.axe.run(context.exclude.length ? context : document, options);
        }""",
        context,
    )
    violations = result["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    others = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if others:
        print(f"axe, non-blocking on {page.url}:\n" + "\n".join(map(_format_violation, others)))
    if blocking:
        pytest.fail(
            f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:\n"
            + "\n".join(map(_format_violation, blocking)),
            pytrace=False,
        )
    return violations


# For each visible label[for], where its control sits: inside it (a wrapping label), a box or
# a radio button on the label's line just before it, or any control below the label (help text
# may come in between), aligned on its left edge. A grid that parts labels from fields fails.
LABEL_LAYOUT_JS = """() => [...document.querySelectorAll("main label[for]")].flatMap((label) => {
    const control = document.getElementById(label.htmlFor);
    if (!control || !label.offsetParent || !control.offsetParent) return [];
    if (label.contains(control)) return [];
    const l = label.getBoundingClientRect(), c = control.getBoundingClientRect();
    const before = ["checkbox", "radio"].includes(control.type)
        && Math.abs((l.top + l.bottom) / 2 - (c.top + c.bottom) / 2) < l.height
        && l.left >= c.right - 1 && l.left - c.right < 40;
    const below = Math.abs(l.left - c.left) <= 4 && c.top >= l.bottom - 1 && c.top - l.bottom < 250;
    return before || below ? [] : [label.htmlFor];
})"""


def labels_away_from_their_fields(page: Any) -> list[str]:
    """The ids of controls whose label is laid out away from them (empty when all is well)."""
    return page.evaluate(LABEL_LAYOUT_JS)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Return save(page, suffix="") → var/screenshots/<test name>[-suffix].png (full page)."""

    def save(page: Any, suffix: str = "") -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
        path = SCREENSHOT_DIR / f"{name}{'-' + suffix if suffix else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
