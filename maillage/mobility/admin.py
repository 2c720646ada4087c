from django.contrib import admin
from django.http import HttpRequest

from maillage.lib.admin import ReadOnlyAdmin
from maillage.mobility.models import (
    Booking,
    ClosedMonth,
    HostDay,
    HostOffer,
    Pass,
    Scheme,
    SchemeVersion,
)


class SchemeVersionInline(admin.TabularInline):
    model = SchemeVersion
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "model", "created_at"]
    list_filter = ["model", "network"]
    search_fields = ["name", "network__name"]
    inlines = [SchemeVersionInline]


@admin.register(HostOffer)
class HostOfferAdmin(admin.ModelAdmin):
    list_display = ["place", "is_active", "approval_required", "half_days_allowed", "updated_at"]
    list_filter = ["is_active", "approval_required", "half_days_allowed"]
    search_fields = ["place__name"]


@admin.register(HostDay)
class HostDayAdmin(admin.ModelAdmin):
    list_display = ["offer", "day", "am_booked", "pm_booked"]
    list_filter = ["day"]
    search_fields = ["offer__place__name"]
    readonly_fields = ["am_booked", "pm_booked"]


@admin.register(Pass)
class PassAdmin(admin.ModelAdmin):
    list_display = ["holder", "scheme", "home_place", "status", "starts_on"]
    list_filter = ["status", "scheme__network", "scheme"]
    search_fields = ["holder__email", "holder__display_name", "home_place__name"]
    raw_id_fields = ["holder", "home_place"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["day", "half", "member_pass", "offer", "status", "check_in_method"]
    list_filter = ["status", "half", "day"]
    search_fields = ["member_pass__holder__email", "offer__place__name", "idempotency_key"]
    raw_id_fields = ["member_pass", "offer", "host_day", "checked_in_by"]
    readonly_fields = ["idempotency_key"]


@admin.register(ClosedMonth)
class ClosedMonthAdmin(ReadOnlyAdmin):
    """A closed month is frozen: only `close_month` writes one."""

    list_display = ["network", "month", "visits", "amount_cents", "closed_at", "closed_by"]
    list_filter = ["network", "month"]
    search_fields = ["network__name", "closed_by__email"]
    exclude = ["snapshot"]
