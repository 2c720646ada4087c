"""Personal API tokens: creation (the key is shown once), revocation, and checking a key.

Only the SHA-256 of a key is stored: a copy of the database gives no working token. The key is
long and random, so a plain hash (no salt, no slow hash) is enough and keeps the lookup to one
indexed query.
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import ApiToken, User
from maillage.lib.refusals import Refusal

AnyUser = User | AnonymousUser

KEY_PREFIX = "mlg_"
MAX_ACTIVE_TOKENS = 20
# Recording every use would write on every request: once a minute is enough to see it is alive.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenError(Refusal):
    """A refused write; `message` is a French sentence for the person, `field` where it belongs."""


class InvalidTokenName(ApiTokenError):
    field = "name"


class TooManyTokens(ApiTokenError):
    pass


class AlreadyRevoked(ApiTokenError):
    pass


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256, in hexadecimal."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# --- Reads ----------------------------------------------------------------------------------


def tokens_of(*, user: AnyUser) -> QuerySet[ApiToken]:
    """The person's tokens, active ones first, newest first (none if anonymous)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-revoked_at", "-created_at")


def get_token_for_owner(*, user: AnyUser, pk: int) -> ApiToken:
    """Return one of the person's tokens; raise Http404 for anyone else's (or none)."""
    return get_object_or_404(tokens_of(user=user), pk=pk)


def user_for_key(key: str) -> User | None:
    """The active person holding this key if it is a live token (and note its use); else None."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        # update() rather than save(): no read-modify-write race with a concurrent revocation.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Writes ---------------------------------------------------------------------------------


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; return it with its key (shown once, never stored).

    Raise InvalidTokenName or TooManyTokens.
    """
    name = " ".join((name or "").split())
    if not name:
        raise InvalidTokenName(_("Donnez un nom à ce jeton (par exemple : « script d'import »)."))
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise InvalidTokenName(
            _("Le nom d'un jeton tient en %(max)s caractères au plus.") % {"max": max_length}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the person's row: two simultaneous creations must not both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise TooManyTokens(
                _(
                    "Vous avez déjà %(max)s jetons actifs : révoquez ceux qui ne servent plus "
                    "avant d'en créer un autre."
                )
                % {"max": MAX_ACTIVE_TOKENS}
            )
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:8], key_hash=hash_key(key)
        )
    return token, key


def revoke_api_token(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token for good; raise AlreadyRevoked if it already was."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise AlreadyRevoked(_("Ce jeton était déjà révoqué."))
    token.refresh_from_db(fields=["revoked_at"])
    return token


def revoke_all_tokens(*, user: User) -> int:
    """Revoke every token of the person (their password changed: scripts must be re-authorised)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
