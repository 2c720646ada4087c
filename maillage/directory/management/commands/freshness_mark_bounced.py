from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from maillage.directory.freshness import services


class Command(BaseCommand):
    help = (
        "Marque comme non distribués les rappels en attente envoyés à cette adresse : le "
        "prochain freshness_escalate les transmet à la coordination."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "email", help="L'adresse à laquelle le serveur de courrier n'a pas pu distribuer."
        )

    def handle(self, *args, email: str, **options) -> None:  # type: ignore[no-untyped-def]
        if "@" not in email:
            raise CommandError(f"Ce n'est pas une adresse e-mail : {email!r}")
        count = services.mark_bounced(email=email)
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(n)s rappel à %(email)s marqué non distribué.",
                    "%(n)s rappels à %(email)s marqués non distribués.",
                    count,
                )
                % {"n": count, "email": email}
            )
        )
