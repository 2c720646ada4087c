"""The full-text index of places (see maillage/directory/search/backends.py), filled once here.

SQLite gets an FTS5 virtual table, PostgreSQL a table of tsvectors with a GIN index; other
databases get nothing (search then falls back to plain name matching).
"""

from django.db import migrations


def create_and_fill(apps, schema_editor):
    from maillage.directory.search import backends

    connection = schema_editor.connection
    backends.create_table(connection)
    backends.rebuild(
        using=connection.alias,
        place_model=apps.get_model("places", "Place"),
        space_model=apps.get_model("places", "Space"),
        equipment_model=apps.get_model("places", "Equipment"),
    )


def drop(apps, schema_editor):
    from maillage.directory.search import backends

    backends.drop_table(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_directory_freshness_imports"),
        ("territory", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_and_fill, drop, elidable=False)]
