from typing import Any

from django.core.management.base import BaseCommand

from maillage.lib.progress import ProgressBar
from maillage.territory.services import load_communes


class Command(BaseCommand):
    help = "Charge (ou met à jour) le référentiel des communes françaises livré avec Maillage."

    def handle(self, *args: Any, **options: Any) -> None:
        communes, former = load_communes(progress=ProgressBar("Communes"))
        self.stdout.write(
            self.style.SUCCESS(f"{communes} communes et {former} anciens codes chargés.")
        )
