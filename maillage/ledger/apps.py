from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "maillage.ledger"
    verbose_name = _("Grand livre")

    def ready(self) -> None:
        from maillage.ledger import guards

        guards.connect()
