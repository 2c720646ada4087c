from django.urls import path

from maillage.directory.search import views

app_name = "search"
urlpatterns = [
    path("recherche/", views.search_page, name="search"),
    path("carte/", views.map_page, name="map"),
    path("carte/lieux.geojson", views.map_geojson, name="map-geojson"),
    path("carte/integrer/<slug:slug>/", views.embed, name="embed"),
    path("carte/integrer/<slug:slug>/code/", views.embed_code, name="embed-code"),
]
