from typing import Any

from django.core.management.base import BaseCommand

from maillage.lib.progress import ProgressBar
from maillage.territory.models import Commune
from maillage.territory.services import load_communes


class Command(BaseCommand):
    help = "Charge (ou met à jour) le référentiel des communes françaises livré avec Maillage."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si les communes sont déjà chargées (démarrage rapide).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Commune.objects.exists():
            self.stdout.write("Communes déjà chargées.")
            return
        communes, former = load_communes(progress=ProgressBar("Communes"))
        self.stdout.write(
            self.style.SUCCESS(f"{communes} communes et {former} anciens codes chargés.")
        )
