from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

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
        reminders_sent = len(report.day_before) + len(report.hour_before)
        summary = (
            ngettext(
                "%(n)s rappel serait envoyé (%(day)s la veille, %(hour)s une heure avant)",
                "%(n)s rappels seraient envoyés (%(day)s la veille, %(hour)s une heure avant)",
                reminders_sent,
            )
            if dry_run
            else ngettext(
                "%(n)s rappel envoyé (%(day)s la veille, %(hour)s une heure avant)",
                "%(n)s rappels envoyés (%(day)s la veille, %(hour)s une heure avant)",
                reminders_sent,
            )
        ) % {"n": reminders_sent, "day": len(report.day_before), "hour": len(report.hour_before)}
        expired = ngettext(
            "%(n)s inscription d'invité expirée.",
            "%(n)s inscriptions d'invités expirées.",
            report.expired_guests,
        ) % {"n": report.expired_guests}
        self.stdout.write(self.style.SUCCESS(f"{summary} ; {expired}"))
