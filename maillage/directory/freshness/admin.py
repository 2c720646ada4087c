"""Admin for freshness reminders (registered from maillage/directory/admin.py)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maillage.directory.freshness import services
from maillage.places.models import FreshnessReminder


@admin.register(FreshnessReminder)
class FreshnessReminderAdmin(admin.ModelAdmin):
    list_display = ["place", "sent_to", "sent_at", "status", "confirmed_at", "escalated_at"]
    list_filter = ["status", "sent_at"]
    search_fields = ["place__name", "sent_to"]
    list_select_related = ["place"]
    autocomplete_fields = ["place"]
    date_hierarchy = "sent_at"
    actions = ["mark_bounced"]

    @admin.action(description=_("Marquer comme non distribué (sera transmis à la coordination)"))
    def mark_bounced(self, request: HttpRequest, queryset: QuerySet[FreshnessReminder]) -> None:
        count = services.mark_reminders_bounced(
            reminder_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d rappel marqué comme non distribué.",
                "%(count)d rappels marqués comme non distribués.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
