from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maillage.commons.campaigns import close_due_campaigns


class Command(BaseCommand):
    help = (
        "Clôt les campagnes de cofinancement dues (date limite passée, ou plafond atteint) : "
        "appelle leurs promesses, ou — objectif « tout ou rien » manqué — les annule et "
        "rembourse par le grand livre l'argent déjà reçu. À lancer chaque heure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien clore.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = close_due_campaigns(dry_run=options["dry_run"])
        verb = "à clore" if options["dry_run"] else "closes"
        self.stdout.write(f"Campagnes {verb} : {count}")
