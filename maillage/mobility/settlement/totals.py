"""Every place's totals and the flows of a month in one grouped SQL query on ids.

Per booking of the month, its nets for its host and home place (read in the order of covering
indexes, so the per-booking grouping needs no sort), then per (home, host) pair the lines, visits
and sums from which every place's totals follow; names are fetched apart.
"""

import datetime
from collections import defaultdict

from django.db import connection

from maillage.accounts.models import User
from maillage.ledger.models import Account, Transfer, content_type_for
from maillage.mobility.models import (
    Booking,
    HostOffer,
    Pass,
    Scheme,
)
from maillage.mobility.settlement.figures import COUNTED_STATUSES, Flow, PlaceTotals, Settlement
from maillage.mobility.settlement.lines import _closed_months, _closings
from maillage.mobility.settlement.months import first_of, next_month, previous_month
from maillage.networks.models import Network
from maillage.places.models import Place


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
# statement lines): `{tr}` is a transfer, `{ca}`/`{da}` its credit/debit accounts (a place's
# account is of kind 'place' and owned by the place).
_NETS = """
    COUNT({tr}.cause_id) AS n,
    COALESCE(SUM(CASE WHEN {ca}.kind = 'place' AND {ca}.owner_id = {o}.place_id
                      THEN {tr}.amount_cents ELSE 0 END
                 - CASE WHEN {da}.kind = 'place' AND {da}.owner_id = {o}.place_id
                        THEN {tr}.amount_cents ELSE 0 END), 0) AS hn,
    COALESCE(SUM(CASE WHEN {ca}.kind = 'place' AND {ca}.owner_id = {p}.home_place_id
                      THEN {tr}.amount_cents ELSE 0 END
                 - CASE WHEN {da}.kind = 'place' AND {da}.owner_id = {p}.home_place_id
                        THEN {tr}.amount_cents ELSE 0 END), 0) AS mn"""


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
        LEFT JOIN {t["transfer"]} tr
          ON tr.cause_type_id = %s AND tr.cause_id = b.id{close_sql}
        LEFT JOIN {t["account"]} ca ON ca.id = tr.credit_id
        LEFT JOIN {t["account"]} da ON da.id = tr.debit_id
        WHERE b.day >= %s AND b.day < %s AND p.scheme_id IN {schemes}
        GROUP BY b.day, b.member_pass_id, b.offer_id, b.status, b.id
        HAVING COUNT(tr.cause_id) > 0 OR b.status IN ({counted})"""  # noqa: S608
    booking_type = content_type_for(Booking).pk
    params = [
        *counted_params,
        booking_type,
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
        JOIN {t["booking"]} b ON b.id = tr.cause_id
        JOIN {t["pass"]} p ON p.id = b.member_pass_id
        JOIN {t["offer"]} o ON o.id = b.offer_id{join_user}
        JOIN {t["account"]} ca ON ca.id = tr.credit_id
        JOIN {t["account"]} da ON da.id = tr.debit_id
        WHERE tr.cause_type_id = %s AND tr.created_at >= %s{close_sql}
          AND b.day >= %s AND b.day < %s
          AND p.scheme_id IN {schemes} AND ({late_conditions})
        GROUP BY b.id, b.day, b.status"""  # noqa: S608
    params += [
        booking_type,
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
