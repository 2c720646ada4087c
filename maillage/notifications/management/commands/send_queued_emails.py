"""Try again the e-mails a mail server refused (run every 10 minutes, see docs/operations.md)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from maillage.notifications.mail import retry_failed_emails


class Command(BaseCommand):
    help = "Renvoie les e-mails dont l'envoi a échoué (au plus trois tentatives en tout)."

    def handle(self, *args: object, **options: object) -> None:
        sent = retry_failed_emails()
        self.stdout.write(
            ngettext("%(n)s e-mail envoyé", "%(n)s e-mails envoyés", sent) % {"n": sent}
        )
