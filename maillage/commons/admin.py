from django.contrib import admin

from maillage.commons.models import Commons, Contact, Contribution, Link, Maintainer, Usage


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0


class MaintainerInline(admin.TabularInline):
    model = Maintainer
    extra = 0
    raw_id_fields = ["user", "place"]


@admin.register(Commons)
class CommonsAdmin(admin.ModelAdmin):
    list_display = ["name", "nature", "licence", "network", "is_published"]
    list_filter = ["nature", "is_published", "network"]
    search_fields = ["name", "summary"]
    inlines = [LinkInline, MaintainerInline]
    raw_id_fields = ["created_by"]


@admin.register(Usage)
class UsageAdmin(admin.ModelAdmin):
    list_display = ["commons", "place", "since"]
    raw_id_fields = ["place", "declared_by"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["commons", "user", "helps_with"]
    raw_id_fields = ["user"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["commons", "kind", "summary", "happened_on"]
    raw_id_fields = ["by", "place"]
