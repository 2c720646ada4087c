from django.urls import path

from maillage.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
]
