"""The directory's admin: freshness reminders (their model stays in `places`)."""

from maillage.directory.freshness import admin as _freshness_admin  # noqa: F401
