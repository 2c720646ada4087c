from django.core.management.base import BaseCommand

from maillage.events import reminders


class Command(BaseCommand):
    help = (
        "Envoie les rappels des séances (la veille ; une heure avant pour les animations en "
        "ligne), une seule fois chacun, et fait expirer les inscriptions d'invités non "
        "confirmées. À lancer toutes les 10 minutes."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--dry-run", action="store_true", help="Dire qui serait relancé, sans rien envoyer."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:  # type: ignore[no-untyped-def]
        report = reminders.send_event_reminders(dry_run=dry_run)
        for label, rows in (("veille", report.day_before), ("une heure", report.hour_before)):
            for registration in rows:
                self.stdout.write(f"{label}: {registration}")
        verb = "seraient envoyés" if dry_run else "envoyés"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.day_before)} rappel(s) de la veille et {len(report.hour_before)} "
                f"rappel(s) une heure avant {verb} ; {report.expired_guests} inscription(s) "
                "d'invité expirée(s)."
            )
        )
