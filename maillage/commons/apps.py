from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "maillage.commons"
    verbose_name = _("Communs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.commons import data_sections

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
