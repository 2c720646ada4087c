"""URLs of the events area: feeds."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
