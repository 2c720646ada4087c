from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "maillage.services"
    verbose_name = _("Services et accompagnement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.places.audiences import register_opening_years
        from maillage.services import receivers  # noqa: F401  (keeps similar places fresh)
        from maillage.services.programmes import opening_years

        register_opening_years(opening_years)
