"""URLs of the circles area: meetings."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
