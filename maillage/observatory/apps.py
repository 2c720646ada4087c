from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "maillage.observatory"
    verbose_name = _("Observatoire")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app declares its own indicators (and scope kinds) in an `indicators` module that
        # registers into `observatory.registry`: the observatory never imports their models.
        autodiscover_modules("indicators")
