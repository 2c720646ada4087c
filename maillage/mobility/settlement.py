"""Monthly settlement of a network: statements of every place, the flows matrix, closing a month.

A money event (visit payment, charged no-show, reversal) belongs to the month of its visit day,
unless that month was already closed when the event was posted: then it is booked to the next
month still open at that time. A closed month's statements are read from the snapshot taken when
it was closed, so they never change.

The network-wide settlement (`settle_month`) only computes totals, with grouped SQL (four
queries whatever the number of places and visits): visits hosted and made, amounts received and
paid per place, and the flows matrix per (home place, host place). The detailed lines of a
statement are only built for one place (`place_statement`), or once when a month is closed.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.mobility.models import Account, Booking, ClosedMonth, Transfer
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


def _closed_months(network: Network) -> list[ClosedMonth]:
    """Every closed month of the network (without their snapshots), in one query."""
    return list(
        ClosedMonth.objects.filter(network=network).select_related("closed_by").defer("snapshot")
    )


def _closings(closed: list[ClosedMonth]) -> dict[datetime.date, datetime.datetime]:
    return {c.month: c.closed_at for c in closed}


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _month_events(
    start: datetime.date, closings: dict[datetime.date, datetime.datetime], prefix: str = ""
) -> Q:
    """The condition, on a transfer (through `prefix`), of being booked to the month `start`:
    `booked_month` written as SQL. Its visit is of the month and it was posted before the month
    was closed, or its visit is of an earlier month that was closed, like every month between,
    before it was posted."""
    end = next_month(start)
    condition = Q(**{f"{prefix}booking__day__gte": start, f"{prefix}booking__day__lt": end})
    month, latest = start, None
    while (month := previous_month(month)) in closings:
        latest = closings[month] if latest is None else max(latest, closings[month])
        condition |= Q(
            **{
                f"{prefix}booking__day__gte": month,
                f"{prefix}booking__day__lt": next_month(month),
                f"{prefix}created_at__gte": latest,
            }
        )
    if start in closings:
        condition &= Q(**{f"{prefix}created_at__lt": closings[start]})
    return condition


def _month_transfers(
    network: Network, start: datetime.date, closings: dict[datetime.date, datetime.datetime]
):
    return Transfer.objects.filter(
        _month_events(start, closings), booking__member_pass__scheme__network=network
    ).order_by()


def _status_labels() -> dict[str, str]:
    """The label of every booking status, translated once."""
    return {value: str(label) for value, label in Booking.Status.choices}


def compute_lines(
    *,
    network: Network,
    month: datetime.date,
    closings: dict[datetime.date, datetime.datetime],
    place: Place | None = None,
) -> dict[int, PlaceStatement]:
    """The detailed statement of `place` (or of every place, to freeze a month) from the
    bookings and the ledger as they are now (ignoring any snapshot)."""
    start = first_of(month)
    end = next_month(start)
    labels = _status_labels()
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
            labels.get(status, status),
            name or email,
            home_id,
            home,
            host_id,
            host,
        )

    of_place = Q()
    if place is not None:
        of_place = Q(offer__place=place) | Q(member_pass__home_place=place)
    for row in (
        Booking.objects.filter(
            of_place,
            member_pass__scheme__network=network,
            day__gte=start,
            day__lt=end,
            status__in=COUNTED_STATUSES,
        )
        .order_by()
        .values_list(*booking_fields)
    ):
        remember(row)
    transfers = _month_transfers(network, start, closings)
    if place is not None:
        transfers = transfers.filter(
            Q(booking__offer__place=place) | Q(booking__member_pass__home_place=place)
        )
    amounts: dict[tuple[int, int], int] = defaultdict(int)  # (booking, place) -> amount
    booking_ids: set[int] = set()
    for booking_id, amount, debit_place, credit_place in transfers.values_list(
        "booking_id", "amount_cents", "debit__place_id", "credit__place_id"
    ):
        booking_ids.add(booking_id)
        if credit_place is not None:
            amounts[(booking_id, credit_place)] += amount
        if debit_place is not None:
            amounts[(booking_id, debit_place)] -= amount
    extra = booking_ids - bookings.keys()
    if extra:
        for row in Booking.objects.filter(pk__in=extra).order_by().values_list(*booking_fields):
            remember(row)

    statements: dict[int, PlaceStatement] = {}
    for booking_id in sorted(bookings, key=lambda pk: (bookings[pk][0], pk)):
        day, status, visitor, home_id, home, host_id, host = bookings[booking_id]
        is_late = day < start
        for place_id, place_name, direction in ((host_id, host, HOSTED), (home_id, home, MADE)):
            if direction == MADE and home_id == host_id:
                continue
            if place is not None and place_id != place.pk:
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
    return statements


# The whole settlement of a month in one statement. `{transfers}` and `{counted}` are the SQL
# Django compiles for the month's transfers and its counted visits (their values stay in the
# parameters). `per`: each visit with money booked to the month, its amounts netted for its host
# and its home place (as on the statement lines). Rows out: "f" per (home, host) pair (lines,
# visits of the month, what the host received), "h" and "m" received/paid per place as host and
# as home place.
SETTLEMENT_SQL = """
WITH t AS ({transfers}),
per AS (
    SELECT t.b AS b, t.host AS host, t.home AS home,
           MAX(t.cur) AS cur, MAX(t.counted) AS counted,
           SUM(CASE WHEN t.cp = t.host THEN t.amt ELSE 0 END)
             - SUM(CASE WHEN t.dp = t.host THEN t.amt ELSE 0 END) AS hn,
           SUM(CASE WHEN t.cp = t.home THEN t.amt ELSE 0 END)
             - SUM(CASE WHEN t.dp = t.home THEN t.amt ELSE 0 END) AS mn,
           SUM(CASE WHEN t.cp = t.host THEN t.amt WHEN t.dp = t.host THEN -t.amt ELSE 0 END)
             AS recv
    FROM t GROUP BY t.b, t.host, t.home
),
pairs AS (
    SELECT v.home AS home, v.host AS host, SUM(v.lines) AS lines, SUM(v.visits) AS visits,
           SUM(v.recv) AS recv
    FROM (
        SELECT c.home AS home, c.host AS host, 1 AS lines, 1 AS visits, 0 AS recv
        FROM ({counted}) c
        UNION ALL
        SELECT per.home, per.host, 1 - per.counted, (1 - per.counted) * per.cur, per.recv
        FROM per
    ) v GROUP BY v.home, v.host
)
SELECT 'f', pairs.home, pairs.host, hp.name, pp.name, pairs.lines, pairs.visits, pairs.recv
FROM pairs JOIN {places} hp ON hp.id = pairs.home JOIN {places} pp ON pp.id = pairs.host
UNION ALL
SELECT 'h', per.host, NULL, NULL, NULL, SUM(CASE WHEN per.hn > 0 THEN per.hn ELSE 0 END),
       SUM(CASE WHEN per.hn < 0 THEN -per.hn ELSE 0 END), 0
FROM per GROUP BY per.host
UNION ALL
SELECT 'm', per.home, NULL, NULL, NULL, SUM(CASE WHEN per.mn > 0 THEN per.mn ELSE 0 END),
       SUM(CASE WHEN per.mn < 0 THEN -per.mn ELSE 0 END), 0
FROM per WHERE per.home <> per.host GROUP BY per.home
"""


def compute_month(
    *,
    network: Network,
    month: datetime.date,
    closings: dict[datetime.date, datetime.datetime] | None = None,
) -> Settlement:
    """Every place's totals and the flows of a month, from the bookings and the ledger as they
    are now (ignoring any snapshot), with grouped SQL: one query (one more without
    `closings`)."""
    start = first_of(month)
    end = next_month(start)
    if closings is None:
        closings = _closings(_closed_months(network))
    in_month = Q(booking__day__gte=start)
    counted = Q(in_month, booking__status__in=COUNTED_STATUSES)
    transfers_sql, transfers_params = (
        _month_transfers(network, start, closings)
        .values(
            b=F("booking_id"),
            amt=F("amount_cents"),
            cp=F("credit__place_id"),
            dp=F("debit__place_id"),
            host=F("booking__offer__place_id"),
            home=F("booking__member_pass__home_place_id"),
            cur=Case(When(in_month, then=1), default=0),
            counted=Case(When(counted, then=1), default=0),
        )
        .query.sql_with_params()
    )
    counted_sql, counted_params = (
        Booking.objects.filter(
            member_pass__scheme__network=network,
            day__gte=start,
            day__lt=end,
            status__in=COUNTED_STATUSES,
        )
        .order_by()
        .values(home=F("member_pass__home_place_id"), host=F("offer__place_id"))
        .query.sql_with_params()
    )
    query = SETTLEMENT_SQL.format(
        transfers=transfers_sql,
        counted=counted_sql,
        places=connection.ops.quote_name(Place._meta.db_table),
    )
    names: dict[int, str] = {}
    hosted: dict[int, int] = defaultdict(int)
    made: dict[int, int] = defaultdict(int)
    money: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    flows: dict[tuple[str, str], list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, (*transfers_params, *counted_params))
        for kind, a, b, a_name, b_name, x, y, z in cursor.fetchall():
            if kind == "f":
                names[a], names[b] = a_name, b_name
                hosted[b] += int(x)
                if a != b:
                    made[a] += int(x)
                flow = flows.get((a_name, b_name))
                if flow is None:
                    flows[(a_name, b_name)] = [-int(y), int(z or 0)]
                else:
                    flow[0] -= int(y)
                    flow[1] += int(z or 0)
            else:
                total = money[a]
                total[0] += int(x or 0)
                total[1] += int(y or 0)

    statements = {
        place_id: PlaceTotals(
            names[place_id],
            hosted.get(place_id, 0),
            made.get(place_id, 0),
            *money.get(place_id, (0, 0)),
        )
        for place_id in hosted.keys() | made.keys()
    }
    rows = sorted((minus, home, host, amount) for (home, host), (minus, amount) in flows.items())
    flow_list = [Flow(home, host, -minus, amount) for minus, home, host, amount in rows]
    return Settlement(network, start, statements, flow_list)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _snapshot(settlement: Settlement, statements: dict[int, PlaceStatement]) -> dict:
    """What a closed month keeps: every place's totals, the flows, and every place's lines
    (under "p<place id>", so one place's lines can be read without the rest)."""
    return {
        "totals": [
            [place_id, t.place_name, t.hosted_visits, t.made_visits, t.received_cents, t.paid_cents]
            for place_id, t in settlement.statements.items()
        ],
        "flows": [[f.from_place, f.to_place, f.visits, f.amount_cents] for f in settlement.flows],
        "lines": {
            f"p{place_id}": [line.to_json() for line in statement.lines]
            for place_id, statement in statements.items()
        },
    }


def _from_snapshot(closed: ClosedMonth, network: Network) -> Settlement:
    totals, flows = (
        ClosedMonth.objects.filter(pk=closed.pk)
        .values_list("snapshot__totals", "snapshot__flows")
        .get()
    )
    if totals is None:  # a snapshot of the first format: every place's lines only
        statements = {
            place_id: _totals(statement)
            for place_id, statement in _old_snapshot_statements(closed).items()
        }
    else:
        statements = {row[0]: PlaceTotals(*row[1:]) for row in totals}
    return Settlement(
        network, closed.month, statements, [Flow(*row) for row in flows or []], closed
    )


def _totals(statement: PlaceStatement) -> PlaceTotals:
    return PlaceTotals(
        statement.place_name,
        len(statement.hosted),
        len(statement.made),
        statement.received_cents,
        statement.paid_cents,
    )


def _old_snapshot_statements(closed: ClosedMonth) -> dict[int, PlaceStatement]:
    snapshot = ClosedMonth.objects.values_list("snapshot", flat=True).get(pk=closed.pk)
    return {
        int(place_id): PlaceStatement(
            data["name"], closed.month, [Line.from_json(row) for row in data["lines"]], closed
        )
        for place_id, data in snapshot.get("places", {}).items()
    }


def closed_month(*, network: Network, month: datetime.date) -> ClosedMonth | None:
    return (
        ClosedMonth.objects.filter(network=network, month=first_of(month))
        .select_related("closed_by")
        .first()
    )


def settle_month(*, network: Network, month: datetime.date) -> Settlement:
    """Every place's totals and the flows matrix for a month: from the frozen snapshot of a
    closed month, or computed from the ledger with grouped SQL for an open one."""
    start = first_of(month)
    closed_months = _closed_months(network)
    for closed in closed_months:
        if closed.month == start:
            return _from_snapshot(closed, network)
    return compute_month(network=network, month=start, closings=_closings(closed_months))


def place_statement(*, place: Place, network: Network, month: datetime.date) -> PlaceStatement:
    """One place's statement for a month, line by line (frozen once the month is closed)."""
    start = first_of(month)
    closed_months = _closed_months(network)
    for closed in closed_months:
        if closed.month == start:
            return _closed_statement(closed, place)
    statement = compute_lines(
        network=network, month=start, closings=_closings(closed_months), place=place
    ).get(place.pk)
    return statement or PlaceStatement(place.name, start)


def _closed_statement(closed: ClosedMonth, place: Place) -> PlaceStatement:
    """A place's frozen statement, reading only its own lines from the snapshot."""
    row = (
        ClosedMonth.objects.filter(pk=closed.pk)
        .values_list("snapshot__totals", f"snapshot__lines__p{place.pk}")
        .get()
    )
    if row[0] is None:  # a snapshot of the first format
        statement = _old_snapshot_statements(closed).get(place.pk)
        return statement or PlaceStatement(place.name, closed.month, [], closed)
    name = place.name
    lines = [Line.from_json(line) for line in row[1] or []]
    return PlaceStatement(name, closed.month, lines, closed)


def close_month(*, network: Network, month: datetime.date, by: User | None) -> ClosedMonth:
    """Freeze a month of the network: snapshot every place's totals and lines and the flows;
    later events of its visits are booked to the next open month.

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
            # Lock the network's ledger accounts: a payment being posted right now (it locks its
            # accounts before inserting) finishes first and lands in the snapshot; one that
            # starts later waits, is stamped after `closed_at`, and goes to the next open month.
            # Without the lock it could fall in neither month on PostgreSQL.
            list(Account.objects.select_for_update().filter(network=network).values_list("pk"))
            closed_at = timezone.now()
            closings = _closings(_closed_months(network))
            settlement = compute_month(network=network, month=start, closings=closings)
            lines = compute_lines(network=network, month=start, closings=closings)
            return ClosedMonth.objects.create(
                network=network,
                month=start,
                closed_at=closed_at,
                closed_by=by,
                visits=settlement.visits,
                amount_cents=settlement.amount_cents,
                snapshot=_snapshot(settlement, lines),
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
