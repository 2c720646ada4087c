from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "maillage.opportunities"
    verbose_name = _("Opportunités")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.opportunities import data_sections

        data_sections.register_sections()
