from django.urls import path, register_converter

from . import coverage_views, views


class KindConverter:
    regex = "reseau|cercle|departement|region|epci"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class KeyConverter:
    """A network or circle slug, a département, région or EPCI code."""

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")
register_converter(KeyConverter, "key")

app_name = "observatory"
urlpatterns = [
    path("", views.index, name="index"),
    path("methodologie/", views.methodology, name="methodology"),
    path("<kind:kind>/<key:key>/", views.scope_page, name="scope"),
    path("<kind:kind>/<key:key>/donnees.<str:fmt>", views.scope_data, name="scope-data"),
    path(
        "<kind:kind>/<key:key>/indicateurs/<str:indicator>/",
        views.indicator_page,
        name="indicator",
    ),
    path(
        "<kind:kind>/<key:key>/indicateurs/<str:indicator>/integrer/",
        views.indicator_embed,
        name="indicator-embed",
    ),
    path(
        "<kind:kind>/<key:key>/indicateurs/<str:indicator>.<str:fmt>",
        views.indicator_data,
        name="indicator-data",
    ),
    path("<kind:kind>/<key:key>/couverture/", coverage_views.coverage_page, name="coverage"),
    path(
        "<kind:kind>/<key:key>/couverture.<str:fmt>",
        coverage_views.coverage_data,
        name="coverage-data",
    ),
    path("<kind:kind>/<key:key>/comparer/", coverage_views.compare_page, name="compare"),
]
