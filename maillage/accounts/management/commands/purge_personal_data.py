"""Apply the retention periods of docs/rgpd.md (run nightly, or enqueue the task of the same name)."""

from django.core.management.base import BaseCommand

from maillage.accounts import personal_data


class Command(BaseCommand):
    help = (
        "Efface ce que les durées de conservation disent trop ancien : comptes jamais confirmés, "
        "archives expirées, jetons révoqués, vieilles notifications."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = personal_data.purge()
        for name, count in report.items():
            self.stdout.write(f"{name} : {count}")
