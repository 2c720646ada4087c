from django.contrib import admin

from maillage.networks.models import Membership, MembershipEvent, Network, NetworkRole


class NetworkRoleInline(admin.TabularInline):
    model = NetworkRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "email", "updated_at"]
    list_filter = ["level"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "communes"]
    inlines = [NetworkRoleInline]


@admin.register(NetworkRole)
class NetworkRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "network", "created_at"]
    list_filter = ["role", "network"]
    search_fields = ["user__email", "user__display_name", "network__name"]
    autocomplete_fields = ["user", "network"]
    list_select_related = ["user", "network"]


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = ["at", "from_status", "to_status", "by", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # the history is written by services
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["place", "network", "status", "applied_at", "decided_at"]
    list_filter = ["status", "network"]
    search_fields = ["place__name", "network__name"]
    autocomplete_fields = ["network"]
    raw_id_fields = ["place", "applied_by", "charter_accepted_by", "decided_by"]
    list_select_related = ["place", "network"]
    date_hierarchy = "applied_at"
    inlines = [MembershipEventInline]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    list_display = ["membership", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status", "membership__network"]
    search_fields = ["membership__place__name", "membership__network__name", "note"]
    raw_id_fields = ["membership", "by"]
    list_select_related = ["membership__place", "membership__network", "by"]
