from django.core.management.base import BaseCommand

from maillage.directory.freshness import services


class Command(BaseCommand):
    help = (
        "Transmet à la coordination des réseaux (un récapitulatif par personne) les rappels "
        "sans réponse depuis 14 jours, non distribués, ou de lieux sans gestionnaire."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--dry-run", action="store_true", help="Dire ce qui serait transmis, sans rien changer."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:  # type: ignore[no-untyped-def]
        report = services.escalate_ignored_reminders(dry_run=dry_run)
        for digest in report.digests:
            names = ", ".join(item.reminder.place.name for item in digest.items)
            self.stdout.write(f"{digest.recipient.email}: {len(digest.items)} ({names})")
        verb = "seraient transmis" if dry_run else "transmis"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.reminders)} rappel(s) {verb} en {len(report.digests)} "
                "récapitulatif(s)."
            )
        )
