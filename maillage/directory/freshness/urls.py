from django.urls import path

from maillage.directory.freshness import views

app_name = "freshness"
urlpatterns = [
    path("lieux/<slug:slug>/confirmer/", views.place_confirm, name="place-confirm"),
    path(
        "lieux/<slug:slug>/toujours-exact/<str:token>/",
        views.token_confirm,
        name="token-confirm",
    ),
    path("reseaux/<slug:slug>/", views.network_dashboard, name="network-dashboard"),
    path(
        "reseaux/<slug:slug>/lieux/<slug:place_slug>/rappel/",
        views.network_reminder,
        name="network-reminder",
    ),
    path(
        "reseaux/<slug:slug>/fraicheur.csv",
        views.network_dashboard_csv,
        name="network-dashboard-csv",
    ),
]
