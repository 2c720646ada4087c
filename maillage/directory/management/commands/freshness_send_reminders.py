from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        stale = ngettext("%(n)s lieu à relancer", "%(n)s lieux à relancer", len(report.stale)) % {
            "n": len(report.stale)
        }
        sent = len(report.digests)
        digests = (
            ngettext(
                "%(n)s récapitulatif serait envoyé", "%(n)s récapitulatifs seraient envoyés", sent
            )
            if dry_run
            else ngettext("%(n)s récapitulatif envoyé", "%(n)s récapitulatifs envoyés", sent)
        ) % {"n": sent}
        orphans = _("%(n)s sans gestionnaire.") % {"n": len(report.without_manager)}
        self.stdout.write(self.style.SUCCESS(f"{stale} ; {digests} ; {orphans}"))
