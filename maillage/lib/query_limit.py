"""Over-long query strings answered 414 by us, in French and in JSON for the API.

gunicorn refuses request lines over 4,094 bytes with a bare 414 page of its own; below that we
refuse query strings over MAX_QUERY_STRING bytes first, so a client always gets our answer —
and the API documents it on every operation (lib/api.py, `MaillageAPI`).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

MAX_QUERY_STRING = 2048


def too_long_message() -> str:
    return _(
        "L'adresse demandée est trop longue (plus de %(max)s caractères de paramètres) : "
        "raccourcissez la recherche."
    ) % {"max": MAX_QUERY_STRING}


class QueryStringLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": too_long_message()}, status=414)
            return HttpResponse(
                too_long_message(),
                status=414,
                content_type=f"text/plain; charset={settings.DEFAULT_CHARSET}",
            )
        return self.get_response(request)
