from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import ngettext

from maillage.demo.everything import load_everything
from maillage.demo.selectors import demo_counts
from maillage.demo.services import CENSUS_FILE, DEMO_PASSWORD, DemoError
from maillage.lib.progress import ProgressBar
from maillage.territory.models import Commune
from maillage.territory.services import load_communes

LABELS = {
    "networks": "réseaux",
    "places": "lieux",
    "spaces": "espaces",
    "equipment": "équipements",
    "people": "personnes",
    "memberships": "adhésions",
    "membership_events": "étapes d'adhésion",
    "skills": "compétences",
    "photos": "photos",
    "schemes": "formules de mobilité",
    "passes": "pass mobilité",
    "bookings": "réservations",
}


class Command(BaseCommand):
    help = (
        "Construit une installation de démonstration à partir du recensement des tiers-lieux "
        "CGET 2019 : un réseau national, La Compagnie des Tiers-Lieux (Hauts-de-France) et ses "
        "cercles locaux, des personnes, des espaces et des équipements inventés. Seuls les lieux "
        "des Hauts-de-France (environ 75) sont chargés, pour que la démo se construise en quelques "
        "secondes. Sans effet si la démo existe déjà (sauf --reset)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprimer les objets de la démo existante et la reconstruire.",
        )
        parser.add_argument(
            "--census",
            type=Path,
            default=CENSUS_FILE,
            help="Fichier du recensement à lire (par défaut celui livré avec Maillage).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Tout construire puis tout annuler : rien n'est enregistré.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Commune.objects.exists():
            self.stdout.write("Référentiel des communes vide : chargement…")
            load_communes(progress=ProgressBar("Communes", stream=self.stderr))
        try:
            with transaction.atomic():
                summary = load_everything(
                    reset=options["reset"],
                    census_path=options["census"],
                    progress=ProgressBar("Lieux", stream=self.stderr),
                )
                if summary.created:
                    summary.counts = demo_counts()
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except DemoError as error:
            raise CommandError(str(error)) from error

        if not summary.created:
            self.stdout.write(
                "La démo est déjà chargée : rien n'a changé (utilisez --reset pour la reconstruire)."
            )
            self.stdout.write(
                f"Comptes : admin@demo.maillage.fr, coordination@demo.maillage.fr… "
                f"mot de passe « {DEMO_PASSWORD} »."
            )
        for key, count in summary.counts.items():
            self.stdout.write(f"  {LABELS.get(key, key)} : {count}")
        if summary.skipped_rows:
            self.stdout.write(
                ngettext(
                    "%(n)s ligne du recensement ignorée, commune introuvable : %(rows)s",
                    "%(n)s lignes du recensement ignorées, commune introuvable : %(rows)s",
                    len(summary.skipped_rows),
                )
                % {"n": len(summary.skipped_rows), "rows": ", ".join(summary.skipped_rows)}
            )
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("Essai à blanc : rien n'a été enregistré."))
            return
        if summary.logins:
            self.print_logins(summary)

    def print_logins(self, summary: Any) -> None:
        rows = [("Rôle", "E-mail", "Mot de passe", "À essayer")]
        rows += [
            (login.role, login.email, DEMO_PASSWORD, login.what_to_try) for login in summary.logins
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
        for index, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[3]]))
            if index == 0:
                self.stdout.write("  ".join("─" * width for width in [*widths, len(row[3])]))
