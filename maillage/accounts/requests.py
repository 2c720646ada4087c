"""The person behind a request, typed: views behind `login_required` use `person(request)`
rather than `request.user` (typed "maybe anonymous"), so their services get a `User`."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from maillage.accounts.models import User


def person(request: HttpRequest) -> User:
    """The logged-in person; PermissionDenied for an anonymous visitor (login_required sends
    them to the login page before this runs)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
