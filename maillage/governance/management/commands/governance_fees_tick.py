from typing import Any

from django.core.management.base import BaseCommand

from maillage.governance.fees import fees_tick


class Command(BaseCommand):
    help = (
        "Cotisations : rappel 30 jours avant le renouvellement, rappel 15 jours après "
        "l'échéance, et suspension (par le circuit des adhésions) des appels impayés après le "
        "délai de grâce. À lancer chaque jour ; chaque rappel et chaque suspension n'a lieu "
        "qu'une fois."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = fees_tick()
        self.stdout.write(
            f"Rappels avant renouvellement : {report.reminded_before} ; rappels après "
            f"échéance : {report.reminded_after} ; adhésions suspendues : {report.lapsed}"
            + (
                f" (dont {report.not_suspended} sans coordination pour le faire)"
                if report.not_suspended
                else ""
            )
        )
