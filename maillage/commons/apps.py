from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "maillage.commons"
    verbose_name = _("Communs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from maillage.commons import data_sections
        from maillage.commons.campaigns import campaign_ledger_issues
        from maillage.commons.models import (
            Campaign,
            CampaignAccountKind,
            CampaignReason,
            Payout,
            Receipt,
            SeedBudget,
        )
        from maillage.ledger import registry
        from maillage.networks.models import Network

        # Receipts and payouts cause transfers, campaigns (and contributing networks) own
        # accounts; `ledger_check` also proves each campaign's figures agree with its account.
        registry.register(
            reasons=CampaignReason,
            account_kinds=CampaignAccountKind,
            citable=(Campaign, Receipt, Payout, SeedBudget, Network),
            checks=(campaign_ledger_issues,),
        )

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
