"""URLs of the circles area: transparency."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
