"""End of day: refuse unanswered requests past their deadline, record no-shows (charged if the
scheme says so). Run it from cron every evening."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from maillage.mobility import booking
from maillage.mobility.models import Booking


class Command(BaseCommand):
    help = "Enregistre les absences des visites confirmées sans arrivée jusqu'au jour donné."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="dernier jour traité, AAAA-MM-JJ (aujourd'hui par défaut)"
        )
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien enregistrer")

    def handle(self, *args: object, **options: object) -> None:
        try:
            day = (
                datetime.date.fromisoformat(str(options["date"]))
                if options["date"]
                else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError("Date illisible : écrivez-la AAAA-MM-JJ.") from exc
        if options["dry_run"]:
            due = Booking.objects.filter(
                Q(status=Booking.Status.CONFIRMED, day__lte=day)
                | Q(status=Booking.Status.PENDING, approval_due_at__lt=timezone.now())
            ).count()
            self.stdout.write(
                ngettext(
                    "%(n)s réservation à traiter (rien n'a été enregistré).",
                    "%(n)s réservations à traiter (rien n'a été enregistré).",
                    due,
                )
                % {"n": due}
            )
            return
        expired = booking.expire_pending()
        recorded = booking.record_no_shows(day=day)
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("%(n)s absence enregistrée", "%(n)s absences enregistrées", recorded)
                % {"n": recorded}
                + ", "
                + ngettext("%(n)s demande expirée.", "%(n)s demandes expirées.", expired)
                % {"n": expired}
            )
        )
