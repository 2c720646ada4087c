"""Monthly settlement of a network: statements of every place, the flows matrix, closing a month.

A money event (visit payment, charged no-show, reversal) belongs to the month of its visit day,
unless that month was already closed when the event was posted: then it is booked to the next
month still open at that time (`months.booked_month`). A closed month's statements are read from
the snapshot taken when it was closed, so they never change (`closing`).

The network-wide settlement (`settle_month`) only computes totals, with one grouped query on ids
(`totals`). The detailed lines of a statement are only built for one place (`place_statement`,
from `lines`), or once, streamed and stored compactly, when a month is closed.
"""

from maillage.mobility.settlement.closing import (
    MonthAlreadyClosed,
    MonthNotOver,
    SettlementError,
    close_month,
    closed_month,
    place_statement,
    settle_month,
)
from maillage.mobility.settlement.figures import (
    HOSTED,
    MADE,
    Flow,
    Line,
    PlaceStatement,
    PlaceTotals,
    Settlement,
)
from maillage.mobility.settlement.lines import compute_lines
from maillage.mobility.settlement.months import booked_month, first_of, next_month, previous_month
from maillage.mobility.settlement.totals import compute_month

__all__ = [
    "HOSTED",
    "MADE",
    "Flow",
    "Line",
    "MonthAlreadyClosed",
    "MonthNotOver",
    "PlaceStatement",
    "PlaceTotals",
    "Settlement",
    "SettlementError",
    "booked_month",
    "close_month",
    "closed_month",
    "compute_lines",
    "compute_month",
    "first_of",
    "next_month",
    "place_statement",
    "previous_month",
    "settle_month",
]
