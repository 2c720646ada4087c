"""Pages of the agenda: the agenda (list, week, month), event and session pages, event forms,
session exceptions and tour stops. Objects come only through `selectors`; writes through
`services`."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.circles.selectors import circles_by_name
from maillage.events import services
from maillage.events.forms import (
    EventForm,
    OccurrenceForm,
    StopForm,
    build_rrule,
    occurrence_initial,
    owner_choices,
    shift_to,
)
from maillage.events.invitation_forms import InviteForm
from maillage.events.models import Audience, Event, EventKind, TourStop
from maillage.events.recurrence import InvalidRecurrence, first_dates, validate_rrule
from maillage.events.recurrence_text import describe_rrule
from maillage.events.selectors import (
    AgendaFilters,
    agenda_occurrences,
    can_organise,
    event_jsonld,
    get_event_for_organiser,
    get_event_for_viewer,
    get_occurrence_for_viewer,
    group_by_day,
    month_grid,
    occurrence_key,
    upcoming_occurrences,
    week_grid,
    with_labels,
)
from maillage.events.tours import tour_route
from maillage.lib.forms import show_refusal
from maillage.lib.geo import feature_collection, point_feature
from maillage.networks.models import Network

PAGE_SIZE = 20


def _filter_choices(user) -> dict:
    return {
        "networks": Network.objects.order_by("name").only("slug", "name"),
        "circles": circles_by_name(),
        "kinds": EventKind.choices,
    }


def agenda(request: HttpRequest) -> HttpResponse:
    """The agenda: coming sessions as a list, a week or a month, filtered."""
    filters = AgendaFilters.from_query(request.GET)
    view = request.GET.get("vue", "")
    view = view if view in ("semaine", "mois") else "liste"
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    context: dict = {"filters": filters, "view": view, "day": day, **_filter_choices(request.user)}
    # Offered only to who may create one (for a place, circle or network they run).
    context["may_create"] = request.user.is_authenticated and bool(owner_choices(request.user))
    query = filters.to_query()
    if view == "liste":
        page = Paginator(
            agenda_occurrences(user=request.user, filters=filters), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        context["page"] = page
        context["days"] = group_by_day(with_labels(list(page.object_list)))
    else:
        grid = month_grid(day) if view == "mois" else week_grid(day)
        occurrences = agenda_occurrences(
            user=request.user, filters=filters, start=grid.start, end=grid.end
        )
        grid.fill(with_labels(list(occurrences)))
        context["grid"] = grid
        query = {**query, "vue": view}
        context["previous_query"] = urlencode({**query, "date": grid.previous.isoformat()})
        context["next_query"] = urlencode({**query, "date": grid.next.isoformat()})
        context["today_query"] = urlencode(query)
        query["date"] = day.isoformat()
    context["query"] = urlencode(query)
    context["filter_query"] = urlencode(filters.to_query())
    template = "events/agenda.html" + ("#results" if request.htmx else "")
    response = render(request, template, context)
    if request.htmx:
        response["HX-Push-Url"] = request.path + (f"?{context['query']}" if query else "")
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail_context(request: HttpRequest, event: Event, occurrence=None) -> dict:
    upcoming = with_labels(upcoming_occurrences(event=event))
    if occurrence is not None:
        with_labels([occurrence])
    stops = (
        list(event.stops.select_related("place", "place__commune"))
        if event.kind == EventKind.TOUR
        else []
    )
    organiser = can_organise(request.user, event)
    return {
        "event": event,
        "occurrence": occurrence,
        "upcoming": upcoming,
        "invite_form": InviteForm() if organiser and event.audience == Audience.INVITED else None,
        "stops": stops,
        "route": tour_route(stops) if stops else None,
        "can_organise": organiser,
        "organisers": list(event.organisers.order_by("display_name", "email")),
        "jsonld": event_jsonld(
            event=event,
            occurrence=occurrence or (upcoming[0] if upcoming else None),
            request=request,
        ),
        "continued_by": list(event.continued_by.all()),
        "series_text": describe_rrule(event.rrule, starts_at=event.starts_at)
        if event.rrule
        else "",
        "box_occurrence": occurrence or (upcoming[0] if upcoming and not event.rrule else None),
        "venue_geojson": _venue_geojson(event),
        "confirmable": {
            s.pk for s in stops if services.can_confirm_stop(user=request.user, stop=s)
        },
    }


def _venue_geojson(event: Event) -> dict | None:
    venue = event.venue
    if venue is None or venue.latitude is None or venue.longitude is None:
        return None
    return feature_collection(
        [
            point_feature(
                lat=venue.latitude,
                lon=venue.longitude,
                properties={
                    "name": venue.name,
                    "url": reverse("places:place-detail", args=[venue.slug]),
                    "commune": venue.commune.name if venue.commune_id else "",
                },
            )
        ]
    )


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_viewer(user=request.user, slug=slug)
    return render(request, "events/event_detail.html", _detail_context(request, event))


def occurrence_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = get_occurrence_for_viewer(user=request.user, slug=slug, key=key)
    if occurrence_key(occurrence) != key:
        # Reached by its recurrence date after it moved: send people to its real address.
        return redirect("events:occurrence-detail", slug, occurrence_key(occurrence))
    context = _detail_context(request, occurrence.event, occurrence)
    return render(request, "events/event_detail.html", context)


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not owner_choices(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                by=request.user, owner=form.cleaned_data["owner"], data=form.to_data()
            )
        except services.EventError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("L'animation est créée."))
            if event.kind == EventKind.TOUR:
                return redirect("events:tour-stops", event.slug)
            return redirect("events:event-detail", event.slug)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
def recurrence_preview(request: HttpRequest) -> HttpResponse:
    """What the event form's repetition fields mean, in French, with the first dates (htmx)."""
    form = EventForm(request.GET, user=request.user)
    form.is_valid()  # only the date and repetition fields matter here
    cleaned = form.cleaned_data
    starts_at = cleaned.get("starts_at")
    context: dict = {"starts_at": starts_at, "rule": "", "text": "", "dates": [], "error": ""}
    if starts_at and cleaned.get("repeat"):
        rule = build_rrule(cleaned)
        try:
            validate_rrule(rule, starts_at=starts_at)
        except InvalidRecurrence as refusal:
            context["error"] = str(refusal)
        else:
            context["text"] = describe_rrule(rule, starts_at=starts_at)
            context["dates"] = first_dates(rule, starts_at=starts_at, count=4)
    return render(request, "events/_recurrence_preview.html", context)


@login_required
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_organiser(user=request.user, slug=slug)
    form = EventForm(request.POST or None, user=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(by=request.user, event=event, data=form.to_data())
        except services.EventError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("L'animation est modifiée."))
            return redirect("events:event-detail", event.slug)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
def event_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_organiser(user=request.user, slug=slug)
    if request.method == "POST":
        services.cancel_event(by=request.user, event=event)
        messages.success(
            request, _("L'animation est annulée ; les personnes inscrites sont prévenues.")
        )
        return redirect("events:event-detail", event.slug)
    return render(request, "events/event_cancel.html", {"event": event, "occurrence": None})


def _occurrence_for_organiser(request: HttpRequest, slug: str, key: str):
    occurrence = get_occurrence_for_viewer(user=request.user, slug=slug, key=key)
    if not can_organise(request.user, occurrence.event):
        raise PermissionDenied
    with_labels([occurrence])
    return occurrence


@login_required
def occurrence_edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Edit this session only."""
    occurrence = _occurrence_for_organiser(request, slug, key)
    form = OccurrenceForm(request.POST or None, initial=occurrence_initial(occurrence))
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            occurrence = services.edit_occurrence(
                by=request.user,
                occurrence=occurrence,
                starts_at=c["starts_at"],
                ends_at=c["ends_at"],
                title=c["title"],
                note=c["note"],
                capacity=c["capacity"],
            )
        except services.EventError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("La séance est modifiée."))
            return redirect("events:occurrence-detail", slug, occurrence_key(occurrence))
    return render(
        request,
        "events/occurrence_form.html",
        {"form": form, "event": occurrence.event, "occurrence": occurrence},
    )


@login_required
def occurrence_edit_following(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Edit this session and all the following ones (the series is split here)."""
    occurrence = _occurrence_for_organiser(request, slug, key)
    event = occurrence.event
    if not event.rrule:
        return redirect("events:event-edit", slug)
    form = EventForm(
        request.POST or None, user=request.user, event=event, initial=shift_to(occurrence, event)
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.split_series(by=request.user, occurrence=occurrence, data=form.to_data())
        except services.EventError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Cette séance et les suivantes sont modifiées."))
            return redirect("events:event-detail", new.slug)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event, "occurrence": occurrence, "following": True},
    )


@login_required
def occurrence_cancel(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    occurrence = _occurrence_for_organiser(request, slug, key)
    if request.method == "POST":
        services.cancel_occurrence(by=request.user, occurrence=occurrence)
        messages.success(
            request, _("La séance est annulée ; les personnes inscrites sont prévenues.")
        )
        return redirect("events:occurrence-detail", slug, key)
    return render(
        request,
        "events/occurrence_cancel.html",
        {"event": occurrence.event, "occurrence": occurrence},
    )


# Tours


def _tour_for_organiser(request: HttpRequest, slug: str) -> Event:
    event = get_event_for_organiser(user=request.user, slug=slug)
    if event.kind != EventKind.TOUR:
        raise Http404
    return event


@login_required
def tour_stops(request: HttpRequest, slug: str) -> HttpResponse:
    """The stops of a tour: list, reorder, add."""
    event = _tour_for_organiser(request, slug)
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.add_stop(
                by=request.user,
                event=event,
                place=c["place"],
                arrives_at=c["arrives_at"],
                leaves_at=c["leaves_at"],
                note=c["note"],
            )
        except services.EventError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("L'étape est ajoutée."))
            return redirect("events:tour-stops", slug)
    stops = list(event.stops.select_related("place", "place__commune"))
    context = {"event": event, "form": form, "stops": stops, "route": tour_route(stops)}
    return render(request, "events/tour_stops.html", context)


def _stop(event: Event, pk: int) -> TourStop:
    return get_object_or_404(TourStop.objects.select_related("event", "place"), event=event, pk=pk)


@login_required
@require_POST
def tour_stop_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _tour_for_organiser(request, slug)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.move_stop(by=request.user, stop=_stop(event, pk), offset=offset)
    return redirect("events:tour-stops", slug)


@login_required
@require_POST
def tour_stop_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _tour_for_organiser(request, slug)
    services.remove_stop(by=request.user, stop=_stop(event, pk))
    messages.success(request, _("L'étape est retirée."))
    return redirect("events:tour-stops", slug)


@login_required
@require_POST
def tour_stop_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A manager of the stop's place confirms the stop."""
    event = get_event_for_viewer(user=request.user, slug=slug)
    stop = _stop(event, pk)
    if not services.can_confirm_stop(user=request.user, stop=stop):
        raise PermissionDenied
    services.confirm_stop(by=request.user, stop=stop)
    messages.success(request, _("L'étape est confirmée."))
    return redirect("events:event-detail", slug)
