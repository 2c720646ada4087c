"""Writes of the observatory: the monthly snapshots (time series) of every indicator.

`take_snapshots` records, for each scope, the figures of every indicator at the end of a month.
For the months before (back-fill), only the indicators that can look back (`history=True`:
their figures come from dated records — adhesions, bookings, registrations…) are recorded,
marked `backfilled`; a snapshot taken at its month's end is never overwritten by a back-fill.
"""

import dataclasses
import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from maillage.places.models import Place

from .models import Snapshot
from .registry import Period, Scope, indicators, scope_kinds


@dataclasses.dataclass
class SnapshotReport:
    scopes: int = 0
    written: int = 0
    kept: int = 0


def default_scopes(*, with_epci: bool = False) -> list[Scope]:
    """Every network and circle; the départements and régions (and, if asked, the EPCIs)
    holding at least one published place."""
    kinds = scope_kinds()
    found: list[Scope] = []
    for kind in ("network", "circle"):
        if kind in kinds and kinds[kind].candidates:
            found.extend(kinds[kind].candidates())  # type: ignore[misc]
    fields = {"department": "commune__department_code", "region": "commune__region_code"}
    if with_epci:
        fields["epci"] = "commune__epci_code"
    for kind, field in fields.items():
        codes = (
            Place.objects.published()
            .exclude(**{f"{field}__isnull": True})
            .values_list(field, flat=True)
            .distinct()
        )
        for code in sorted(c for c in codes if c):
            scope = kinds[kind].resolve(code)
            if scope is not None:
                found.append(scope)
    return found


def last_complete_month(today: datetime.date | None = None) -> Period:
    return Period.month_of(today or timezone.localdate()).previous()


def take_snapshots(
    *,
    month: Period,
    scopes: Iterable[Scope],
    backfill_months: int = 0,
) -> SnapshotReport:
    """Record `month` for every indicator of every scope, and back-fill `backfill_months`
    months before it with the indicators that can look back."""
    report = SnapshotReport()
    for scope in scopes:
        report.scopes += 1
        periods = [(month, False)]
        previous = month
        for _step in range(backfill_months):
            previous = previous.previous()
            periods.append((previous, True))
        for indicator in indicators(scope_kind=scope.kind):
            for period, backfill in periods:
                if backfill and not indicator.history:
                    continue
                rows = indicator.rows(scope, period)
                with transaction.atomic():
                    existing = Snapshot.objects.filter(
                        scope_kind=scope.kind,
                        scope_key=scope.key,
                        indicator=indicator.key,
                        month=period.start,
                    ).first()
                    if existing is not None and backfill and not existing.backfilled:
                        report.kept += 1
                        continue
                    Snapshot.objects.update_or_create(
                        scope_kind=scope.kind,
                        scope_key=scope.key,
                        indicator=indicator.key,
                        month=period.start,
                        defaults={
                            "rows": [[label, value] for label, value in rows],
                            "total": sum(value for _label, value in rows),
                            "backfilled": backfill,
                        },
                    )
                    report.written += 1
    return report
