"""URLs of the circles area: regulation meetings, their decisions and minutes."""

from django.urls import URLPattern, path

from maillage.circles import meeting_views as views

meeting = "<slug:slug>/reunions/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/reunions/", views.meeting_list, name="meeting-list"),
    path(meeting, views.meeting_detail, name="meeting-detail"),
    path(f"{meeting}presences/", views.meeting_attendance, name="meeting-attendance"),
    path(f"{meeting}presence/", views.meeting_presence, name="meeting-presence"),
    path(f"{meeting}ordre-du-jour/", views.meeting_agenda_add, name="meeting-agenda-add"),
    path(
        f"{meeting}ordre-du-jour/<int:item_pk>/retirer/",
        views.meeting_agenda_remove,
        name="meeting-agenda-remove",
    ),
    path(f"{meeting}publier/", views.meeting_publish, name="meeting-publish"),
    path(f"{meeting}ouvrir/", views.meeting_open, name="meeting-open"),
    path(f"{meeting}clore/", views.meeting_close, name="meeting-close"),
    path(f"{meeting}points/<int:item_pk>/decision/", views.meeting_decide, name="meeting-decide"),
    path(f"{meeting}compte-rendu/", views.meeting_minutes, name="meeting-minutes"),
    path(f"{meeting}compte-rendu.pdf", views.meeting_minutes_pdf, name="meeting-minutes-pdf"),
    path("<slug:slug>/decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
]
