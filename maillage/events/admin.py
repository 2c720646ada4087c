from django.contrib import admin

from maillage.events import models


class OccurrenceInline(admin.TabularInline):
    model = models.Occurrence
    extra = 0
    fields = ["starts_at", "ends_at", "cancelled", "is_modified", "capacity", "confirmed_count"]
    readonly_fields = ["confirmed_count"]


class TourStopInline(admin.TabularInline):
    model = models.TourStop
    extra = 0
    raw_id_fields = ["place", "confirmed_by"]


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "starts_at",
        "audience",
        "status",
        "network",
        "circle",
        "place",
    ]
    list_filter = ["kind", "audience", "status"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["network", "circle", "place", "venue", "organisers", "source", "continues"]
    inlines = [OccurrenceInline, TourStopInline]


@admin.register(models.Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "attended", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "guest_email", "guest_name"]
    raw_id_fields = ["occurrence", "user"]


@admin.register(models.FeedSource)
class FeedSourceAdmin(admin.ModelAdmin):
    list_display = ["place", "url", "is_active", "last_fetched_at", "last_status", "last_count"]
    list_filter = ["is_active", "last_status"]
    search_fields = ["url", "place__name"]


@admin.register(models.DigestSubscription)
class DigestSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "network", "last_sent_on"]
    raw_id_fields = ["user"]


@admin.register(models.CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["token"]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "event", "status", "user", "invited_by", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["email", "event__title", "user__email"]
    raw_id_fields = ["event", "user", "invited_by"]
    readonly_fields = ["token"]
