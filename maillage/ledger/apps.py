from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "maillage.ledger"
    verbose_name = _("Grand livre")

    def ready(self) -> None:
        from maillage.ledger import guards

        guards.connect()

        from maillage.ledger import data_sections

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
