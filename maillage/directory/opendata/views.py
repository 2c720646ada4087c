"""Open data pages (public) and downloads of the directory in every format."""

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.directory.opendata import exporters
from maillage.directory.opendata.forms import LicenceForm
from maillage.directory.opendata.selectors import (
    DIRECTORY_LICENCE,
    LICENCE_SHORT_NAMES,
    LICENCE_URLS,
    export_places,
    export_summary,
    open_data_networks,
)
from maillage.directory.opendata.services import OpenDataError, set_open_data_licence
from maillage.lib.csvio import delimiter_from_query
from maillage.lib.forms import show_refusal
from maillage.networks.models import Network, OpenDataLicence
from maillage.networks.selectors import get_network, get_network_for_coordinator, is_coordinator

# format → (content type, file extension)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "json": ("application/json", "json"),
    "mediation": ("text/csv; charset=utf-8", "csv"),
    "gogocarto": ("application/json", "json"),
}
CHUNK = 500


def _licence(code: str) -> dict[str, str]:
    return {
        "code": code,
        "label": OpenDataLicence(code).label,
        "short": LICENCE_SHORT_NAMES[code],
        "url": LICENCE_URLS[code],
    }


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/opendata/index.html",
        {
            "networks": open_data_networks(),
            "summary": export_summary(),
            "licence": _licence(DIRECTORY_LICENCE),
        },
    )


def _network_page(request: HttpRequest, network: Network, form: LicenceForm | None) -> HttpResponse:
    may_change = is_coordinator(user=request.user, network=network)
    if may_change and form is None:
        form = LicenceForm(initial={"licence": network.open_data_licence})
    return render(
        request,
        "directory/opendata/network.html",
        {
            "network": network,
            "summary": export_summary(network=network),
            "licence": _licence(network.open_data_licence),
            "form": form if may_change else None,
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def network_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _network_page(request, get_network(slug=slug), None)


@login_required
@require_POST
def licence_change(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for_coordinator(user=request.user, slug=slug)
    form = LicenceForm(request.POST)
    if form.is_valid():
        try:
            set_open_data_licence(
                network=network, by=request.user, licence=form.cleaned_data["licence"]
            )
        except OpenDataError as error:
            show_refusal(form, error, near="licence")
        else:
            messages.success(request, _("Licence enregistrée."))
            return redirect("opendata:network", slug=network.slug)
    return _network_page(request, network, form)


def _stream(request: HttpRequest, *, network: Network | None, fmt: str) -> StreamingHttpResponse:
    if fmt not in FORMATS:
        raise Http404
    places = export_places(network=network).iterator(chunk_size=CHUNK)
    base_url = request.build_absolute_uri("/").rstrip("/")
    delimiter = delimiter_from_query(request.GET.get("sep"))
    name = "maillage-" + (network.slug if network else "annuaire")
    licence = network.open_data_licence if network else DIRECTORY_LICENCE
    # Imported files' extra columns: for the network's coordinators (and admins) only.
    extras = request.user.is_staff or (
        network is not None and is_coordinator(user=request.user, network=network)
    )
    chunks: Iterator[str]
    if fmt == "csv":
        # An unknown table is ignored: the places table is the default.
        table = request.GET.get("table", "places")
        table = table if table in exporters.TABLES else "places"
        chunks = exporters.iter_places_csv(
            places, delimiter=delimiter, table=table, base_url=base_url, extras=extras
        )
        name += {"places": "-lieux", "spaces": "-espaces", "equipment": "-equipements"}[table]
    elif fmt == "geojson":
        metadata = {"licence": LICENCE_URLS[licence], "generated_at": timezone.now().isoformat()}
        chunks = exporters.iter_geojson(places, base_url=base_url, metadata=metadata, extras=extras)
        name += "-lieux"
    elif fmt == "json":
        chunks = exporters.iter_json(places, base_url=base_url, extras=extras)
        name += "-lieux"
    elif fmt == "gogocarto":
        chunks = exporters.iter_gogocarto(places, base_url=base_url)
        name += "-lieux-gogocarto"
    else:
        chunks = exporters.iter_mediation_csv(places, delimiter=delimiter)
        name += "-lieux-mediation-numerique"
    content_type, extension = FORMATS[fmt]
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type=content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate().isoformat()}.{extension}"'
    )
    response["Link"] = f'<{LICENCE_URLS[licence]}>; rel="license"'
    # Open data: any website may fetch it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def directory_download(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    return _stream(request, network=None, fmt=fmt)


def network_download(request: HttpRequest, slug: str, fmt: str) -> StreamingHttpResponse:
    return _stream(request, network=get_network(slug=slug), fmt=fmt)
