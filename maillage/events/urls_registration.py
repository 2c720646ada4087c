"""URLs of the events area: registration."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
