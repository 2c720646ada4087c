"""Token authentication for the JSON API: a personal token, created on /moi/jetons/."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from maillage.accounts.api_tokens import user_for_key
from maillage.accounts.models import User


class TokenAuth(HttpBearer):
    """A personal API token, sent as `Authorization: Bearer <jeton>`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_key(token.strip())
        if user is not None:
            # The services and selectors read the person from the request, like the pages.
            request.user = user
        return user


token_auth = TokenAuth()
