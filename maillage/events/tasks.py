"""Background work of the events area as Django tasks: thin wrappers over the services.

The periodic ones have management commands of the same name for cron (see docs/operations.md).
"""

from django.tasks import task

from maillage.events import ical_import, recurrence, reminders

# Guests' e-mails are sent by the notifications' task; jobs queued before it moved name this path.
from maillage.notifications.services import send_email  # noqa: F401


@task()
def send_event_reminders() -> int:
    """Send the due reminders (day before, hour before online events); return how many."""
    report = reminders.send_event_reminders()
    return len(report.day_before) + len(report.hour_before)


@task()
def send_event_digest() -> int:
    """Send the weekly digests that are due; return how many were e-mailed."""
    return len(reminders.send_event_digest().sent)


@task()
def sync_event_series() -> int:
    """Keep 18 months of sessions ahead for every recurring event; return how many series."""
    return recurrence.sync_all_series()


@task()
def import_event_feeds() -> int:
    """Import the places' public iCal feeds (hourly); return how many feeds failed."""
    results = ical_import.import_all_feeds()
    return sum(1 for result in results if result.status == "error")
