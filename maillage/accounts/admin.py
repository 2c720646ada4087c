from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maillage.accounts import personal_data
from maillage.accounts.models import ApiToken, DataExport, Skill, User


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
    actions = ("erase_accounts",)
    readonly_fields = ("anonymised_at",)

    # A person's acts (transfers, decisions, minutes) must outlive them: nobody deletes the row;
    # an erasure request anonymises it (accounts/personal_data.py), like the person's own.
    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False

    @admin.action(description=_("Traiter une demande d'effacement (anonymiser)"))
    def erase_accounts(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> TemplateResponse | None:
        people = list(queryset.filter(anonymised_at__isnull=True))
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/accounts/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Effacer les données personnelles ?"),
                    "people": people,
                    "queryset": queryset,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        for person in people:
            personal_data.erase_account(user=person)
        self.message_user(
            request,
            ngettext("%(n)d compte anonymisé.", "%(n)d comptes anonymisés.", len(people))
            % {"n": len(people)},
            messages.SUCCESS,
        )
        return None

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
        (_("Dates importantes"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
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


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "created_at", "expires_at")
    list_filter = ("status",)
    raw_id_fields = ("user",)
    # The archive itself is the person's: the admin sees that it exists, not what it holds.
    fields = (
        "user",
        "status",
        "sections_done",
        "sections_total",
        "created_at",
        "expires_at",
        "error",
    )
    readonly_fields = fields
