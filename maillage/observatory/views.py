"""Pages of the observatory: thin views over `selectors`, `coverage` and `exports`."""

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.directory.search.views import frameable_anywhere
from maillage.networks.selectors import public_networks

from . import charts, exports, selectors
from .registry import COORDINATORS, Indicator, Scope


def _chart(indicator: Indicator, figures: list[selectors.Figure], title: str):
    if indicator.chart == "flows":
        items = [
            (origin.strip(), target.strip(), fig.value)
            for fig in figures
            if "→" in fig.label
            for origin, target in [fig.label.split("→", 1)]
        ]
        if items:
            return charts.flows(items, title=title)
    return charts.bars([(f.label, f.value, f.display) for f in figures], title=title)


def _line_chart(indicator: Indicator, points: list[selectors.SeriesPoint], title: str):
    months = [f"{p.month:%m/%y}" for p in points]
    labels: list[str] = []
    for point in points:
        for fig in point.figures:
            if fig.label not in labels:
                labels.append(fig.label)
    named = []
    for label in labels[:6]:
        values = []
        for point in points:
            found = next((f for f in point.figures if f.label == label), None)
            values.append(0.0 if found is None or found.masked else found.value)
        named.append((label, values))
    return charts.lines(months, named, title=title)


def _scope_urls(scope: Scope) -> dict[str, str]:
    args = [selectors.SLUG_OF_KIND[scope.kind], scope.key]
    return {
        "page": reverse("observatory:scope", args=args),
        "coverage": reverse("observatory:coverage", args=args),
        "compare": reverse("observatory:compare", args=args),
        "csv": reverse("observatory:scope-data", args=[*args, "csv"]),
        "json": reverse("observatory:scope-data", args=[*args, "json"]),
        "xlsx": reverse("observatory:scope-data", args=[*args, "xlsx"]),
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "networks": public_networks().order_by("name"),
        "coordinated": selectors.coordinated_networks(user=request.user),
    }
    return render(request, "observatory/index.html", context)


@require_GET
def methodology(request: HttpRequest) -> HttpResponse:
    from .coverage import directory_stamp_label

    return render(
        request,
        "observatory/methodology.html",
        {"directory_date": directory_stamp_label(), "radii": [5, 10, 20]},
    )


@require_GET
def scope_page(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    scope = selectors.get_scope(kind_slug=kind, key=key)
    audience = selectors.audience_for(user=request.user, scope=scope)
    period = selectors.current_period()
    cards = []
    for indicator in selectors.visible_indicators(scope=scope, audience=audience):
        figures = selectors.figures(scope=scope, indicator=indicator, period=period)
        cards.append(
            {
                "indicator": indicator,
                "figures": figures,
                "chart": _chart(indicator, figures, str(indicator.label)),
                "url": reverse(
                    "observatory:indicator",
                    args=[kind, scope.key, indicator.key],
                ),
            }
        )
    context = {
        "scope": scope,
        "kind_label": selectors.kind_label(scope),
        "is_coordinator": audience == COORDINATORS,
        "cards": cards,
        "period": period,
        "urls": _scope_urls(scope),
    }
    return render(request, "observatory/scope.html", context)


def _indicator_context(request: HttpRequest, kind: str, key: str, indicator_key: str) -> dict:
    scope = selectors.get_scope(kind_slug=kind, key=key)
    audience = selectors.audience_for(user=request.user, scope=scope)
    indicator = selectors.get_visible_indicator(scope=scope, key=indicator_key, audience=audience)
    figures = selectors.figures(scope=scope, indicator=indicator)
    points = selectors.series(scope=scope, indicator=indicator)
    title = f"{indicator.label} — {scope.label}"
    return {
        "scope": scope,
        "indicator": indicator,
        "figures": figures,
        "points": points,
        "chart": _chart(indicator, figures, title),
        "line_chart": _line_chart(
            indicator, points, _("%(label)s, mois par mois") % {"label": title}
        )
        if len(points) > 1
        else None,
        "title": title,
        "is_coordinator": audience == COORDINATORS,
    }


@require_GET
def indicator_page(request: HttpRequest, kind: str, key: str, indicator: str) -> HttpResponse:
    context = _indicator_context(request, kind, key, indicator)
    args = [kind, key, indicator]
    embed_url = request.build_absolute_uri(reverse("observatory:indicator-embed", args=args))
    context.update(
        urls=_scope_urls(context["scope"]),
        csv_url=reverse("observatory:indicator-data", args=[*args, "csv"]),
        json_url=reverse("observatory:indicator-data", args=[*args, "json"]),
        xlsx_url=reverse("observatory:indicator-data", args=[*args, "xlsx"]),
        embed_url=embed_url,
        snippet=(
            f'<iframe src="{escape(embed_url)}" title="{escape(context["title"])}" '
            'width="100%" height="420" loading="lazy" style="border:0"></iframe>'
        ),
    )
    return render(request, "observatory/indicator.html", context)


@require_GET
@frameable_anywhere
def indicator_embed(request: HttpRequest, kind: str, key: str, indicator: str) -> HttpResponse:
    context = _indicator_context(request, kind, key, indicator)
    if context["indicator"].audience == COORDINATORS:
        raise Http404  # an embed is public by nature
    context["page_url"] = request.build_absolute_uri(
        reverse("observatory:indicator", args=[kind, key, indicator])
    )
    return render(request, "observatory/embed.html", context)


@require_GET
def indicator_data(
    request: HttpRequest, kind: str, key: str, indicator: str, fmt: str
) -> HttpResponseBase:
    context = _indicator_context(request, kind, key, indicator)
    return exports.indicator_response(
        fmt=fmt,
        scope=context["scope"],
        indicator=context["indicator"],
        points=context["points"],
        delimiter=request.GET.get("sep"),
    )


@require_GET
def scope_data(request: HttpRequest, kind: str, key: str, fmt: str) -> HttpResponseBase:
    scope = selectors.get_scope(kind_slug=kind, key=key)
    audience = selectors.audience_for(user=request.user, scope=scope)
    found = selectors.visible_indicators(scope=scope, audience=audience)
    table = [(indicator, selectors.series(scope=scope, indicator=indicator)) for indicator in found]
    return exports.scope_response(
        fmt=fmt, scope=scope, table=table, delimiter=request.GET.get("sep")
    )
