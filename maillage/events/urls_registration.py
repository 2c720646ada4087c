"""URLs of the events area: registration (sessions are named by event slug and local start)."""

from django.urls import URLPattern, path

from maillage.events import registration_views as views

urlpatterns: list[URLPattern] = [
    path("mes-inscriptions/", views.my_registrations, name="my-registrations"),
    path("recapitulatif/", views.digest, name="digest"),
    path(
        "inscription/<str:token>/confirmer/",
        views.registration_confirm,
        name="registration-confirm",
    ),
    path(
        "inscription/<str:token>/annuler/",
        views.registration_cancel_guest,
        name="registration-cancel-guest",
    ),
    path("<slug:slug>/<str:key>/inscription/", views.register, name="register"),
    path("<slug:slug>/<str:key>/inscription-invite/", views.register_guest, name="register-guest"),
    path("<slug:slug>/<str:key>/desinscription/", views.unregister, name="unregister"),
    path("<slug:slug>/<str:key>/inscrits/", views.registrants, name="registrants"),
    path("<slug:slug>/<str:key>/inscrits.csv", views.registrants_csv, name="registrants-csv"),
    path(
        "<slug:slug>/<str:key>/inscrits/<int:pk>/decision/",
        views.registration_decide,
        name="registration-decide",
    ),
    path("<slug:slug>/<str:key>/presences/", views.attendance, name="attendance"),
]
