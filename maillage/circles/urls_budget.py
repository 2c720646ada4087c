"""URLs of the circles area: budget."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
