"""No page writes an error to the browser's console: no CSP refusal, no script error.

htmx injected its indicator styles inline, which the site's own Content-Security-Policy refused
on every page loading it (/recherche/, /carte/, /agenda/…). The demo installation is loaded once
and the pages each persona reaches are visited, anonymously and signed in.
"""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.accounts.models import User
from maillage.circles.models import Circle
from maillage.demo.selectors import REGIONAL_SLUG
from maillage.events.models import Event
from maillage.networks.models import Network
from maillage.places.models import Place
from tests.browser.test_manager_pages_accessible import log_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit_collecting_errors(page: Any, paths: list[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    current = {"path": ""}

    def on_console(message: Any) -> None:
        if message.type == "error":
            errors.setdefault(current["path"], []).append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.setdefault(current["path"], []).append(str(error)))
    for path in paths:
        current["path"] = path
        response = page.goto(path)
        assert response is not None and response.status < 400, path
        page.wait_for_load_state("networkidle")
    return errors


def _blocked_tiles(messages: list[str]) -> list[str]:
    # The browser tests run offline: map tiles are aborted on purpose, not refused by the CSP.
    return [m for m in messages if "net::ERR_FAILED" not in m]


@pytest.mark.parametrize("viewport", ["desktop"])
def test_no_page_logs_an_error_to_the_console(site_page, live_server):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    network = Network.objects.get(slug=REGIONAL_SLUG)
    place = Place.objects.order_by("name").first()
    circle = Circle.objects.order_by("name").first()
    event = Event.objects.order_by("title").first()
    public = [
        "/",
        "/recherche/",
        "/recherche/?q=coworking",
        "/carte/",
        "/agenda/",
        "/cercles/",
        network.get_absolute_url(),
        place.get_absolute_url(),
        reverse("circles:circle-detail", args=[circle.slug]),
        reverse("events:event-detail", args=[event.slug]),
    ]
    errors = _visit_collecting_errors(site_page, public)

    coordinator = User.objects.filter(network_roles__network=network).order_by("pk").first()
    log_in_as(site_page, live_server, coordinator)
    errors |= _visit_collecting_errors(site_page, ["/moi/", "/import/", "/notifications/"])

    found = {path: _blocked_tiles(messages) for path, messages in errors.items()}
    assert {path: messages for path, messages in found.items() if messages} == {}
