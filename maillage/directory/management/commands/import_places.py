"""Import a directory file: dry run by default (per-row report), `--apply` to write."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from maillage.directory.transfer import services
from maillage.directory.transfer.rows import TransferError
from maillage.directory.transfer.selectors import profile_by_name
from maillage.lib.progress import ProgressBar
from maillage.networks.models import Network
from maillage.places.models import ImportRun


class Command(BaseCommand):
    help = (
        "Importe un fichier de lieux (CSV, GeoJSON, GoGoCarto, médiation numérique) : essai à "
        "blanc par défaut, --apply pour écrire."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=ImportRun.Format.values, default="")
        parser.add_argument("--network", help="slug du réseau dont les lieux deviennent adhérents")
        parser.add_argument(
            "--profile", help="nom du profil de colonnes du réseau (avec --network)", default=""
        )
        parser.add_argument("--producer", default="", help="producteur des données")
        parser.add_argument("--licence", default="", help="licence des données (ex. CC BY 4.0)")
        parser.add_argument("--apply", action="store_true", help="écrire (sinon essai à blanc)")
        parser.add_argument("--show", type=int, default=20, help="lignes refusées à afficher")

    def handle(
        self,
        *args,
        file: Path,
        format: str,
        network: str | None,
        apply: bool,
        show: int,
        profile: str = "",
        producer: str = "",
        licence: str = "",
        **options,
    ):
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        target = None
        if network:
            target = Network.objects.filter(slug=network).first()
            if target is None:
                raise CommandError(f"Réseau inconnu : {network}")
        chosen = None
        if profile:
            if target is None:
                raise CommandError(
                    "--profile demande --network : un profil appartient à un réseau."
                )
            chosen = profile_by_name(network=target, name=profile)
            if chosen is None:
                names = ", ".join(target.import_profiles.values_list("name", flat=True)) or "aucun"
                raise CommandError(
                    f"Profil inconnu pour le réseau {target.slug} : {profile} (profils : {names})."
                )
        with file.open("rb") as handle:
            upload = File(handle, name=file.name)
            try:
                run = services.start_import(
                    by=None,
                    upload=upload,
                    network=target,
                    format=format,
                    producer=producer,
                    licence=licence,
                    profile=chosen,
                )
            except TransferError as exc:
                raise CommandError(str(exc.message)) from exc
        run = services.dry_run(run=run, progress=ProgressBar("Essai à blanc", stream=self.stderr))
        if run.status == ImportRun.Status.NEEDS_MAPPING:
            raise CommandError(
                f"{run.error} Associez les colonnes sur la page d'import (import n° {run.pk}) "
                "et enregistrez-les comme profil du réseau, puis relancez avec --profile."
            )
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(run.error)
        for notice in run.summary.get("notices", []):
            self.stdout.write(f"· {notice}")
        self._summary(run, show)
        if apply:
            try:
                run = services.apply_run(
                    run=run, by=None, progress=ProgressBar("Application", stream=self.stderr)
                )
            except Exception as exc:
                raise CommandError(f"Rien n'a été modifié : {exc}") from exc
            self.stdout.write(self.style.SUCCESS(f"Appliqué (import n° {run.pk})."))
            self._summary(run, 0)
        else:
            self.stdout.write(
                f"Essai à blanc seulement (import n° {run.pk}) : --apply pour écrire."
            )

    def _summary(self, run: ImportRun, show: int) -> None:
        summary = run.summary
        self.stdout.write(
            " · ".join(
                f"{summary.get(key, 0)} {services.Outcome.label(key)}"
                for key in services.Outcome.ALL
            )
            + f" · {summary.get('repaired', 0)} corrigée(s)"
        )
        shown = 0
        for row in run.report:
            if shown >= show:
                break
            if row["outcome"] in (services.Outcome.REJECTED, services.Outcome.DUPLICATE):
                shown += 1
                self.stdout.write(
                    f"  ligne {row['row']} ({row['name']}) : {' '.join(row['messages'])}"
                )
