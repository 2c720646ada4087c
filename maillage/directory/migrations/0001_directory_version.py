"""A one-row counter the database bumps on every write to the directory's tables.

The search page keeps a picture of the directory in each process and asks, on every request,
whether the directory changed. Asking with counts and maxima over five tables scanned them all
(5 ms on 10,000 places); a counter kept by triggers is one primary-key read. Triggers, not
signals, so bulk writes, imports and other processes are seen too.

PostgreSQL bumps it in a deferred trigger (at commit): the counter row is the last lock a
transaction takes, so two transactions writing places never deadlock on it; TRUNCATE (the test
runner's flush) has a statement trigger of its own.
"""

from django.db import migrations

TABLES = (
    "places_place",
    "places_space",
    "places_equipment",
    "networks_membership",
    "networks_network",
)

SQLITE_TABLE = (
    "CREATE TABLE IF NOT EXISTS directory_version "
    "(id integer PRIMARY KEY CHECK (id = 1), n bigint NOT NULL)"
)
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION directory_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$
"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(SQLITE_TABLE)
        cursor.execute(
            "INSERT INTO directory_version (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"
        )
        if connection.vendor == "sqlite":
            for table in TABLES:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_version_{event.lower()} "
                        f"AFTER {event} ON {table} BEGIN "
                        "UPDATE directory_version SET n = n + 1 WHERE id = 1; END"
                    )
        elif connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in TABLES:
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    "EXECUTE FUNCTION directory_version_bump()"
                )
                cursor.execute(
                    f"CREATE TRIGGER {table}_version_truncate AFTER TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump()"
                )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_version_{event}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_version_truncate ON {table}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS directory_version_bump()")
        cursor.execute("DROP TABLE IF EXISTS directory_version")


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0008_search_index_word_families"),
        ("networks", "0005_left_status_capital_accent"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
