"""A new password ends what the old one opened: API tokens and the other sessions.

Django already makes other sessions fail their check on their next request once the password
hash changes; deleting them, and revoking the tokens (which do not depend on the password),
closes the door at once — after a password reset, the person may be recovering a stolen account.
"""

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from maillage.accounts.api_tokens import revoke_all_tokens
from maillage.accounts.personal_data import end_sessions


@receiver(password_changed)
@receiver(password_reset)
@receiver(password_set)
def end_what_the_old_password_opened(sender: Any, request: Any = None, user: Any = None,
                                     **kwargs: Any) -> None:  # fmt: skip
    if user is None:
        return
    revoke_all_tokens(user=user)
    end_sessions(user, keep=getattr(getattr(request, "session", None), "session_key", None))
