"""URLs of the circles area: circles."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
