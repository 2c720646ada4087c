"""Months of the settlement: which month a money event is booked to, and their labels."""

import datetime

from maillage.lib.french import date_format


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


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def _day_label(day: datetime.date) -> str:
    return date_format(day, "j F Y")
