"""Views of the calendar feeds: public .ics feeds, downloads, the private per-person feed and its
page, and the place managers' page of imported calendars."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.circles.selectors import get_circle
from maillage.events import feeds, ical_import
from maillage.events.feed_forms import FeedSourceForm
from maillage.events.models import FeedSource
from maillage.events.selectors import get_event_for_viewer, get_occurrence_for_viewer
from maillage.lib.forms import show_refusal
from maillage.networks.selectors import get_network
from maillage.places.models import Place
from maillage.places.selectors import get_place_for_manager


def _ics(body: bytes, *, filename: str, download: bool = False, private: bool = False):
    response = HttpResponse(body, content_type=feeds.CONTENT_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Private feeds must not sit in shared caches; public ones may be cached a little.
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    if private:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def network_feed(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_network(slug=slug)
    events = feeds.network_feed_events(network=network)
    body = feeds.events_calendar(name=network.name, events=events)
    return _ics(body, filename=f"{network.slug}.ics")


def circle_feed(request: HttpRequest, slug: str) -> HttpResponse:
    circle = get_circle(slug=slug)
    body = feeds.events_calendar(name=circle.name, events=feeds.circle_feed_events(circle=circle))
    return _ics(body, filename=f"{circle.slug}.ics")


def place_feed(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug, is_published=True)
    body = feeds.events_calendar(name=place.name, events=feeds.place_feed_events(place=place))
    return _ics(body, filename=f"{place.slug}.ics")


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = feeds.with_exceptions(get_event_for_viewer(user=request.user, slug=slug))
    body = feeds.events_calendar(name=event.title, events=[event])
    return _ics(body, filename=f"{event.slug}.ics", download=True, private=True)


def occurrence_ics(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = get_occurrence_for_viewer(user=request.user, slug=slug, key=key)
    with_link = feeds.shows_online_link(user=request.user, occurrence=occurrence)
    vevent = feeds.occurrence_vevent(occurrence, with_online_link=with_link)
    body = feeds.build_calendar(name=occurrence.event.title, vevents=[vevent])
    return _ics(body, filename=f"{slug}-{key}.ics", download=True, private=True)


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = feeds.user_for_calendar_token(token=token)
    if user is None:
        raise Http404
    return _ics(feeds.personal_calendar(user=user), filename="mes-animations.ics", private=True)


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    token = feeds.calendar_token_for(user=request.user)
    url = request.build_absolute_uri(reverse("events:feed-personal", args=[token.token]))
    webcal = "webcal://" + url.split("://", 1)[1]
    return render(
        request,
        "events/feed_personal.html",
        {"token": token, "feed_url": url, "webcal_url": webcal},
    )


@login_required
@require_POST
def revoke_my_calendar(request: HttpRequest) -> HttpResponse:
    feeds.revoke_calendar_token(user=request.user)
    messages.success(
        request,
        _(
            "Nouveau lien créé : l'ancien ne fonctionne plus. Abonnez vos agendas à la nouvelle "
            "adresse."
        ),
    )
    return redirect("events:feed-my-calendar")


def _sources_page(request, place, form, status=200):
    sources = place.feed_sources.order_by("created_at", "pk")
    return render(
        request,
        "events/feed_sources.html",
        {"place": place, "sources": sources, "form": form},
        status=status,
    )


@login_required
def feed_sources(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_place_for_manager(user=request.user, slug=slug)
    form = FeedSourceForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                source = ical_import.add_feed_source(
                    place=place, url=form.cleaned_data["url"], by=request.user
                )
            except ical_import.FeedError as exc:
                show_refusal(form, exc, near="url")
            else:
                _report(request, ical_import.import_feed(source=source))
                return redirect("events:feed-sources", slug=place.slug)
        return _sources_page(request, place, form, status=422)
    return _sources_page(request, place, form)


def _get_source(request: HttpRequest, slug: str, pk: int) -> FeedSource:
    place = get_place_for_manager(user=request.user, slug=slug)
    return get_object_or_404(FeedSource.objects.select_related("place"), place=place, pk=pk)


def _report(request: HttpRequest, result: ical_import.ImportResult) -> None:
    if result.status == "error":
        messages.error(request, _("Import impossible : %(error)s") % {"error": result.error})
    elif result.status == "unchanged":
        messages.info(request, _("Le calendrier n'a pas changé depuis la dernière lecture."))
    else:
        messages.success(
            request,
            _("Calendrier lu : %(created)s, %(updated)s, %(cancelled)s.")
            % {
                "created": ngettext(
                    "%(n)s animation ajoutée", "%(n)s animations ajoutées", result.created
                )
                % {"n": result.created},
                "updated": ngettext("%(n)s mise à jour", "%(n)s mises à jour", result.updated)
                % {"n": result.updated},
                "cancelled": ngettext("%(n)s annulée", "%(n)s annulées", result.cancelled)
                % {"n": result.cancelled},
            },
        )


@login_required
@require_POST
def feed_source_import(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    source = _get_source(request, slug, pk)
    _report(request, ical_import.import_feed(source=source))
    return redirect("events:feed-sources", slug=source.place.slug)


@login_required
@require_POST
def feed_source_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    source = _get_source(request, slug, pk)
    ical_import.remove_feed_source(source=source)
    messages.success(request, _("Calendrier retiré, avec les animations qui en venaient."))
    return redirect("events:feed-sources", slug=slug)
