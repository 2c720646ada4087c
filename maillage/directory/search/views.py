"""Search page, map, its GeoJSON and the embeddable map. Views only shape requests."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP
from django.utils.html import escape
from django.utils.http import parse_etags
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from maillage.directory.search.filters import RADIUS_CHOICES, SearchFilters, Sort
from maillage.directory.search.people import search_people
from maillage.directory.search.selectors import (
    all_places_geojson,
    map_features,
    parse_bbox,
    search,
)
from maillage.networks.selectors import get_network, get_network_for_coordinator
from maillage.places.models import PlaceStatus, PlaceType


def _sort_choices(filters: SearchFilters) -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    choices = [(Sort.NAME, _("Nom")), (Sort.FRESHNESS, _("Fraîcheur"))]
    if filters.q:
        choices.insert(0, (Sort.RELEVANCE, _("Pertinence")))
    if filters.origin is not None:
        choices.insert(1 if filters.q else 0, (Sort.DISTANCE, _("Distance")))
    return choices


def _form_context(request: HttpRequest, filters: SearchFilters, notices: list[str]) -> dict:
    return {
        "oob": bool(request.htmx),
        "filters": filters,
        "notices": notices,
        "query": filters.to_query(page=False),
        "radius_choices": RADIUS_CHOICES,
        "sort_choices": _sort_choices(filters),
        "type_choices": PlaceType.choices,
        "status_choices": PlaceStatus.choices,
    }


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    filters, notices = SearchFilters.from_query(request.GET)
    results = search(filters, user=request.user)
    context = {
        **_form_context(request, filters, notices),
        "results": results,
        "people": search_people(filters, user=request.user),
        "people_search": True,
    }
    template = "directory/search/search.html" + ("#results" if request.htmx else "")
    response = render(request, template, context)
    _push_clean_url(request, response, filters)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _push_clean_url(request: HttpRequest, response: HttpResponse, filters: SearchFilters) -> None:
    """Have htmx put the canonical query in the address bar (no empty "any" fields)."""
    if request.htmx:
        query = filters.to_query()
        response["HX-Push-Url"] = request.path + (f"?{query}" if query else "")


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    filters, notices = SearchFilters.from_query(request.GET)
    results = search(filters, user=request.user, page_size=1, facets=True)
    context = {
        **_form_context(request, filters, notices),
        "results": results,
        "geojson_url": reverse("search:map-geojson"),
    }
    template = "directory/search/map.html" + ("#status" if request.htmx else "")
    response = render(request, template, context)
    _push_clean_url(request, response, filters)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def map_geojson(request: HttpRequest) -> HttpResponse:
    filters, _notices = SearchFilters.from_query(request.GET)
    bbox = parse_bbox(request.GET.get("bbox", ""))
    if bbox is None and filters.is_empty:
        return _all_places_geojson(request)
    response = gzip_page(_filtered_geojson)(request, filters, bbox)
    patch_cache_control(response, public=True, max_age=60)
    return response


def _filtered_geojson(
    request: HttpRequest, filters: SearchFilters, bbox: tuple[float, float, float, float] | None
) -> HttpResponse:
    return JsonResponse(map_features(filters, bbox), json_dumps_params={"separators": (",", ":")})


def _all_places_geojson(request: HttpRequest) -> HttpResponse:
    """Every place: serialised and gzipped once per directory version, revalidated by ETag."""
    packed = all_places_geojson()
    if packed.etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", "") and not request.htmx:
        response = HttpResponse(packed.gzipped, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(packed.body, content_type="application/json")
    response["ETag"] = packed.etag
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=60)
    return response


# The embed is meant for other sites' <iframe>: no X-Frame-Options, any frame ancestor.
EMBED_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": ["*"],
}


def _embed_csp() -> dict:
    from django.conf import settings

    return {**EMBED_CSP, "img-src": settings.SECURE_CSP.get("img-src", [CSP.SELF])}


def frameable_anywhere(view):  # type: ignore[no-untyped-def]
    """Let any site frame the view: no X-Frame-Options, CSP frame-ancestors *."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # Settings are read per request (never at import), then Django's own decorator applies.
        return csp_override(_embed_csp())(view)(request, *args, **kwargs)

    return xframe_options_exempt(wrapped)


@require_GET
@frameable_anywhere
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network(slug=slug)
    filters = SearchFilters(network=network.slug)
    context = {
        "network": network,
        "geojson": map_features(filters, urls=True),
        "directory_url": request.build_absolute_uri(
            reverse("search:search") + "?" + filters.to_query()
        ),
    }
    return render(request, "directory/search/embed.html", context)


@login_required
@require_GET
def embed_code(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for_coordinator(user=request.user, slug=slug)
    embed_url = request.build_absolute_uri(reverse("search:embed", args=[network.slug]))
    snippet = (
        f'<iframe src="{escape(embed_url)}" title="{escape(network.name)}" '
        'width="100%" height="480" loading="lazy" style="border:0"></iframe>'
    )
    context = {"network": network, "embed_url": embed_url, "snippet": snippet}
    return render(request, "directory/search/embed_code.html", context)
