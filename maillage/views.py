import math

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from maillage.events.selectors import AgendaFilters, agenda_occurrences, with_labels
from maillage.lib.ratelimit import allauth_retry_after
from maillage.networks.selectors import public_networks
from maillage.places.models import Place
from maillage.places.selectors import places_geojson

HOME_EVENTS = 5
"""How many coming animations the home page shows (the agenda has the rest)."""


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 when the database answers, 503 otherwise (for load balancers and probes)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon.

    Resolved per request, not at import, so a missing static manifest cannot break the URLconf.
    """
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@requires_csrf_token
def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 429 page (`handler429`, which allauth calls when it throttles a page): in French,
    with the time to wait when the counters tell it, also sent as `Retry-After`."""
    retry_after = allauth_retry_after(request)
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    if retry_after is not None:
        response["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


def home(request: HttpRequest) -> HttpResponse:
    """The front door: search, the map of the places, the next animations and every network."""
    places = list(
        Place.objects.published()
        .select_related("commune")
        .only("name", "slug", "latitude", "longitude", "types", "commune__name")
    )
    networks = list(public_networks().order_by("name"))
    occurrences = agenda_occurrences(user=request.user, filters=AgendaFilters())[:HOME_EVENTS]
    context = {
        "networks": networks,
        "place_count": len(places),
        "network_count": len(networks),
        "geojson": places_geojson(places),
        "occurrences": with_labels(list(occurrences)),
    }
    return render(request, "home.html", context)
