"""The unread-notifications count shown in the header of every page."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from maillage.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """`unread_notifications`: a lazy count (one query, only when a template reads it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
