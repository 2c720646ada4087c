"""Rebuild the full-text search index of the directory (after a bulk load or a restore)."""

from typing import Any

from django.core.management.base import BaseCommand

from maillage.directory.search.services import rebuild_search_index
from maillage.lib.progress import ProgressBar


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche plein texte des lieux."

    def handle(self, *args: Any, **options: Any) -> None:
        progress = (
            ProgressBar("Index de recherche", stream=self.stderr) if options["verbosity"] else None
        )
        count = rebuild_search_index(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{count} lieux indexés."))
