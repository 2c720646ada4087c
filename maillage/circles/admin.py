from django.contrib import admin

from maillage.circles import models


class ReadOnlyAdmin(admin.ModelAdmin):
    """Recorded facts (decisions, votes, objections) are read in the admin, never edited."""

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(models.Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "status", "transparency"]
    list_filter = ["status", "transparency", "network"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["places"]
    raw_id_fields = ["communes"]


@admin.register(models.CircleMember)
class CircleMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "circle", "role", "starts_on", "ends_on", "ended_at"]
    list_filter = ["role", "circle"]
    search_fields = ["user__email", "user__display_name", "circle__name"]
    raw_id_fields = ["user", "decision", "created_by"]


@admin.register(models.RoleRequest)
class RoleRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "circle", "role", "status", "created_at"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "circle__name"]
    raw_id_fields = ["user"]


@admin.register(models.Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "circle", "status", "expected_cost_cents"]
    list_filter = ["status", "circle"]
    search_fields = ["title"]
    raw_id_fields = ["owners", "created_by"]


@admin.register(models.Envelope)
class EnvelopeAdmin(ReadOnlyAdmin):
    list_display = ["funder", "circle", "year", "funder_kind", "amount_cents", "earmark_action"]
    list_filter = ["year", "funder_kind"]
    search_fields = ["funder", "circle__name"]


@admin.register(models.Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "circle", "action", "amount_cents", "status", "created_at"]
    list_filter = ["status", "payee_kind"]
    search_fields = ["title", "payee_name"]
    raw_id_fields = ["action", "payee_user", "payee_place", "author"]


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "circle", "starts_at", "status"]
    list_filter = ["status", "circle"]
    search_fields = ["title"]


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "meeting",
        "method",
        "outcome",
        "amount_granted_cents",
        "recorded_at",
    ]
    list_filter = ["method", "outcome"]


@admin.register(models.Expense)
class ExpenseAdmin(ReadOnlyAdmin):
    list_display = ["description", "proposal", "amount_cents", "status", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["description", "payee_name"]
