"""URLs of the events area: invitations (listed before the registration patterns, whose
`<slug>/<key>/inscription/` would otherwise read `invitation/<token>/inscription/`)."""

from django.urls import URLPattern, path

from maillage.events import invitation_views as views
from maillage.events import urls_agenda  # noqa: F401 (registers the <event:…> converter)

urlpatterns: list[URLPattern] = [
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("invitation/<str:token>/inscription/", views.invitation_accept, name="invitation-accept"),
    path("invitation/<str:token>/decliner/", views.invitation_decline, name="invitation-decline"),
    path("<event:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "<event:slug>/invitations/<int:pk>/retirer/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
]
