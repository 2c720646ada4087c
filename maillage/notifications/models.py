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
    # The thing awaiting someone's action ("circles.expense-review:42"), when there is one:
    # once it is handled, `mark_handled` marks its notifications read for everybody.
    key = models.CharField(_("objet à traiter"), max_length=100, blank=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class OutgoingEmail(models.Model):
    """Every e-mail the site sends, recorded before it leaves (notifications/mail.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")

    to = models.TextField(_("destinataires"))  # one address per line
    subject = models.CharField(_("objet"), max_length=250)
    body = models.TextField(_("texte"))
    html = models.TextField(_("version HTML"), blank=True)
    status = models.CharField(
        _("statut"), max_length=6, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("e-mails envoyés")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoing_email_status")]

    def __str__(self) -> str:
        return self.subject

    @property
    def recipients(self) -> list[str]:
        return [line for line in self.to.splitlines() if line]
