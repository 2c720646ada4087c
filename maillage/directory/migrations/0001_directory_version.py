"""The one-row counter of the directory's version (see `maillage.directory.search.version`).

Its triggers are installed after every `migrate`, not here: SQLite drops them whenever a later
migration rebuilds one of the directory's tables.
"""

from django.db import migrations


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS directory_version "
            "(id integer PRIMARY KEY CHECK (id = 1), n bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO directory_version (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"
        )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in (
            "places_place",
            "places_space",
            "places_equipment",
            "networks_membership",
            "networks_network",
        ):
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

    operations = [migrations.RunPython(create, drop, elidable=False)]
