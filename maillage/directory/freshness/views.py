"""Freshness pages: confirm a place (logged in or through an e-mailed link), network dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from maillage.directory.freshness import selectors, services
from maillage.directory.freshness.tokens import TokenAlreadyUsed, TokenError
from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.networks.selectors import get_network_for_coordinator
from maillage.places.selectors import get_place_for_manager


@login_required
@require_POST
def place_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_manager(user=request.user, slug=slug)
    services.confirm_place(place=place, by=request.user)
    messages.success(
        request,
        _("Merci : la fiche « %(name)s », ses espaces et ses équipements sont confirmés.")
        % {"name": place.name},
    )
    return redirect(place)


@never_cache
@require_http_methods(["GET", "POST"])
def token_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners open links, and must not confirm anything.
    try:
        if request.method == "POST":
            place = services.confirm_with_token(token=token, slug=slug)
            return render(request, "directory/freshness/token_done.html", {"place": place})
        reminder = selectors.reminder_for_token(token=token, slug=slug)
    except TokenError as exc:
        context = {
            "error": exc.message,
            "confirmed_at": exc.confirmed_at if isinstance(exc, TokenAlreadyUsed) else None,
        }
        # A used link is no mistake: say when it was used, with a 200.
        status = 200 if isinstance(exc, TokenAlreadyUsed) else 400
        return render(request, "directory/freshness/token_error.html", context, status=status)
    return render(
        request,
        "directory/freshness/token_confirm.html",
        {"place": reminder.place, "reminder": reminder},
    )


@login_required
def network_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for_coordinator(user=request.user, slug=slug)
    dashboard = selectors.network_freshness(network=network)
    context = {
        "network": network,
        "dashboard": dashboard,
        "chart": selectors.bar_chart(dashboard.buckets),
    }
    return render(request, "directory/freshness/network_dashboard.html", context)


@login_required
@require_POST
def network_reminder(request: HttpRequest, slug: str, place_slug: str) -> HttpResponse:
    network = get_network_for_coordinator(user=request.user, slug=slug)
    place = selectors.member_place(network=network, slug=place_slug)
    try:
        services.send_reminder(network=network, place=place, by=request.user)
    except services.ReminderRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Rappel envoyé aux gestionnaires de « %(place)s ».") % {"place": place.name},
        )
    return redirect(reverse("freshness:network-dashboard", args=[network.slug]) + "#places-title")


@login_required
def network_dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network_for_coordinator(user=request.user, slug=slug)
    dashboard = selectors.network_freshness(network=network)
    header = [
        _("lieu"),
        _("commune"),
        _("fraîcheur"),
        _("dernière confirmation"),
        _("à vérifier"),
        _("dernier rappel"),
        _("statut du rappel"),
        _("adresse de la fiche"),
    ]

    def day(value):  # type: ignore[no-untyped-def]
        return timezone.localtime(value).date().isoformat() if value else ""

    rows = (
        [
            row.place.name,
            row.place.commune.name if row.place.commune else "",
            row.score,
            day(row.last_confirmed_at),
            _("oui") if row.is_stale else _("non"),
            day(row.reminder_sent_at),
            row.reminder_status_label,
            request.build_absolute_uri(row.place.get_absolute_url()),
        ]
        for row in dashboard.rows
    )
    filename = f"fraicheur-{network.slug}-{timezone.localdate().isoformat()}.csv"
    return csv_response(
        rows,
        header=header,
        filename=filename,
        delimiter=delimiter_from_query(request.GET.get("sep")),
    )
