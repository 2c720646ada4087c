"""The directory's version: a one-row counter the database bumps on every write to the
directory's tables (places, spaces, equipment, memberships, networks).

The search picture (`index.py`) is kept per version in each process and the version is asked on
every request: one primary-key read, where counts and maxima over five tables were full scans.
Triggers, not signals, so bulk writes, imports and other processes are seen too.

The table comes from migration `directory.0001`; the triggers are (re)installed after every
`migrate` (`post_migrate`), because SQLite drops a table's triggers whenever a migration rebuilds
the table, as it does to add or alter most columns. PostgreSQL bumps the counter in a deferred
trigger (at commit), so the counter row is the last lock a transaction takes and two writers
never deadlock on it; TRUNCATE (the test runner's flush) has a statement trigger of its own.
"""

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = (
    "places_place",
    "places_space",
    "places_equipment",
    "networks_membership",
    "networks_network",
)
BUMP = "UPDATE directory_version SET n = n + 1 WHERE id = 1"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION directory_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP};
    RETURN NULL;
END
$$
"""


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    """Create the counter's triggers where they are missing (idempotent)."""
    tables = set(connection.introspection.table_names())
    if "directory_version" not in tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in TABLES:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_version_{event.lower()} "
                        f"AFTER {event} ON {table} BEGIN {BUMP}; END"
                    )
        elif connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in TABLES:
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
                    [table, f"{table}_version%"],
                )
                present = {row[0] for row in cursor.fetchall()}
                if f"{table}_version" not in present:
                    cursor.execute(
                        f"CREATE CONSTRAINT TRIGGER {table}_version "
                        f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                        "EXECUTE FUNCTION directory_version_bump()"
                    )
                if f"{table}_version_truncate" not in present:
                    cursor.execute(
                        f"CREATE TRIGGER {table}_version_truncate AFTER TRUNCATE ON {table} "
                        "FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump()"
                    )


def install_after_migrate(*, using: str = "default", **_kwargs: Any) -> None:
    connection = connections[using]
    if connection.vendor in ("sqlite", "postgresql"):
        install_triggers(connection)


def counter(using: str) -> int | None:
    """The counter, or None when it cannot be trusted or read (then ask the tables)."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        return None  # its triggers fire at commit: this transaction's writes are not counted yet
    if connection.vendor not in ("sqlite", "postgresql"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM directory_version WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else int(row[0])
