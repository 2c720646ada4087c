from django.urls import path, re_path

from maillage.directory.opendata import views

app_name = "opendata"
# The whole directory's files come before the network slug route.
urlpatterns = [
    path("", views.index, name="index"),
    re_path(
        r"^lieux\.(?P<fmt>csv|geojson|json)$", views.directory_download, name="directory-download"
    ),
    path(
        "lieux-mediation-numerique.csv",
        views.directory_download,
        {"fmt": "mediation"},
        name="directory-download-mediation",
    ),
    path(
        "lieux-gogocarto.json",
        views.directory_download,
        {"fmt": "gogocarto"},
        name="directory-download-gogocarto",
    ),
    path("<slug:slug>/", views.network_page, name="network"),
    path("<slug:slug>/licence/", views.licence_change, name="licence"),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/lieux\.(?P<fmt>csv|geojson|json)$",
        views.network_download,
        name="download",
    ),
    path(
        "<slug:slug>/lieux-mediation-numerique.csv",
        views.network_download,
        {"fmt": "mediation"},
        name="download-mediation",
    ),
    path(
        "<slug:slug>/lieux-gogocarto.json",
        views.network_download,
        {"fmt": "gogocarto"},
        name="download-gogocarto",
    ),
]
