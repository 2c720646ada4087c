from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "maillage.governance"
    verbose_name = _("Gouvernance et économie du réseau")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.governance import receivers
        from maillage.governance.checks import fee_ledger_issues
        from maillage.governance.models import FeePayment, FeeReason
        from maillage.ledger import registry

        registry.register(reasons=FeeReason, citable=(FeePayment,), checks=(fee_ledger_issues,))
        receivers.connect()
