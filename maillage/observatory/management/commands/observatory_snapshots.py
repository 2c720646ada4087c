"""Record the observatory's monthly snapshots (run once a month, e.g. on the 1st at 03:00).

manage.py observatory_snapshots                 # last month, every network/circle/area
manage.py observatory_snapshots --backfill 24   # and the 24 months before, from history
manage.py observatory_snapshots --month 2026-10 --reseau mon-reseau
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from maillage.observatory.registry import Period, resolve_scope
from maillage.observatory.services import default_scopes, last_complete_month, take_snapshots


class Command(BaseCommand):
    help = "Enregistre les relevés mensuels des indicateurs de l'observatoire."

    def add_arguments(self, parser):
        parser.add_argument(
            "--month", help="Mois à relever (AAAA-MM) ; par défaut le mois dernier."
        )
        parser.add_argument(
            "--backfill", type=int, default=0, help="Reconstituer aussi N mois précédents."
        )
        parser.add_argument("--reseau", help="Un seul réseau (son identifiant d'adresse).")
        parser.add_argument("--epci", action="store_true", help="Inclure les EPCI.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Calculer sans rien enregistrer."
        )

    def handle(self, *args, **options):
        if options["month"]:
            try:
                year, month_number = (int(part) for part in options["month"].split("-"))
                day = datetime.date(year, month_number, 1)
            except ValueError:
                raise CommandError("Le mois s'écrit AAAA-MM, par exemple 2026-11.") from None
            month = Period.month_of(day)
        else:
            month = last_complete_month()
        if not 0 <= options["backfill"] <= 120:
            raise CommandError("--backfill : entre 0 et 120 mois.")
        if options["reseau"]:
            scope = resolve_scope("network", options["reseau"])
            if scope is None:
                raise CommandError(f"Réseau inconnu : {options['reseau']}")
            scopes = [scope]
        else:
            scopes = default_scopes(with_epci=options["epci"])
        with transaction.atomic():
            report = take_snapshots(month=month, scopes=scopes, backfill_months=options["backfill"])
            if options["dry_run"]:
                transaction.set_rollback(True)
        self.stdout.write(
            f"{report.scopes} périmètres, {report.written} relevés écrits, "
            f"{report.kept} relevés du mois gardés ({month.start:%Y-%m})."
            + (" Essai : rien n'est enregistré." if options["dry_run"] else "")
        )
