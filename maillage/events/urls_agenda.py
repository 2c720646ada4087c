"""URLs of the events area: agenda, event and session pages, event forms, tours."""

from django.urls import URLPattern, path, register_converter

from maillage.events import views


class OccurrenceKeyConverter:
    """A session's local start in its URL: 2026-03-03T0900."""

    regex = r"\d{4}-\d{2}-\d{2}T\d{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class EventSlugConverter:
    """An event slug, never one of the agenda's own words (those pages come later in the list)."""

    regex = r"(?!(?:nouvelle|flux|mes-inscriptions|recapitulatif|inscription|invitation)(?:/|$))[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OccurrenceKeyConverter, "occ")
register_converter(EventSlugConverter, "event")

urlpatterns: list[URLPattern] = [
    path("", views.agenda, name="agenda"),
    path("nouvelle/", views.event_create, name="event-create"),
    path("nouvelle/apercu-repetition/", views.recurrence_preview, name="recurrence-preview"),
    path("<event:slug>/", views.event_detail, name="event-detail"),
    path("<event:slug>/modifier/", views.event_edit, name="event-edit"),
    path("<event:slug>/annuler/", views.event_cancel, name="event-cancel"),
    path("<event:slug>/etapes/", views.tour_stops, name="tour-stops"),
    path("<event:slug>/etapes/<int:pk>/deplacer/", views.tour_stop_move, name="tour-stop-move"),
    path("<event:slug>/etapes/<int:pk>/retirer/", views.tour_stop_remove, name="tour-stop-remove"),
    path(
        "<event:slug>/etapes/<int:pk>/confirmer/", views.tour_stop_confirm, name="tour-stop-confirm"
    ),
    path("<event:slug>/<occ:key>/", views.occurrence_detail, name="occurrence-detail"),
    path("<event:slug>/<occ:key>/modifier/", views.occurrence_edit, name="occurrence-edit"),
    path(
        "<event:slug>/<occ:key>/modifier-la-suite/",
        views.occurrence_edit_following,
        name="occurrence-edit-following",
    ),
    path("<event:slug>/<occ:key>/annuler/", views.occurrence_cancel, name="occurrence-cancel"),
]
