from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from maillage.events.ical_import import import_all_feeds
from maillage.lib.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Importe les calendriers iCal publics des lieux (une transaction par calendrier ; "
        "les erreurs sont enregistrées sur le calendrier). À lancer chaque heure (cron)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Lire et vérifier les calendriers sans rien enregistrer.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = ProgressBar("Calendriers", stream=self.stderr) if options["verbosity"] else None
        results = import_all_feeds(progress=progress, dry_run=options["dry_run"])
        failed = [result for result in results if result.status == "error"]
        self.stdout.write(
            ngettext(
                "%(n)s calendrier lu, %(failed)s en erreur.",
                "%(n)s calendriers lus, %(failed)s en erreur.",
                len(results),
            )
            % {"n": len(results), "failed": len(failed)}
        )
        for result in failed:
            self.stdout.write(f"  {result.source.place} — {result.source.url} : {result.error}")
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("Essai à blanc : rien n'a été enregistré."))
