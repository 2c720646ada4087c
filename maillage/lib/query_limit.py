"""What any request may meet before reaching a view: an over-long query string (414) and a NUL
character in what it sends (422 for the API, 400 for pages), answered by us, in French, and in
JSON for the API.

gunicorn refuses request lines over 4,094 bytes with a bare 414 page of its own; below that we
refuse query strings over MAX_QUERY_STRING bytes first, so a client always gets our answer —
and the API documents it on every operation (lib/api.py, `MaillageAPI`).

PostgreSQL text cannot hold a NUL character: a `%00` in a search filter or a `\\u0000` in a JSON
body would end as a server error deep in a query. Forms already refuse it field by field
(Django's CharField); everything else is refused here, once, before any view runs.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.lib.api import validation_error_body

MAX_QUERY_STRING = 2048
NUL = "\x00"


def too_long_message() -> str:
    return _(
        "L'adresse demandée est trop longue (plus de %(max)s caractères de paramètres) : "
        "raccourcissez la recherche."
    ) % {"max": MAX_QUERY_STRING}


def nul_message() -> str:
    return _("Ce texte contient un caractère nul (\\0), qui n'est pas accepté : retirez-le.")


def _nul_in_query(request: HttpRequest) -> str | None:
    """The name of the first query parameter whose name or value holds a NUL, if any."""
    query = request.META.get("QUERY_STRING", "")
    if "%00" not in query and NUL not in query:
        return None
    return _first_nul(request.GET.lists())


def _nul_in_form(request: HttpRequest) -> str | None:
    """The same for a posted form. Multipart forms (uploads) are left to their views, which
    read them with their own size limits, and to Django's form fields, which refuse a NUL."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return None
    return _first_nul(request.POST.lists())


def _first_nul(items: Iterable[tuple[str, list[str]]]) -> str | None:
    for name, values in items:
        if NUL in name or any(NUL in value for value in values):
            return name.replace(NUL, "")
    return None


def _nul_paths(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield (*path, key.replace(NUL, ""))
            yield from _nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*path, str(index)))


def _nul_in_json_body(request: HttpRequest) -> tuple[str, ...] | None:
    """Where the JSON body holds a NUL, if it does; an unreadable body is left to the API."""
    if request.content_type != "application/json":
        return None
    body = request.body
    if b"\\u0000" not in body and b"\x00" not in body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return next(_nul_paths(data), None)


class QueryStringLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            if api:
                return JsonResponse({"detail": too_long_message()}, status=414)
            return HttpResponse(
                too_long_message(),
                status=414,
                content_type=f"text/plain; charset={settings.DEFAULT_CHARSET}",
            )
        name = _nul_in_query(request)
        if name is not None:
            return self._refuse_nul(request, api, ("query", name))
        name = _nul_in_form(request)
        if name is not None:
            return self._refuse_nul(request, api, ("body", name))
        if api:
            path = _nul_in_json_body(request)
            if path is not None:
                return self._refuse_nul(request, api, ("body", *path))
        return self.get_response(request)

    def _refuse_nul(self, request: HttpRequest, api: bool, loc: tuple[str, ...]) -> HttpResponse:
        if api:
            error = {"loc": loc, "msg": nul_message(), "type": "maillage"}
            return JsonResponse(validation_error_body([error]), status=422)
        return render(request, "400.html", {"message": nul_message()}, status=400)
