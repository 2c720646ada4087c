"""The person behind a request, typed: views behind `login_required` use `person(request)`
rather than `request.user` (typed "maybe anonymous"), and API operations behind `token_auth`
use `token_person(request)`, so their services get a `User`."""

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


def token_person(request: HttpRequest) -> User:
    """The person of the token an API operation was sent with (`auth=token_auth` let the request
    in); PermissionDenied if the operation let an anonymous request through."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied
    return user
