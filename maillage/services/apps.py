from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "maillage.services"
    verbose_name = _("Services et accompagnement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.services import receivers  # noqa: F401  (keeps similar places fresh)
