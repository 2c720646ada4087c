"""URLs of the events area: agenda."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
