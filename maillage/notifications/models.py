"""In-app notifications (each may also have been sent by email)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a person should know: shown in their notifications until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # What it is about, for grouping and preferences ("circles.proposal", "events.reminder"…).
    topic = models.CharField(_("sujet"), max_length=50)
    title = models.CharField(_("titre"), max_length=250)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    emailed = models.BooleanField(_("envoyée par e-mail"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
