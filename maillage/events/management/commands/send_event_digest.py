from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from maillage.events import reminders


class Command(BaseCommand):
    help = (
        "Envoie à chaque abonné·e le récapitulatif des animations de son réseau pour les 14 "
        "jours à venir, au plus une fois par semaine."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--dry-run", action="store_true", help="Dire qui le recevrait, sans rien envoyer."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:  # type: ignore[no-untyped-def]
        report = reminders.send_event_digest(dry_run=dry_run)
        for subscription in report.sent:
            self.stdout.write(f"{subscription.user.email}: {subscription.network.name}")
        sent = len(report.sent)
        summary = (
            ngettext(
                "%(n)s récapitulatif serait envoyé",
                "%(n)s récapitulatifs seraient envoyés",
                sent,
            )
            if dry_run
            else ngettext("%(n)s récapitulatif envoyé", "%(n)s récapitulatifs envoyés", sent)
        ) % {"n": sent}
        empty = ngettext(
            "%(n)s semaine sans animation.", "%(n)s semaines sans animation.", report.empty
        ) % {"n": report.empty}
        self.stdout.write(self.style.SUCCESS(f"{summary} ; {empty}"))
