"""Signed, expiring "still true" links: they name one reminder of one place and nothing else.

The token is `django.core.signing.dumps({"p": place_id, "r": reminder_id})` with its own salt,
so a token made for another purpose (password reset, session…) never passes here; it carries the
time it was made and is refused after TOKEN_MAX_AGE. It grants one thing only: confirming that
place's record, once.
"""

from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext_lazy as _

from maillage.lib.refusals import Refusal

SALT = "maillage.directory.freshness.confirm"
TOKEN_MAX_AGE = timedelta(days=30)


class TokenError(Refusal):
    """A refused "still true" link; `message` is a French sentence for the person."""

    message = _("Ce lien de confirmation n'est pas valide.")


class InvalidToken(TokenError):
    message = _(
        "Ce lien de confirmation n'est pas valide : il a peut-être été mal copié. Copiez le "
        "lien complet depuis l'e-mail, ou connectez-vous pour confirmer la fiche."
    )


class ExpiredToken(TokenError):
    message = _(
        "Ce lien de confirmation a expiré (il est valable 30 jours). Connectez-vous pour "
        "confirmer la fiche depuis sa page, ou attendez le prochain rappel."
    )


class WrongPlace(TokenError):
    message = _("Ce lien de confirmation concerne un autre lieu.")


class TokenAlreadyUsed(TokenError):
    def __init__(self, *, confirmed_at) -> None:  # type: ignore[no-untyped-def]
        self.confirmed_at = confirmed_at
        super().__init__(_("Cette fiche a déjà été confirmée avec ce lien."))


def make_token(*, place_id: int, reminder_id: int) -> str:
    """Return the signed token for one reminder of one place."""
    return signing.dumps({"p": place_id, "r": reminder_id}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, int]:
    """Return (place_id, reminder_id); raise ExpiredToken or InvalidToken."""
    try:
        data = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ExpiredToken from exc
    except (signing.BadSignature, ValueError) as exc:
        raise InvalidToken from exc
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("p"), int)
        or not isinstance(data.get("r"), int)
    ):
        raise InvalidToken
    return data["p"], data["r"]
