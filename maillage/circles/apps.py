from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "maillage.circles"
    verbose_name = _("Cercles territoriaux")

    def ready(self) -> None:
        from maillage.circles.budget_services import circle_ledger_issues
        from maillage.circles.models import (
            Circle,
            CircleAccountKind,
            CircleReason,
            Decision,
            Envelope,
            Expense,
        )
        from maillage.ledger import registry

        # Envelopes and expenses cause transfers, decisions allow them, circles own accounts;
        # `ledger_check` also proves each circle's budget agrees with its account.
        registry.register(
            reasons=CircleReason,
            account_kinds=CircleAccountKind,
            citable=(Circle, Envelope, Decision, Expense),
            checks=(circle_ledger_issues,),
        )

        from maillage.circles import data_sections

        # What this app holds about a person: their download, their account's deletion.
        data_sections.register_sections()
