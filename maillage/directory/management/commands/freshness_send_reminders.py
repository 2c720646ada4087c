from django.core.management.base import BaseCommand

from maillage.directory.freshness import services


class Command(BaseCommand):
    help = "Envoie à chaque gestionnaire de fiches à vérifier un récapitulatif avec un lien « toujours exact » signé par lieu."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--dry-run", action="store_true", help="Dire qui serait relancé, sans rien envoyer."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:  # type: ignore[no-untyped-def]
        report = services.send_freshness_reminders(dry_run=dry_run)
        for digest in report.digests:
            names = ", ".join(place.name for place in digest.places)
            self.stdout.write(f"{digest.recipient.email}: {len(digest.places)} ({names})")
        for place in report.without_manager:
            self.stdout.write(f"(sans gestionnaire, transmis à la coordination) {place.name}")
        verb = "seraient envoyés" if dry_run else "envoyés"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.stale)} lieu(x) à relancer ; {len(report.digests)} "
                f"récapitulatif(s) {verb} ; {len(report.without_manager)} sans gestionnaire."
            )
        )
