"""Monthly settlement of a network: statements of every place, the flows matrix, closing a month.

A money event (visit payment, charged no-show, reversal) belongs to the month of its visit day,
unless that month was already closed when the event was posted: then it is booked to the next
month still open at that time. A closed month's statements are read from the snapshot taken when
it was closed, so they never change.

The network-wide settlement (`settle_month`) only computes totals, with one grouped query on ids
(names are fetched apart): per booking of the month, its nets for its host and home place (read
in the order of covering indexes, so the per-booking grouping needs no sort), then per (home,
host) pair the lines, visits and sums from which every place's totals follow. The detailed lines
of a statement are only built for one place (`place_statement`), or once, streamed and stored
compactly, when a month is closed.
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.mobility.models import (
    Account,
    Booking,
    ClosedMonth,
    HostOffer,
    Pass,
    Scheme,
    Transfer,
)
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
        # As id subqueries (not joins), so the database reads the place's bookings from the
        # offer and pass indexes instead of every booking of the month.
        of_place = Q(offer__in=HostOffer.objects.filter(place=place).values("pk")) | Q(
            member_pass__in=Pass.objects.filter(home_place=place).values("pk")
        )
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
            booking__in=Booking.objects.filter(
                Q(offer__in=HostOffer.objects.filter(place=place).values("pk"))
                | Q(member_pass__in=Pass.objects.filter(home_place=place).values("pk"))
            ).values("pk")
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


# --- network-wide settlement in SQL -----------------------------------------------------------


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    models = {
        "booking": Booking,
        "pass": Pass,
        "offer": HostOffer,
        "transfer": Transfer,
        "account": Account,
        "scheme": Scheme,
        "user": User,
    }
    return {key: quote(model._meta.db_table) for key, model in models.items()}


# A booking's money booked to the month, netted for its host and for its home place (as on the
# statement lines): `{tr}` is a transfer, `{ca}`/`{da}` its credit/debit accounts.
_NETS = """
    COUNT({tr}.booking_id) AS n,
    COALESCE(SUM(CASE WHEN {ca}.place_id = {o}.place_id THEN {tr}.amount_cents ELSE 0 END
                 - CASE WHEN {da}.place_id = {o}.place_id THEN {tr}.amount_cents ELSE 0 END), 0)
      AS hn,
    COALESCE(SUM(CASE WHEN {ca}.place_id = {p}.home_place_id THEN {tr}.amount_cents ELSE 0 END
                 - CASE WHEN {da}.place_id = {p}.home_place_id THEN {tr}.amount_cents ELSE 0 END),
             0) AS mn"""


def _per_booking_sql(
    *,
    network: Network,
    start: datetime.date,
    closings: dict[datetime.date, datetime.datetime],
    details: bool = False,
) -> tuple[str, list]:
    """One row per statement line pair of the month (a booking): its id, day, status, home and
    host place ids, `cur` (a visit of the month), `counted`, and its nets for host and home
    (`hn`, `mn`). With `details`, the visitor's name too.

    `booked_month` written as SQL, in two parts: the month's bookings (counted ones, and any
    with money posted before the month was closed), read with the covering indexes
    `booking_settlement_idx` → `transfer_settlement_idx` and grouped in index order; and the
    late events of earlier closed months, found from the transfers' date."""
    ops = connection.ops
    t = _tables()
    end = next_month(start)
    counted = ", ".join(["%s"] * len(COUNTED_STATUSES))
    counted_params = [str(status) for status in COUNTED_STATUSES]
    # Only table names and placeholders are interpolated into the SQL below; values are params.
    schemes = f"(SELECT s.id FROM {t['scheme']} s WHERE s.network_id = %s)"  # noqa: S608
    visitor = ", MAX(COALESCE(NULLIF(u.display_name, ''), u.email)) AS visitor" if details else ""
    join_user = f" JOIN {t['user']} u ON u.id = p.holder_id" if details else ""
    nets = _NETS.format(tr="tr", ca="ca", da="da", o="o", p="p")
    before_close: list = []
    close_sql = ""
    if start in closings:
        close_sql = " AND tr.created_at < %s"
        before_close = [ops.adapt_datetimefield_value(closings[start])]
    current = f"""
        SELECT b.id AS id, b.day AS day, b.status AS status, MAX(p.home_place_id) AS home,
               MAX(o.place_id) AS host, 1 AS cur,
               CASE WHEN b.status IN ({counted}) THEN 1 ELSE 0 END AS counted, {nets}{visitor}
        FROM {t["booking"]} b
        JOIN {t["pass"]} p ON p.id = b.member_pass_id
        JOIN {t["offer"]} o ON o.id = b.offer_id{join_user}
        LEFT JOIN {t["transfer"]} tr ON tr.booking_id = b.id{close_sql}
        LEFT JOIN {t["account"]} ca ON ca.id = tr.credit_id
        LEFT JOIN {t["account"]} da ON da.id = tr.debit_id
        WHERE b.day >= %s AND b.day < %s AND p.scheme_id IN {schemes}
        GROUP BY b.day, b.member_pass_id, b.offer_id, b.status, b.id
        HAVING COUNT(tr.booking_id) > 0 OR b.status IN ({counted})"""  # noqa: S608
    params = [
        *counted_params,
        *before_close,
        ops.adapt_datefield_value(start),
        ops.adapt_datefield_value(end),
        network.pk,
        *counted_params,
    ]
    # Late events: transfers of visits of the closed months just before this one, posted after
    # those months (and every month between) were closed.
    ranges, month, latest = [], start, None
    while (month := previous_month(month)) in closings:
        latest = closings[month] if latest is None else max(latest, closings[month])
        ranges.append((month, latest))
    if not ranges:
        return current, params
    late_conditions = " OR ".join(
        ["(b.day >= %s AND b.day < %s AND tr.created_at >= %s)"] * len(ranges)
    )
    late = f"""
        SELECT b.id, b.day, b.status, MAX(p.home_place_id), MAX(o.place_id), 0, 0, {nets}{visitor}
        FROM {t["transfer"]} tr
        JOIN {t["booking"]} b ON b.id = tr.booking_id
        JOIN {t["pass"]} p ON p.id = b.member_pass_id
        JOIN {t["offer"]} o ON o.id = b.offer_id{join_user}
        JOIN {t["account"]} ca ON ca.id = tr.credit_id
        JOIN {t["account"]} da ON da.id = tr.debit_id
        WHERE tr.created_at >= %s{close_sql} AND b.day >= %s AND b.day < %s
          AND p.scheme_id IN {schemes} AND ({late_conditions})
        GROUP BY b.id, b.day, b.status"""  # noqa: S608
    params += [
        ops.adapt_datetimefield_value(ranges[0][1]),  # the earliest a late event can be posted
        *before_close,
        ops.adapt_datefield_value(ranges[-1][0]),
        ops.adapt_datefield_value(start),
        network.pk,
    ]
    for month, since in ranges:
        params += [
            ops.adapt_datefield_value(month),
            ops.adapt_datefield_value(next_month(month)),
            ops.adapt_datetimefield_value(since),
        ]
    return f"{current}\n        UNION ALL{late}", params


# Per (home place, host place): lines, visits of the month, what the host received, and the
# sums of the positive and negative nets of host and home (per-place totals are sums of these).
_PAIRS_SQL = """
WITH per AS ({per})
SELECT home, host, COUNT(*), SUM(cur), SUM(hn),
       SUM(CASE WHEN hn > 0 THEN hn ELSE 0 END), SUM(CASE WHEN hn < 0 THEN -hn ELSE 0 END),
       SUM(CASE WHEN mn > 0 THEN mn ELSE 0 END), SUM(CASE WHEN mn < 0 THEN -mn ELSE 0 END)
FROM per GROUP BY home, host
"""


def _chunks(cursor, size: int = 20_000):
    """The rows of an executed cursor, fetched a chunk at a time (not all in memory)."""
    while rows := cursor.fetchmany(size):
        yield from rows


def _place_names(ids) -> dict[int, str]:
    """Names of places by id, fetched apart from the big grouped query (in chunks: SQLite
    limits the parameters of a statement)."""
    ids = sorted(ids)
    names: dict[int, str] = {}
    for at in range(0, len(ids), 2000):
        names.update(Place.objects.filter(pk__in=ids[at : at + 2000]).values_list("pk", "name"))
    return names


def compute_month(
    *,
    network: Network,
    month: datetime.date,
    closings: dict[datetime.date, datetime.datetime] | None = None,
) -> Settlement:
    """Every place's totals and the flows of a month, from the bookings and the ledger as they
    are now (ignoring any snapshot): one grouped query on ids, then the places' names (one
    query more without `closings`)."""
    start = first_of(month)
    if closings is None:
        closings = _closings(_closed_months(network))
    return _compute_month(network=network, start=start, closings=closings)[0]


def _compute_month(
    *, network: Network, start: datetime.date, closings: dict[datetime.date, datetime.datetime]
) -> tuple[Settlement, list[tuple[int, int, int, int]]]:
    """The settlement and its flows by place ids, in order: (-visits, home, host, amount)."""
    per, params = _per_booking_sql(network=network, start=start, closings=closings)
    hosted: dict[int, int] = defaultdict(int)
    made: dict[int, int] = defaultdict(int)
    received: dict[int, int] = defaultdict(int)
    paid: dict[int, int] = defaultdict(int)
    pairs = []
    with connection.cursor() as cursor:
        cursor.execute(_PAIRS_SQL.format(per=per), params)
        for home, host, lines, visits, recv, h_in, h_out, m_in, m_out in _chunks(cursor):
            hosted[host] += lines
            received[host] += h_in
            paid[host] += h_out
            if home != host:
                made[home] += lines
                received[home] += m_in
                paid[home] += m_out
            pairs.append((-int(visits), home, host, int(recv)))
    place_ids = hosted.keys() | made.keys()
    names = _place_names(place_ids)
    statements = {
        place_id: PlaceTotals(
            names[place_id],
            hosted.get(place_id, 0),
            made.get(place_id, 0),
            int(received.get(place_id, 0)),
            int(paid.get(place_id, 0)),
        )
        for place_id in place_ids
    }
    # Most visits first, then by the places' names (ranked once, so the sort compares ints).
    rank = {pk: i for i, pk in enumerate(sorted(names, key=lambda pk: (names[pk], pk)))}
    pairs.sort(key=lambda row: (row[0], rank[row[1]], rank[row[2]], row[3]))
    flows = [Flow(names[home], names[host], -minus, recv) for minus, home, host, recv in pairs]
    return Settlement(network, start, statements, flows), pairs


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _snapshot(settlement: Settlement, flow_ids: list[int], lines: dict[str, dict]) -> dict:
    """What a closed month keeps (format 3): every place's totals, the flows by place ids
    flattened into one list of ints (see `_flow_ids`), and every place's lines under
    "p<place id>" (so one place's lines can be read without the rest), compactly (see
    `_closing_lines`)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "totals": [
            [place_id, t.place_name, t.hosted_visits, t.made_visits, t.received_cents, t.paid_cents]
            for place_id, t in settlement.statements.items()
        ],
        "flow_ids": flow_ids,
        "lines": lines,
    }


def _write_snapshot(closed: ClosedMonth, text: str) -> None:
    """Store a snapshot already serialised, compactly: the JSON field would serialise the
    Python objects again (and hold several copies at once on a large month)."""
    table = connection.ops.quote_name(ClosedMonth._meta.db_table)
    value = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET snapshot = {value} WHERE id = %s",  # noqa: S608
            [text, closed.pk],
        )


def _flow_ids(pairs: list[tuple[int, int, int, int]]) -> list[int]:
    """The flows in order as home, host, visits, amount, home, host… (one list of ints)."""
    flat: list[int] = []
    for minus, home, host, amount in pairs:
        flat += (home, host, -minus, amount)
    return flat


def _from_snapshot(closed: ClosedMonth, network: Network) -> Settlement:
    # Each JSON path costs a parse of the whole snapshot: read only what its format holds.
    totals, flow_ids = (
        ClosedMonth.objects.filter(pk=closed.pk)
        .values_list("snapshot__totals", "snapshot__flow_ids")
        .get()
    )
    flows = None
    if flow_ids is None:
        flows = ClosedMonth.objects.values_list("snapshot__flows", flat=True).get(pk=closed.pk)
    if totals is None:  # a snapshot of the first format: every place's lines only
        statements = {
            place_id: _totals(statement)
            for place_id, statement in _old_snapshot_statements(closed).items()
        }
    else:
        statements = {row[0]: PlaceTotals(*row[1:]) for row in totals}
    if flow_ids is not None:  # format 3: flows by place ids
        names = {place_id: t.place_name for place_id, t in statements.items()}
        flow_list = [
            Flow(names[flow_ids[at]], names[flow_ids[at + 1]], flow_ids[at + 2], flow_ids[at + 3])
            for at in range(0, len(flow_ids), 4)
        ]
    else:
        flow_list = [Flow(*row) for row in flows or []]
    return Settlement(network, closed.month, statements, flow_list, closed)


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
    return PlaceStatement(
        place.name, closed.month, _lines_from_snapshot(row[1], closed.month), closed
    )


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
            settlement, pairs = _compute_month(network=network, start=start, closings=closings)
            visits, amount = settlement.visits, settlement.amount_cents
            flow_ids = _flow_ids(pairs)
            del pairs  # and the named flows: the snapshot keeps them by ids
            settlement.flows = []
            names = {place_id: t.place_name for place_id, t in settlement.statements.items()}
            lines = _closing_lines(network=network, start=start, closings=closings, names=names)
            text = json.dumps(_snapshot(settlement, flow_ids, lines), separators=(",", ":"))
            del lines, flow_ids
            closed = ClosedMonth.objects.create(
                network=network,
                month=start,
                closed_at=closed_at,
                closed_by=by,
                visits=visits,
                amount_cents=amount,
            )
            _write_snapshot(closed, text)
            # The snapshot is read back only if asked for (it can weigh a hundred megabytes).
            return (
                ClosedMonth.objects.select_related("closed_by").defer("snapshot").get(pk=closed.pk)
            )
    except IntegrityError as exc:
        # Another coordinator closed it between our check and our insert.
        raise _already_closed(closed_month(network=network, month=start)) from exc


# --- closing: compact snapshot ----------------------------------------------------------------

SNAPSHOT_FORMAT = 3
# A line in a format-3 snapshot: 5 ints in the place's flat list "l": the day (days after the
# 1st of the month; negative for a late event of an earlier month), the visitor, the other place
# (the home place of a visit hosted, the host of a visit made, as -1 - index), the status (all
# three as indexes into the place's strings "n", whose first is the place's own name) and the
# amount received (> 0) or paid (< 0).
_LINE_WIDTH = 5


def _closing_lines(
    *,
    network: Network,
    start: datetime.date,
    closings: dict[datetime.date, datetime.datetime],
    names: dict[int, str],
) -> dict[str, dict]:
    """Every place's statement lines, compactly, for the snapshot of a closed month (key
    "p<place id>": {"n": strings, "l": lines flattened, see `_LINE_WIDTH`}). One query,
    streamed in the order of the lines (day, booking)."""
    per, params = _per_booking_sql(network=network, start=start, closings=closings, details=True)
    labels = _status_labels()
    first = start.toordinal()
    days: dict = {}  # the day of a row (a date, or a string through SQLite) -> its offset
    places: dict[int, tuple[dict[str, int], list[int]]] = {}
    sql = f"SELECT day, status, home, host, hn, mn, visitor FROM ({per}) per ORDER BY day, id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20_000):
            for day, status, home, host, hn, mn, visitor in rows:
                offset = days.get(day)
                if offset is None:
                    date = datetime.date.fromisoformat(day) if isinstance(day, str) else day
                    offset = days[day] = date.toordinal() - first
                label = labels.get(status, status)
                entry = places.get(host)
                if entry is None:
                    entry = places[host] = ({names[host]: 0}, [])
                strings, flat = entry
                flat += (
                    offset,
                    strings.setdefault(visitor, len(strings)),
                    strings.setdefault(names[home], len(strings)),
                    strings.setdefault(label, len(strings)),
                    int(hn),
                )
                if home == host:
                    continue
                entry = places.get(home)
                if entry is None:
                    entry = places[home] = ({names[home]: 0}, [])
                strings, flat = entry
                flat += (
                    offset,
                    strings.setdefault(visitor, len(strings)),
                    -1 - strings.setdefault(names[host], len(strings)),
                    strings.setdefault(label, len(strings)),
                    int(mn),
                )
    return {
        f"p{place_id}": {"n": list(strings), "l": flat}
        for place_id, (strings, flat) in places.items()
    }


def _lines_from_snapshot(entry, month: datetime.date) -> list[Line]:
    """A place's lines as stored in a snapshot: compact (format 3) or one list per line."""
    if not entry:
        return []
    if isinstance(entry, list):  # format 2
        return [Line.from_json(line) for line in entry]
    strings, flat, first = entry["n"], entry["l"], month.toordinal()
    lines = []
    for at in range(0, len(flat), _LINE_WIDTH):
        offset, visitor, other, status, amount = flat[at : at + _LINE_WIDTH]
        if other >= 0:
            direction, home, host = HOSTED, strings[other], strings[0]
        else:
            direction, home, host = MADE, strings[0], strings[-1 - other]
        day = datetime.date.fromordinal(first + offset)
        lines.append(
            Line(day, direction, strings[visitor], home, host, strings[status], amount, offset < 0)
        )
    return lines


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
