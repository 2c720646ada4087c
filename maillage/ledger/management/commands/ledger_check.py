"""Recompute every balance from the transfers, compare with the cached ones; exit 1 on mismatch."""

import sys

from django.core.management.base import BaseCommand

from maillage.ledger.selectors import check_ledger
from maillage.lib.money import format_cents


class Command(BaseCommand):
    help = "Vérifie le grand livre : soldes recalculés = soldes en cache, somme des soldes = 0."

    def handle(self, *args: object, **options: object) -> None:
        report = check_ledger()
        self.stdout.write(f"{report.accounts} comptes, {report.transfers} virements")
        for pk, cached, derived in report.mismatches:
            self.stderr.write(
                f"compte {pk} : solde en cache {format_cents(cached)}, "
                f"recalculé {format_cents(derived)}"
            )
        if report.total_cents != 0:
            self.stderr.write(f"la somme des soldes vaut {format_cents(report.total_cents)}, pas 0")
        for issue in report.client_issues:
            self.stderr.write(issue)
        if not report.ok:
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("Grand livre équilibré."))
