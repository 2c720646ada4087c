"""Monthly: post each active pass's fee for the month (once per pass and month, keyed)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from maillage.lib.progress import ProgressBar
from maillage.mobility import services
from maillage.mobility.models import Pass


class Command(BaseCommand):
    help = "Prélève la cotisation du mois de chaque pass actif (sans double prélèvement)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="mois AAAA-MM (le mois en cours par défaut)")
        parser.add_argument("--dry-run", action="store_true", help="compter sans rien enregistrer")

    def handle(self, *args: object, **options: object) -> None:
        try:
            month = (
                datetime.date.fromisoformat(f"{options['month']}-01")
                if options["month"]
                else timezone.localdate().replace(day=1)
            )
        except ValueError as exc:
            raise CommandError("Mois illisible : écrivez-le AAAA-MM.") from exc
        passes = Pass.objects.filter(
            status=Pass.Status.ACTIVE,
            starts_on__lt=(month + datetime.timedelta(days=32)).replace(day=1),
        ).select_related("scheme", "scheme__network", "holder", "home_place")
        if options["dry_run"]:
            active = passes.count()
            self.stdout.write(
                ngettext(
                    "%(n)s pass actif (rien n'a été enregistré).",
                    "%(n)s pass actifs (rien n'a été enregistré).",
                    active,
                )
                % {"n": active}
            )
            return
        charged = 0
        items = list(passes)
        progress = ProgressBar("Cotisations", stream=self.stderr)
        for done, pass_ in enumerate(items, start=1):
            # Keyed by pass and month: a second run (or the subscription's own fee) is a replay.
            if services.charge_pass_fee(pass_=pass_, month=month) is not None:
                charged += 1
            progress(done, len(items))
        message = ngettext(
            "%(n)s cotisation à jour pour %(month)s.",
            "%(n)s cotisations à jour pour %(month)s.",
            charged,
        ) % {"n": charged, "month": f"{month:%m/%Y}"}
        self.stdout.write(self.style.SUCCESS(message))
