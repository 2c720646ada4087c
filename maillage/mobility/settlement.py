"""Monthly settlement of a network: statements of every place, the flows matrix, closing a month.

A money event (visit payment, charged no-show, reversal) belongs to the month of its visit day,
unless that month was already closed when the event was posted: then it is booked to the next
month still open at that time. A closed month's statements are read from the snapshot taken when
it was closed, so they never change. Everything is computed for a whole network in three queries
(`settle_month`), whatever the number of places.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.mobility.models import Booking, ClosedMonth, Transfer
from maillage.networks.models import Network
from maillage.places.models import Place

HOSTED = "hosted"
MADE = "made"
COUNTED_STATUSES = [Booking.Status.CHECKED_IN, Booking.Status.NO_SHOW]


class SettlementError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MonthAlreadyClosed(SettlementError):
    pass


class MonthNotOver(SettlementError):
    pass


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def booked_month(
    *,
    day: datetime.date,
    posted_at: datetime.datetime,
    closings: dict[datetime.date, datetime.datetime],
) -> datetime.date:
    """The month an event of the visit `day`, posted at `posted_at`, is booked to: the visit's
    month, or the first month after it that was still open when the event was posted."""
    month = first_of(day)
    while month in closings and closings[month] <= posted_at:
        month = next_month(month)
    return month


# --- statements -------------------------------------------------------------------------------


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

    def to_json(self) -> list:
        return [
            self.day.isoformat(),
            self.direction,
            self.visitor,
            self.home_place,
            self.host_place,
            self.status,
            self.amount_cents,
            self.late,
        ]

    @classmethod
    def from_json(cls, row: list) -> "Line":
        day, *rest = row
        return cls(datetime.date.fromisoformat(day), *rest)


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


@dataclass(frozen=True)
class Flow:
    from_place: str
    to_place: str
    visits: int
    amount_cents: int


@dataclass
class Settlement:
    network: Network
    month: datetime.date
    statements: dict[int, PlaceStatement]  # by place id
    flows: list[Flow]
    closed: ClosedMonth | None = None

    @property
    def visits(self) -> int:
        return sum(flow.visits for flow in self.flows)

    @property
    def amount_cents(self) -> int:
        return sum(flow.amount_cents for flow in self.flows)


def _closings(network: Network) -> dict[datetime.date, datetime.datetime]:
    return dict(ClosedMonth.objects.filter(network=network).values_list("month", "closed_at"))


def compute_month(
    *, network: Network, month: datetime.date, place: Place | None = None
) -> Settlement:
    """Every place's statement (or only `place`'s) and the flows of a month, from the bookings
    and the ledger as they are now (ignoring any snapshot): four queries for the whole network."""
    start = first_of(month)
    end = next_month(start)
    closings = _closings(network)
    status_labels = dict(Booking.Status.choices)
    booking_fields = (
        "pk",
        "day",
        "status",
        "member_pass__holder__display_name",
        "member_pass__holder__email",
        "member_pass__home_place_id",
        "member_pass__home_place__name",
        "offer__place_id",
        "offer__place__name",
    )
    # booking id -> (day, status, visitor, home id, home name, host id, host name)
    bookings: dict[int, tuple] = {}

    def remember(row: tuple) -> None:
        pk, day, status, name, email, home_id, home, host_id, host = row
        bookings[pk] = (
            day,
            str(status_labels.get(status, status)),
            name or email,
            home_id,
            home,
            host_id,
            host,
        )

    of_place = Q()
    if place is not None:
        of_place = Q(offer__place=place) | Q(member_pass__home_place=place)
    for row in Booking.objects.filter(
        of_place,
        member_pass__scheme__network=network,
        day__gte=start,
        day__lt=end,
        status__in=COUNTED_STATUSES,
    ).values_list(*booking_fields):
        remember(row)
    # Transfers of visits of this month, and late ones of earlier months (posted after this
    # month began: a closed month ends before it is closed).
    transfers = Transfer.objects.filter(
        booking__member_pass__scheme__network=network, booking__day__lt=end
    ).filter(Q(booking__day__gte=start) | Q(created_at__gte=start_of_day(start)))
    if place is not None:
        transfers = transfers.filter(
            Q(booking__offer__place=place) | Q(booking__member_pass__home_place=place)
        )
    rows: list[tuple[int, int | None, int | None, int]] = []
    late: set[int] = set()
    for booking_id, day, created_at, amount, debit_place, credit_place in transfers.values_list(
        "booking_id",
        "booking__day",
        "created_at",
        "amount_cents",
        "debit__place_id",
        "credit__place_id",
    ):
        if booked_month(day=day, posted_at=created_at, closings=closings) != start:
            continue
        rows.append((booking_id, credit_place, debit_place, amount))
        if day < start:
            late.add(booking_id)
    extra = {row[0] for row in rows} - bookings.keys()
    if extra:
        for row in Booking.objects.filter(pk__in=extra).values_list(*booking_fields):
            remember(row)

    amounts: dict[tuple[int, int], int] = defaultdict(int)  # (booking, place) -> amount
    host_received: dict[int, int] = defaultdict(int)  # booking -> what its host received
    for booking_id, credit_place, debit_place, amount in rows:
        host_id = bookings[booking_id][5]
        if credit_place is not None:
            amounts[(booking_id, credit_place)] += amount
        if debit_place is not None:
            amounts[(booking_id, debit_place)] -= amount
        if credit_place == host_id:
            host_received[booking_id] += amount
        elif debit_place == host_id:
            host_received[booking_id] -= amount

    statements: dict[int, PlaceStatement] = {}
    flows: dict[tuple[str, str], list[int]] = {}
    for booking_id in sorted(bookings, key=lambda pk: (bookings[pk][0], pk)):
        day, status, visitor, home_id, home, host_id, host = bookings[booking_id]
        is_late = booking_id in late
        for place_id, place_name, direction in ((host_id, host, HOSTED), (home_id, home, MADE)):
            if direction == MADE and home_id == host_id:
                continue
            statement = statements.get(place_id)
            if statement is None:
                statement = statements[place_id] = PlaceStatement(place_name, start)
            statement.lines.append(
                Line(
                    day,
                    direction,
                    visitor,
                    home,
                    host,
                    status,
                    amounts.get((booking_id, place_id), 0),
                    is_late,
                )
            )
        flow = flows.setdefault((home, host), [0, 0])
        flow[0] += 0 if day < start else 1
        flow[1] += host_received.get(booking_id, 0)
    flow_list = sorted(
        (Flow(home, host, n, amount) for (home, host), (n, amount) in flows.items()),
        key=lambda f: (-f.visits, f.from_place, f.to_place),
    )
    return Settlement(network, start, statements, flow_list)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _snapshot(settlement: Settlement) -> dict:
    return {
        "places": {
            str(place_id): {
                "name": statement.place_name,
                "lines": [line.to_json() for line in statement.lines],
            }
            for place_id, statement in settlement.statements.items()
        },
        "flows": [[f.from_place, f.to_place, f.visits, f.amount_cents] for f in settlement.flows],
    }


def _from_snapshot(closed: ClosedMonth, network: Network) -> Settlement:
    statements = {
        int(place_id): PlaceStatement(
            data["name"],
            closed.month,
            [Line.from_json(row) for row in data["lines"]],
            closed,
        )
        for place_id, data in closed.snapshot.get("places", {}).items()
    }
    flows = [Flow(*row) for row in closed.snapshot.get("flows", [])]
    return Settlement(network, closed.month, statements, flows, closed)


def closed_month(*, network: Network, month: datetime.date) -> ClosedMonth | None:
    return (
        ClosedMonth.objects.filter(network=network, month=first_of(month))
        .select_related("closed_by")
        .first()
    )


def settle_month(*, network: Network, month: datetime.date) -> Settlement:
    """The statements of every place of the network and the flows matrix for a month: the frozen
    snapshot of a closed month, or computed from the ledger for an open one."""
    closed = closed_month(network=network, month=month)
    if closed is not None:
        return _from_snapshot(closed, network)
    return compute_month(network=network, month=month)


def place_statement(*, place: Place, network: Network, month: datetime.date) -> PlaceStatement:
    """One place's statement for a month (frozen once the month is closed)."""
    closed = closed_month(network=network, month=month)
    if closed is not None:
        statement = _from_snapshot(closed, network).statements.get(place.pk)
        return statement or PlaceStatement(place.name, closed.month, [], closed)
    statement = compute_month(network=network, month=month, place=place).statements.get(place.pk)
    return statement or PlaceStatement(place.name, first_of(month))


def close_month(*, network: Network, month: datetime.date, by: User | None) -> ClosedMonth:
    """Freeze a month of the network: snapshot every place's statement and the flows; later
    events of its visits are booked to the next open month.

    Raise MonthNotOver for the current or a future month, MonthAlreadyClosed the second time.
    """
    start = first_of(month)
    label = _month_label(start)
    if next_month(start) > timezone.localdate():
        raise MonthNotOver(
            _("Le mois de %(month)s n'est pas terminé : il se clôture à partir du %(day)s.")
            % {"month": label, "day": _day_label(next_month(start))}
        )
    existing = closed_month(network=network, month=start)
    if existing is not None:
        raise _already_closed(existing)
    try:
        with transaction.atomic():
            closed_at = timezone.now()
            settlement = compute_month(network=network, month=start)
            return ClosedMonth.objects.create(
                network=network,
                month=start,
                closed_at=closed_at,
                closed_by=by,
                visits=settlement.visits,
                amount_cents=settlement.amount_cents,
                snapshot=_snapshot(settlement),
            )
    except IntegrityError as exc:
        # Another coordinator closed it between our check and our insert.
        raise _already_closed(closed_month(network=network, month=start)) from exc


def _month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def _day_label(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def _already_closed(closed: ClosedMonth | None) -> MonthAlreadyClosed:
    if closed is None:
        return MonthAlreadyClosed(_("Ce mois est déjà clôturé."))
    who = closed.closed_by.display_name if closed.closed_by else _("un coordinateur")
    return MonthAlreadyClosed(
        _("Le mois de %(month)s est déjà clôturé (le %(day)s par %(who)s) : rien n'a changé.")
        % {
            "month": _month_label(closed.month),
            "day": _day_label(timezone.localtime(closed.closed_at).date()),
            "who": who,
        }
    )
