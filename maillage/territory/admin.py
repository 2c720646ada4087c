from django.contrib import admin

from maillage.territory.models import Commune, FormerCommuneCode


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code_insee", "name", "department_code", "epci", "population"]
    list_filter = ["zone", "region", "kind"]
    search_fields = ["code_insee", "name", "search_name", "postal_codes", "epci_code"]
    ordering = ["name"]


@admin.register(FormerCommuneCode)
class FormerCommuneCodeAdmin(admin.ModelAdmin):
    list_display = ["old_code", "old_name", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["old_code", "old_name", "commune__name"]
    raw_id_fields = ["commune"]
    list_select_related = ["commune"]
