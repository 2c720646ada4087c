from django.urls import path

from maillage.places import views

app_name = "places"
urlpatterns = [
    path("", views.place_list, name="place-list"),
    path("<slug:slug>/", views.place_detail, name="place-detail"),
]
