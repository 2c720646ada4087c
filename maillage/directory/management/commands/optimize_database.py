"""Refresh the database's statistics, so its planner picks the right index.

Without statistics, SQLite reads a query like the people search ("skills matching these words,
public ones only") through the visibility index (every public skill) instead of the few ids the
full-text index gives. PostgreSQL's autovacuum keeps statistics itself; SQLite needs
`PRAGMA optimize` now and then (weekly from cron, and after a large import).
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Met à jour les statistiques de la base (SQLite : PRAGMA optimize ; PostgreSQL : ANALYZE)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="Tout analyser (ANALYZE), pas seulement le nécessaire.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite" and not options["full"]:
                # 0x10002: analyse every table that needs it, even never-analysed ones.
                cursor.execute("PRAGMA optimize=0x10002")
            else:
                cursor.execute("ANALYZE")
        self.stdout.write("Statistiques de la base à jour.")
