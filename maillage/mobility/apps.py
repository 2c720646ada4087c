from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "maillage.mobility"
    verbose_name = _("Mobilité")

    def ready(self) -> None:
        from maillage.ledger import registry
        from maillage.mobility.models import Booking, MobilityReason, Pass

        # A booking's payments and a pass's fees cite them.
        registry.register(reasons=MobilityReason, citable=(Booking, Pass))

        from maillage.mobility import data_sections

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
