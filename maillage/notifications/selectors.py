"""Reads of notifications: a person only ever sees their own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from maillage.accounts.models import User
from maillage.notifications.models import Notification


def notifications_of(*, user: User) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    """How many of the person's notifications are unread (one query)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def get_notification_for_owner(*, user: User, pk: int) -> Notification:
    """One of the person's notifications; 404 for anyone else's (never reveal it exists)."""
    return get_object_or_404(Notification, pk=pk, user=user)
