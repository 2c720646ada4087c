from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from maillage.events import recurrence


class Command(BaseCommand):
    help = (
        "Prolonge les animations récurrentes : chaque série garde ses séances sur les 18 mois "
        "à venir. À lancer chaque nuit (cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = recurrence.sync_all_series()
        message = ngettext("%(n)s série synchronisée.", "%(n)s séries synchronisées.", count) % {
            "n": count
        }
        self.stdout.write(self.style.SUCCESS(message))
