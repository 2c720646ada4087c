from typing import Any

from django.core.management.base import BaseCommand

from maillage.opportunities.alerts import run_alerts


class Command(BaseCommand):
    help = (
        "Alertes sur les appels : notifications des nouveautés, récapitulatifs quotidiens et "
        "hebdomadaires par courriel, rappels J-14 et J-3 des appels suivis."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = run_alerts()
        self.stdout.write(
            f"{done['alerts']} alertes, {done['digests']} récapitulatifs, "
            f"{done['reminders']} rappels."
        )
