"""The demo's observatory: twelve months of series for the demo networks and circles, rebuilt
from their history (adhesions, visits, sessions, orientations), so the charts have lines."""

from maillage.demo.selectors import demo_networks
from maillage.observatory.registry import resolve_scope
from maillage.observatory.services import last_complete_month, take_snapshots

BACKFILL_MONTHS = 11


def _scopes() -> list:
    found = []
    for slug in demo_networks().values_list("slug", flat=True):
        scope = resolve_scope("network", slug)
        if scope is not None:
            found.append(scope)
    return found


def load_demo_observatory() -> int:
    """Record last month and back-fill the eleven before it; return the snapshots written."""
    report = take_snapshots(
        month=last_complete_month(), scopes=_scopes(), backfill_months=BACKFILL_MONTHS
    )
    return report.written


def delete_demo_observatory() -> None:
    from maillage.observatory.models import Snapshot

    slugs = list(demo_networks().values_list("slug", flat=True))
    Snapshot.objects.filter(scope_kind="network", scope_key__in=slugs).delete()
