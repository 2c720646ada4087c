"""Pages of the event relay: share cards, feeds, the embeddable agenda, the weekly export, and
events proposed to a network's agenda."""

import datetime
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from maillage.accounts.requests import person
from maillage.communication import cards, relay, syndication
from maillage.communication.models import Submission
from maillage.events import selectors as events
from maillage.lib.forms import show_refusal
from maillage.lib.urls import site_url
from maillage.networks.selectors import get_network, is_coordinator, member_places
from maillage.places.selectors import places_managed_by

# --- share cards ------------------------------------------------------------------------------


def _card(request: HttpRequest, slug: str, size: str) -> tuple[bytes, str]:
    if size not in cards.SIZES:
        raise Http404
    event = events.get_event_for_viewer(user=request.user, slug=slug)
    occurrence = None
    key = request.GET.get("seance", "")
    if key:
        occurrence = events.get_occurrence_for_viewer(user=request.user, slug=slug, key=key)
    network = relay.network_of_event(event)
    primary, accent = relay.colours_of(network)
    text = cards.card_text(
        event=event, occurrence=occurrence, network_name=network.name if network else ""
    )
    return cards.render_card(text, size=size, primary=primary, accent=accent), event.audience


@require_GET
def card_image(request: HttpRequest, slug: str, size: str) -> HttpResponse:
    body, audience = _card(request, slug, size)
    response = HttpResponse(body, content_type="image/png")
    # Public events' cards may be cached by the platforms that fetch them; others stay private.
    response["Cache-Control"] = "public, max-age=3600" if audience == "public" else "private"
    response["X-Content-Type-Options"] = "nosniff"
    if request.GET.get("telecharger"):
        response["Content-Disposition"] = f'attachment; filename="{slug}-{size}.png"'
    return response


def event_share(request: HttpRequest, slug: str) -> HttpResponse:
    """The share kit of an event: its cards in every size, its address, a text to paste."""
    event = events.get_event_for_viewer(user=request.user, slug=slug)
    upcoming = events.upcoming_occurrences(event=event, limit=1)
    occurrence = upcoming[0] if upcoming else None
    url = request.build_absolute_uri(reverse("events:event-detail", args=[event.slug]))
    when = syndication.session_when(occurrence) if occurrence else ""
    where = syndication.session_where(occurrence) if occurrence else ""
    text = " · ".join(part for part in (event.title, when, where) if part) + f"\n{url}"
    context = {
        "event": event,
        "sizes": cards.SIZES.items(),
        "url": url,
        "text": text,
        "is_public": event.audience == "public",
    }
    return render(request, "communication/event_share.html", context)


# --- feeds ------------------------------------------------------------------------------------

network_rss = syndication.NetworkFeed()
network_atom = syndication.NetworkAtom()
circle_rss = syndication.CircleFeed()
circle_atom = syndication.CircleAtom()
place_rss = syndication.PlaceFeed()
place_atom = syndication.PlaceAtom()


# --- the embeddable agenda --------------------------------------------------------------------

EMBED_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": ["*"],
}


def frameable_anywhere(view):  # type: ignore[no-untyped-def]
    """Any site may frame the view: no X-Frame-Options, CSP frame-ancestors *."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return csp_override(EMBED_CSP)(view)(request, *args, **kwargs)

    return xframe_options_exempt(wrapped)


@require_GET
@frameable_anywhere
def widget(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network(slug=slug)
    now = timezone.now()
    try:
        limit = max(1, min(int(request.GET.get("nombre", "8")), 30))
    except ValueError:
        limit = 8
    sessions = list(
        relay.public_sessions(network=network, start=now, end=now + datetime.timedelta(days=90))[
            :limit
        ]
    )
    primary, accent = relay.colours_of(network)
    context = {
        "network": network,
        "items": [
            (
                s,
                syndication.session_when(s),
                syndication.session_where(s),
                syndication.session_path(s),
            )
            for s in sessions
        ],
        "primary": primary,
        "accent": accent,
        "agenda_url": request.build_absolute_uri(
            reverse("events:agenda") + f"?reseau={network.slug}"
        ),
        "site": site_url(),
    }
    return render(request, "communication/widget.html", context)


# --- the weekly export ------------------------------------------------------------------------


def _week(request: HttpRequest) -> datetime.date:
    raw = request.GET.get("semaine", "")
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def weekly_context(request: HttpRequest, network) -> dict:
    day = _week(request)
    start, end = relay.week_bounds(day)
    sessions = list(relay.public_sessions(network=network, start=start, end=end))
    site = site_url()
    return {
        "network": network,
        "monday": start.date(),
        "sunday": (end - datetime.timedelta(days=1)).date(),
        "items": [
            {
                "title": s.title_override or s.event.title,
                "when": syndication.session_when(s),
                "where": syndication.session_where(s),
                "url": site + syndication.session_path(s),
                "kind": s.event.get_kind_display(),
                "cancelled": s.cancelled or s.event.status == "cancelled",
            }
            for s in sessions
        ],
        "agenda_url": site + reverse("events:agenda") + f"?reseau={network.slug}",
        "previous": (start.date() - datetime.timedelta(days=7)).isoformat(),
        "next": (start.date() + datetime.timedelta(days=7)).isoformat(),
    }


@require_GET
def weekly_html(request: HttpRequest, slug: str) -> HttpResponse:
    """An e-mail-ready HTML fragment (inline styles, tables, no script) to paste in a newsletter."""
    context = weekly_context(request, get_network(slug=slug))
    response = HttpResponse(render_to_string("communication/weekly_fragment.html", context))
    response["Content-Type"] = "text/html; charset=utf-8"
    return response


@require_GET
def weekly_text(request: HttpRequest, slug: str) -> HttpResponse:
    context = weekly_context(request, get_network(slug=slug))
    body = render_to_string("communication/weekly.txt", context)
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


# --- the network's relay page -----------------------------------------------------------------


class ColoursForm(forms.Form):
    primary = forms.CharField(
        label=_l("Couleur principale"), widget=forms.TextInput(attrs={"type": "color"})
    )
    accent = forms.CharField(
        label=_l("Couleur d'accent"), widget=forms.TextInput(attrs={"type": "color"})
    )


def network_relay(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything to relay the network's agenda: feeds, widget, weekly export, colours."""
    network = get_network(slug=slug)
    may_manage = is_coordinator(user=request.user, network=network)
    primary, accent = relay.colours_of(network)
    form = ColoursForm(request.POST or None, initial={"primary": primary, "accent": accent})
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                relay.set_colours(by=person(request), network=network, **form.cleaned_data)
            except relay.RelayError as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(
                    request, _("Couleurs enregistrées : les cartes de partage les portent.")
                )
                return redirect("communication:network-relay", slug=network.slug)
    widget_url = request.build_absolute_uri(reverse("communication:widget", args=[network.slug]))
    context = {
        "network": network,
        "may_manage": may_manage,
        "form": form,
        "widget_url": widget_url,
        "widget_code": f'<iframe src="{escape(widget_url)}" '
        f'title="{escape(_("Agenda") + " — " + network.name)}" '
        'width="100%" height="480" style="border:0" loading="lazy"></iframe>',
        "weekly": weekly_context(request, network),
        "weekly_html": render_to_string(
            "communication/weekly_fragment.html", weekly_context(request, network)
        ),
        "weekly_text": render_to_string(
            "communication/weekly.txt", weekly_context(request, network)
        ),
        "pending": relay.pending_submissions(network=network).count() if may_manage else 0,
        "primary": primary,
        "accent": accent,
    }
    return render(request, "communication/network_relay.html", context)


# --- proposals to the agenda --------------------------------------------------------------------


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in Paris time (the browser's datetime-local)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
        super().__init__(**kwargs)


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(label=_l("Type"), choices=events.event_kind_choices)
    title = forms.CharField(label=_l("Titre"), max_length=200)
    description = forms.CharField(
        label=_l("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    starts_at = LocalDateTimeField(label=_l("Début"), help_text=_l("Heure de Paris."))
    ends_at = LocalDateTimeField(label=_l("Fin"), help_text=_l("Heure de Paris."))
    place = forms.ChoiceField(label=_l("Lieu du réseau"), required=False)
    address = forms.CharField(label=_l("Ou une adresse"), max_length=300, required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {str(p.pk): p for p in places}
        self.fields["place"].choices = [("", "—")] + [(k, p.name) for k, p in self.places.items()]


@login_required
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network(slug=slug)
    user = person(request)
    places = member_places(network=network)
    form = SubmissionForm(request.POST or None, places=places)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["place"] = form.places.get(data.get("place") or "")
        try:
            submission = relay.submit_event(by=user, network=network, **data)
        except relay.RelayError as refusal:
            show_refusal(form, refusal)
        else:
            if submission.status == Submission.Status.ACCEPTED:
                messages.success(request, _("Animation publiée dans l'agenda du réseau."))
                return redirect("events:event-detail", slug=submission.event_slug)
            messages.success(
                request, _("Merci ! La coordination du réseau va examiner votre proposition.")
            )
            return redirect("communication:network-relay", slug=network.slug)
    managed = {p.pk for p in places_managed_by(user=user)}
    intro = _(
        "Les lieux membres publient directement les animations qu'ils accueillent ; les autres "
        "propositions sont relues par la coordination avant publication."
    )
    return render(
        request,
        "communication/small_form.html",
        {
            "form": form,
            "title": _("Proposer une animation à l'agenda — %(name)s") % {"name": network.name},
            "intro": intro,
            "submit": _("Proposer"),
            "back": reverse("communication:network-relay", args=[network.slug]),
            "managed": managed,
        },
    )


@login_required
def submissions(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network(slug=slug)
    if not is_coordinator(user=request.user, network=network):
        raise PermissionDenied
    return render(
        request,
        "communication/submissions.html",
        {"network": network, "pending": relay.pending_submissions(network=network)},
    )


@login_required
@require_POST
def submission_review(request: HttpRequest, slug: str, pk: int, answer: str) -> HttpResponse:
    network = get_network(slug=slug)
    submission = get_object_or_404(Submission, network=network, pk=pk)
    try:
        relay.review_submission(
            by=person(request),
            submission=submission,
            accept=answer == "publier",
            reason=request.POST.get("reason", ""),
        )
    except relay.RelayError as refusal:
        if refusal.status == 403:
            raise PermissionDenied from refusal
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request, _("Proposition publiée.") if answer == "publier" else _("Proposition refusée.")
        )
    return redirect("communication:submissions", slug=network.slug)
