from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from maillage.directory.freshness import services


class Command(BaseCommand):
    help = "Recalcule le score de fraîcheur de chaque lieu (il baisse avec l'âge : à lancer chaque jour)."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        count = services.recompute_all_freshness()
        message = ngettext("%(n)s score modifié.", "%(n)s scores modifiés.", count) % {"n": count}
        self.stdout.write(self.style.SUCCESS(message))
