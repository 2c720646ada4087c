"""The site's URLs plus a view that crashes, to see the 500 page through the handlers."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from maillage.urls import handler429, urlpatterns

__all__ = ["handler429", "urlpatterns"]


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("panne de test")


urlpatterns = [path("panne/", crash), *urlpatterns]
