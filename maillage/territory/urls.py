from django.urls import path

from maillage.territory import views

app_name = "territory"
urlpatterns = [
    path("recherche/", views.commune_search, name="commune-search"),
]
