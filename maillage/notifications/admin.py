from django.contrib import admin

from maillage.lib.admin import ReadOnlyAdmin
from maillage.notifications.models import Notification, OutgoingEmail


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "topic", "emailed", "created_at", "read_at"]
    list_filter = ["topic", "emailed"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """What left and what failed (with the server's error); the mail path writes these."""

    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    readonly_fields = [
        "to",
        "subject",
        "body",
        "status",
        "attempts",
        "error",
        "created_at",
        "sent_at",
    ]
    exclude = ["html"]
