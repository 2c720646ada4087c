import math

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from maillage.lib.ratelimit import allauth_retry_after
from maillage.networks.models import Network
from maillage.places.models import Place


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
    context = {
        "networks": Network.objects.filter(parent__isnull=True).order_by("name")[:12],
        "place_count": Place.objects.published().count(),
        "network_count": Network.objects.count(),
    }
    return render(request, "home.html", context)
