from django.contrib import admin
from django.http import HttpRequest

from maillage.ledger.models import Account, Transfer
from maillage.lib.admin import ReadOnlyAdmin


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "network", "balance_cents"]
    list_filter = ["kind", "network"]
    search_fields = ["label", "network__name"]
    list_select_related = ["network", "owner_type"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "debit", "credit", "amount_cents", "reason", "idempotency_key"]
    list_filter = ["reason", "debit__network"]
    search_fields = ["idempotency_key", "memo"]
    date_hierarchy = "created_at"
    list_select_related = ["debit__network", "credit__network"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        # Each side's name comes from its owner (a place, a person, a circle).
        return super().get_queryset(request).prefetch_related("debit__owner", "credit__owner")
