from typing import Any

from django.core.management.base import BaseCommand

from maillage.opportunities.imports import poll_feeds


class Command(BaseCommand):
    help = "Relève les flux d'appels (RSS/Atom, catalogues d'aides, BOAMP) et ajoute les nouveaux."

    def handle(self, *args: Any, **options: Any) -> None:
        done = poll_feeds()
        self.stdout.write(
            f"{done['feeds']} flux relevés, {done['failed']} en échec, "
            f"{done['created']} appels ajoutés."
        )
