from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "maillage.communication"
    verbose_name = _("Animation et communication")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.communication.models import CostCharge, Rota, RotaAccountKind, RotaReason
        from maillage.ledger.registry import register

        # The shared cost of a facilitator's post: each place's share is a place → post transfer.
        register(reasons=RotaReason, account_kinds=RotaAccountKind, citable=(CostCharge, Rota))

        from maillage.communication import data_sections

        data_sections.register_sections()
