"""Periodic freshness jobs as Django tasks: thin wrappers over the services.

Enqueue them from a scheduler (cron, systemd timer) with the management commands'
equivalents, or `send_reminders.enqueue()`; the task worker runs them.
"""

from django.tasks import task

from maillage.directory.freshness import services


@task()
def send_reminders() -> int:
    """E-mail the reminder digests; return how many reminders were recorded."""
    return services.send_freshness_reminders().reminders_created


@task()
def escalate_reminders() -> int:
    """Escalate unanswered and bounced reminders; return how many."""
    return len(services.escalate_ignored_reminders().reminders)


@task()
def recompute_scores() -> int:
    """Recompute every place's freshness score; return how many changed."""
    return services.recompute_all_freshness()
