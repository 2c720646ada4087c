from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import ApiToken, Skill, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SkillInline(admin.TabularInline):
    model = Skill
    extra = 0
    fields = ("name", "description", "visibility")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """People log in with their e-mail address: Django's user admin without the username."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "display_name", "commune", "is_active", "is_staff", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "display_name", "first_name", "last_name")
    raw_id_fields = ("commune",)
    inlines = (SkillInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profil"),
            {"fields": ("display_name", "first_name", "last_name", "bio", "phone", "commune")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates importantes"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "visibility", "created_at")
    list_filter = ("visibility",)
    search_fields = ("name", "description", "user__email", "user__display_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be seen and revoked (set "revoked at"); keys are never stored, only hashes."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "prefix", "user__email", "user__display_name")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")
    list_select_related = ("user",)

    def has_add_permission(self, request) -> bool:
        return False
