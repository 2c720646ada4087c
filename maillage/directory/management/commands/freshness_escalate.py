from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

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
        count = len(report.reminders)
        reminders = (
            ngettext("%(n)s rappel serait transmis", "%(n)s rappels seraient transmis", count)
            if dry_run
            else ngettext("%(n)s rappel transmis", "%(n)s rappels transmis", count)
        ) % {"n": count}
        digests = ngettext(
            "en %(n)s récapitulatif.", "en %(n)s récapitulatifs.", len(report.digests)
        ) % {"n": len(report.digests)}
        self.stdout.write(self.style.SUCCESS(f"{reminders} {digests}"))
