"""Pages of the monthly settlement: a place's statement (page, CSV, PDF), the flows matrix with
its chart, and closing a month."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.lib.confirm import Confirmation, is_confirmed
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.french import date_format
from maillage.lib.money import format_cents
from maillage.mobility import selectors, settlement
from maillage.networks.selectors import get_network_for_coordinator, is_coordinator


def _month(year: int, month: int) -> datetime.date:
    try:
        return datetime.date(year, month, 1)
    except ValueError as exc:
        raise Http404 from exc


def _around(first: datetime.date) -> dict[str, datetime.date]:
    return {
        "previous": (first - datetime.timedelta(days=1)).replace(day=1),
        "following": settlement.next_month(first),
    }


def statement_amount(cents: int) -> str:
    """An amount as a statement shows it (page and PDF): always with its cents and a true
    minus sign (1 234,50 €, 12,00 €, −12,00 €)."""
    text = format_cents(cents)
    if cents % 100 == 0:
        text = text.replace("\u00a0€", ",00\u00a0€")
    return text.replace("-", "\u2212")


def _statement_rows(lines, *, other) -> dict:
    return {
        "rows": [
            {
                "day": line.day,
                "late": line.late,
                "visitor": line.visitor,
                "place": getattr(line, other),
                "status": line.status,
                "amount": statement_amount(line.amount_cents),
            }
            for line in lines
        ],
        "total": statement_amount(sum(line.amount_cents for line in lines)),
    }


def statement_context(*, place, network, report) -> dict:
    """What the statement page and its PDF show: a summary, then the visits hosted and the
    visits made by its members in two tables with their totals (the place itself is not
    repeated on every line), amounts always with their cents, late lines marked."""
    return {
        "statement": report,
        "place": place,
        "network": network,
        "hosted": _statement_rows(report.hosted, other="home_place"),
        "made": _statement_rows(report.made, other="host_place"),
        "received": statement_amount(report.received_cents),
        "paid": statement_amount(report.paid_cents),
        "net": statement_amount(report.net_cents),
        "any_late": any(line.late for line in report.lines),
    }


def statement_html(*, place, network, report, request=None) -> str:
    """The HTML of a statement as printed to PDF."""
    return render_to_string(
        "mobility/statement_pdf.html",
        statement_context(place=place, network=network, report=report),
        request=request,
    )


@login_required
def statement(
    request: HttpRequest, slug: str, network_slug: str, year: int, month: int
) -> HttpResponse:
    place, network = selectors.get_statement_for_viewer(
        user=request.user, slug=slug, network_slug=network_slug
    )
    first = _month(year, month)
    report = settlement.place_statement(place=place, network=network, month=first)
    name = f"releve-{place.slug}-{network.slug}-{first:%Y-%m}"
    output = request.GET.get("format")
    if output == "csv":
        rows = (
            [
                line.day.isoformat(),
                _("accueil") if line.direction == settlement.HOSTED else _("visite d'un membre"),
                line.visitor,
                line.home_place,
                line.host_place,
                line.status,
                line.amount_cents / 100,  # a number, so spreadsheets can sum it
            ]
            for line in report.lines
        )
        return csv_response(
            rows,
            filename=f"{name}.csv",
            header=[
                _("Jour"),
                _("Sens"),
                _("Visiteur"),
                _("Lieu d'attache"),
                _("Lieu d'accueil"),
                _("Statut"),
                _("Montant (€)"),
            ],
            delimiter=delimiter_from_query(request.GET.get("sep")),
        )
    if output == "pdf":
        from weasyprint import HTML  # imported on demand: it loads Pango

        html = statement_html(place=place, network=network, report=report, request=request)
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(
        request,
        "mobility/statement.html",
        {
            **statement_context(place=place, network=network, report=report),
            "can_close": is_coordinator(user=request.user, network=network),
            **_closing_facts(first),
            **_around(first),
        },
    )


def flows_chart(flows: list[settlement.Flow]) -> dict:
    """A heat map grid (home place rows x host place columns) for the SVG template."""
    homes = sorted({f.from_place for f in flows})
    hosts = sorted({f.to_place for f in flows})
    top = max((abs(f.amount_cents) for f in flows), default=0) or 1
    cell, left, head = 56, 160, 120
    by_pair = {(f.from_place, f.to_place): f for f in flows}
    cells = []
    for row, home in enumerate(homes):
        for col, host in enumerate(hosts):
            flow = by_pair.get((home, host))
            opacity = 0.15 + 0.85 * abs(flow.amount_cents) / top if flow else 0
            cells.append(
                {
                    "x": left + col * cell,
                    "y": head + row * cell,
                    "flow": flow,
                    "home": home,
                    "host": host,
                    "opacity": f"{opacity:.2f}",
                    "ink": "#fff" if opacity > 0.55 else "#1b1b1b",
                }
            )
    return {
        "cells": cells,
        "size": cell,
        "half": cell // 2,
        "rows": [{"name": h, "y": head + i * cell + cell // 2} for i, h in enumerate(homes)],
        "cols": [{"name": h, "x": left + i * cell + cell // 2} for i, h in enumerate(hosts)],
        "width": left + len(hosts) * cell + 110,
        "height": head + len(homes) * cell + 10,
        "head": head - 8,
        "left": left - 8,
    }


@login_required
def network_flows(request: HttpRequest, slug: str, year: int, month: int) -> HttpResponse:
    network = get_network_for_coordinator(user=request.user, slug=slug)
    first = _month(year, month)
    result = settlement.settle_month(network=network, month=first)
    flows = result.flows
    if request.GET.get("format") == "csv":
        return csv_response(
            ([f.from_place, f.to_place, f.visits, f.amount_cents / 100] for f in flows),
            filename=f"flux-{network.slug}-{first:%Y-%m}.csv",
            header=[
                _("De (lieu d'attache)"),
                _("Vers (lieu d'accueil)"),
                _("Visites"),
                _("Montant (€)"),
            ],
            delimiter=delimiter_from_query(request.GET.get("sep")),
        )
    return render(
        request,
        "mobility/flows.html",
        {
            "network": network,
            "month": first,
            "flows": flows,
            "closed": result.closed,
            **_closing_facts(first),
            "chart": flows_chart(flows),
            "max_visits": max((f.visits for f in flows), default=0),
            **_around(first),
        },
    )


def _month_over(first: datetime.date) -> bool:
    """Whether the month is over, so it may be closed (from the first of the next one)."""
    return settlement.next_month(first) <= timezone.localdate()


def _closing_facts(first: datetime.date) -> dict:
    return {
        "month_over": _month_over(first),
        "closes_on": settlement.next_month(first),
    }


@login_required
def close_month(request: HttpRequest, slug: str, year: int, month: int) -> HttpResponse:
    network = get_network_for_coordinator(user=request.user, slug=slug)
    first = _month(year, month)
    status = 200
    if is_confirmed(request):
        try:
            settlement.close_month(network=network, month=first, by=request.user)
        except settlement.SettlementError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, _("Le mois est clôturé : ses relevés sont figés."))
            return redirect("mobility:flows", network.slug, first.year, first.month)
    result = settlement.settle_month(network=network, month=first)
    confirmation = None
    if _month_over(first) and not result.closed:
        label = date_format(first, "F Y")
        confirmation = Confirmation(
            title=_("Clôturer %(month)s") % {"month": label},
            consequences=[
                _("Les relevés de tous les lieux pour %(month)s sont figés tels qu'affichés ici.")
                % {"month": label},
                _(
                    "Les arrivées, absences et contrepassations enregistrées ensuite pour des "
                    "visites de ce mois seront reportées sur le mois ouvert suivant."
                ),
                _("Cette action est définitive : un mois clôturé ne se rouvre pas."),
            ],
            confirm_label=_("Confirmer : clôturer %(month)s") % {"month": label},
            cancel_url=reverse("mobility:flows", args=[network.slug, first.year, first.month]),
            danger=True,
        )
    return render(
        request,
        "mobility/close_month.html",
        {
            "network": network,
            "month": first,
            "settlement": result,
            "closed": result.closed,
            "confirmation": confirmation,
            **_closing_facts(first),
        },
        status=status,
    )
