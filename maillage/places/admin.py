from django.contrib import admin

from maillage.places.models import Equipment, Place, PlacePhoto, PlaceRole, Space


class SpaceInline(admin.StackedInline):
    model = Space
    extra = 0


class EquipmentInline(admin.StackedInline):
    model = Equipment
    extra = 0


class PlacePhotoInline(admin.TabularInline):
    model = PlacePhoto
    extra = 0
    fields = ["image", "alt_text", "position", "uploaded_by"]
    readonly_fields = ["uploaded_by"]


class PlaceRoleInline(admin.TabularInline):
    model = PlaceRole
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "status", "is_published", "source", "last_confirmed_at"]
    list_filter = ["status", "is_published", "commune__department_code", "source"]
    search_fields = ["name", "slug", "address", "postal_code", "commune__name", "external_id"]
    list_select_related = ["commune"]
    # Commune and User admins belong to other apps: raw ids work whether or not they exist.
    raw_id_fields = ["commune"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [PlaceRoleInline, SpaceInline, EquipmentInline, PlacePhotoInline]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "kind", "capacity", "surface_m2", "is_bookable"]
    list_filter = ["kind", "is_bookable", "is_accessible", "price_unit"]
    search_fields = ["name", "place__name", "uses"]
    list_select_related = ["place"]
    autocomplete_fields = ["place"]


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "category", "quantity", "sharing_mode"]
    list_filter = ["category", "sharing_mode"]
    search_fields = ["name", "place__name", "description"]
    list_select_related = ["place"]
    autocomplete_fields = ["place"]


@admin.register(PlacePhoto)
class PlacePhotoAdmin(admin.ModelAdmin):
    list_display = ["alt_text", "place", "width", "height", "created_at"]
    search_fields = ["alt_text", "place__name"]
    list_select_related = ["place"]
    autocomplete_fields = ["place"]
    readonly_fields = ["uploaded_by", "width", "height"]


@admin.register(PlaceRole)
class PlaceRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "place", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__display_name", "place__name"]
    list_select_related = ["user", "place"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["place"]
