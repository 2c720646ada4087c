"""Closing a month: its frozen snapshot (totals, flows, every place's lines, compactly), and
reading statements and totals from it, or from the ledger while the month is open."""

import datetime
import json

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.ledger.models import Account
from maillage.lib.french import de
from maillage.lib.refusals import Refusal
from maillage.mobility.models import (
    ClosedMonth,
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
from maillage.mobility.settlement.lines import (
    _closed_months,
    _closings,
    _status_labels,
    compute_lines,
)
from maillage.mobility.settlement.months import _day_label, _month_label, first_of, next_month
from maillage.mobility.settlement.totals import _compute_month, _per_booking_sql, compute_month
from maillage.networks.models import Network
from maillage.places.models import Place


class SettlementError(Refusal):
    """A month cannot be closed now (already closed, not over yet): nothing changed."""

    status = 409


class MonthAlreadyClosed(SettlementError):
    pass


class MonthNotOver(SettlementError):
    pass


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
    statements = {row[0]: PlaceTotals(*row[1:]) for row in totals or []}
    names = {place_id: t.place_name for place_id, t in statements.items()}
    flow_ids = flow_ids or []
    flow_list = [
        Flow(names[flow_ids[at]], names[flow_ids[at + 1]], flow_ids[at + 2], flow_ids[at + 3])
        for at in range(0, len(flow_ids), 4)
    ]
    return Settlement(network, closed.month, statements, flow_list, closed)


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
    entry = (
        ClosedMonth.objects.filter(pk=closed.pk)
        .values_list(f"snapshot__lines__p{place.pk}", flat=True)
        .get()
    )
    return PlaceStatement(
        place.name, closed.month, _lines_from_snapshot(entry, closed.month), closed
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
            _("Le mois %(de_month)s n'est pas terminé : il se clôture à partir du %(day)s.")
            % {"de_month": de(label), "day": _day_label(next_month(start))}
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
    """A place's lines as stored in a snapshot (compactly, see `_LINE_WIDTH`)."""
    if not entry:
        return []
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


def _already_closed(closed: ClosedMonth | None) -> MonthAlreadyClosed:
    if closed is None:
        return MonthAlreadyClosed(_("Ce mois est déjà clôturé."))
    who = closed.closed_by.display_name if closed.closed_by else _("un coordinateur")
    return MonthAlreadyClosed(
        _("Le mois %(de_month)s est déjà clôturé (le %(day)s par %(who)s) : rien n'a changé.")
        % {
            "de_month": de(_month_label(closed.month)),
            "day": _day_label(timezone.localtime(closed.closed_at).date()),
            "who": who,
        }
    )
