from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "maillage.circles"
    verbose_name = _("Cercles territoriaux")
