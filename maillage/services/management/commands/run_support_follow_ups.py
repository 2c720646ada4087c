from typing import Any

from django.core.management.base import BaseCommand

from maillage.services.programmes import refresh_holders
from maillage.services.requests import run_follow_ups


class Command(BaseCommand):
    help = (
        "Suivi des demandes d'aide (à lancer chaque jour) : rappel à l'aidant·e silencieux·se "
        "après 7 jours (jamais plus d'un par semaine), alerte à l'équipe du réseau à 10 jours, "
        "« sans suite » à 30 jours ; questionnaires de satisfaction à 30 et 90 jours ; porteurs "
        "de projets dont le lieu a ouvert."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = run_follow_ups()
        opened = refresh_holders()
        self.stdout.write(
            f"{counts.reminded} rappels, {counts.escalated} alertes, {counts.lapsed} sans suite, "
            f"{counts.satisfactions} questionnaires, {opened} lieux ouverts."
        )
