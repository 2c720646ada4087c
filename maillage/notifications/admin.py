from django.contrib import admin

from maillage.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "topic", "emailed", "created_at", "read_at"]
    list_filter = ["topic", "emailed"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user"]
