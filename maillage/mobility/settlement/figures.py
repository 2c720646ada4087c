"""What a settlement shows: statement lines, a place's statement and totals, the flows."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from maillage.mobility.models import (
    Booking,
    ClosedMonth,
)
from maillage.networks.models import Network

HOSTED = "hosted"


MADE = "made"


COUNTED_STATUSES = [Booking.Status.CHECKED_IN, Booking.Status.NO_SHOW]


@dataclass(frozen=True, slots=True)
class Line:
    day: datetime.date
    direction: str  # HOSTED (the place received a visitor) or MADE (one of its members visited)
    visitor: str
    home_place: str
    host_place: str
    status: str
    amount_cents: int  # received (> 0) or paid (< 0) by this place for the visit
    late: bool = False  # an event of an earlier, closed month booked to this one


@dataclass
class PlaceStatement:
    place_name: str
    month: datetime.date
    lines: list[Line] = field(default_factory=list)
    closed: ClosedMonth | None = None

    @property
    def received_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines if line.amount_cents > 0)

    @property
    def paid_cents(self) -> int:
        return -sum(line.amount_cents for line in self.lines if line.amount_cents < 0)

    @property
    def net_cents(self) -> int:
        return self.received_cents - self.paid_cents

    @property
    def hosted(self) -> list[Line]:
        return [line for line in self.lines if line.direction == HOSTED]

    @property
    def made(self) -> list[Line]:
        return [line for line in self.lines if line.direction == MADE]


@dataclass(frozen=True, slots=True)
class PlaceTotals:
    """A place's statement for the whole-network settlement: totals only, no detailed lines
    (those come from `place_statement`)."""

    place_name: str
    hosted_visits: int
    made_visits: int
    received_cents: int
    paid_cents: int

    @property
    def net_cents(self) -> int:
        return self.received_cents - self.paid_cents

    @property
    def lines(self) -> tuple:
        """No detailed lines here: see `place_statement`."""
        return ()


class Flow(NamedTuple):
    """Visits of members of `from_place` to `to_place`, and what the host received for them (a
    named tuple: a month may have a million of them)."""

    from_place: str
    to_place: str
    visits: int
    amount_cents: int


@dataclass
class Settlement:
    network: Network
    month: datetime.date
    statements: dict[int, PlaceTotals]  # by place id
    flows: list[Flow]
    closed: ClosedMonth | None = None

    @property
    def visits(self) -> int:
        return sum(flow.visits for flow in self.flows)

    @property
    def amount_cents(self) -> int:
        return sum(flow.amount_cents for flow in self.flows)
