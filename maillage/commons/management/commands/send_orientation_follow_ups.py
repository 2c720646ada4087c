from typing import Any

from django.core.management.base import BaseCommand

from maillage.commons.orientation import send_due_follow_ups


class Command(BaseCommand):
    help = (
        "Envoie les bilans d'orientation arrivés à échéance (30 et 90 jours) et rappelle aux "
        "aiguilleur·ses ceux restés sans réponse une semaine. À lancer chaque jour ; sans effet "
        "si rien n'est dû."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent, reminders = send_due_follow_ups()
        self.stdout.write(f"Bilans envoyés : {sent} ; rappels aux aiguilleur·ses : {reminders}")
