"""One place's statement line by line, from its bookings and the ledger (an open month)."""

import datetime
from collections import defaultdict

from django.db.models import Q

from maillage.ledger.models import AccountKind, Transfer, content_type_for
from maillage.mobility.models import (
    Booking,
    ClosedMonth,
    HostOffer,
    Pass,
)
from maillage.mobility.settlement.figures import (
    COUNTED_STATUSES,
    HOSTED,
    MADE,
    Line,
    PlaceStatement,
)
from maillage.mobility.settlement.months import first_of, next_month, previous_month
from maillage.networks.models import Network
from maillage.places.models import Place


def _closed_months(network: Network) -> list[ClosedMonth]:
    """Every closed month of the network (without their snapshots), in one query."""
    return list(
        ClosedMonth.objects.filter(network=network).select_related("closed_by").defer("snapshot")
    )


def _closings(closed: list[ClosedMonth]) -> dict[datetime.date, datetime.datetime]:
    return {c.month: c.closed_at for c in closed}


def _month_events(
    network: Network,
    start: datetime.date,
    closings: dict[datetime.date, datetime.datetime],
    of_place: Q | None = None,
) -> Q:
    """The condition, on a transfer, of being booked to the month `start`: `booked_month`
    written as SQL. It cites a booking whose visit is of the month and it was posted before the
    month was closed, or a booking of an earlier month that was closed, like every month
    between, before it was posted. (Bookings as id subqueries: the ledger's citation is
    generic, so there is no join from a transfer to its booking.)"""
    bookings = Booking.objects.filter(member_pass__scheme__network=network).order_by()
    if of_place is None:

        def visits_of(month: datetime.date) -> Q:
            of_month = bookings.filter(day__gte=month, day__lt=next_month(month))
            return Q(cause_id__in=of_month.values("pk"))

    else:
        # One place's bookings are few: read their ids once (through the offer and pass indexes)
        # and probe their transfers, rather than every transfer of the network's month.
        earliest = start
        while previous_month(earliest) in closings:
            earliest = previous_month(earliest)
        by_month: dict[datetime.date, list[int]] = defaultdict(list)
        for pk, day in bookings.filter(
            of_place, day__gte=earliest, day__lt=next_month(start)
        ).values_list("pk", "day"):
            by_month[first_of(day)].append(pk)

        def visits_of(month: datetime.date) -> Q:
            return Q(cause_id__in=by_month.get(month, []))

    condition = visits_of(start)
    month, latest = start, None
    while (month := previous_month(month)) in closings:
        latest = closings[month] if latest is None else max(latest, closings[month])
        condition |= visits_of(month) & Q(created_at__gte=latest)
    if start in closings:
        condition &= Q(created_at__lt=closings[start])
    return Q(cause_type=content_type_for(Booking)) & condition


def _month_transfers(
    network: Network,
    start: datetime.date,
    closings: dict[datetime.date, datetime.datetime],
    of_place: Q | None = None,
):
    return Transfer.objects.filter(_month_events(network, start, closings, of_place)).order_by()


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
    transfers = _month_transfers(network, start, closings, of_place if place is not None else None)
    amounts: dict[tuple[int, int], int] = defaultdict(int)  # (booking, place) -> amount
    booking_ids: set[int] = set()
    for (
        booking_id,
        amount,
        debit_kind,
        debit_owner,
        credit_kind,
        credit_owner,
    ) in transfers.values_list(
        "cause_id",
        "amount_cents",
        "debit__kind",
        "debit__owner_id",
        "credit__kind",
        "credit__owner_id",
    ):
        # Only places' accounts count on a place's statement (not the pool, not a member).
        debit_place = debit_owner if debit_kind == AccountKind.PLACE else None
        credit_place = credit_owner if credit_kind == AccountKind.PLACE else None
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
