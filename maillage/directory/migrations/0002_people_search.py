"""The full-text index of skills (see `maillage.directory.search.people_index`).

Created here for existing databases; `post_migrate` re-creates what a later migration drops.
"""

from django.db import migrations


def create(apps, schema_editor):
    from maillage.directory.search import people_index

    people_index.install(schema_editor.connection)  # with no trigger yet, it fills the index


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS accounts_skill_fts_{name}")
            cursor.execute("DROP TABLE IF EXISTS people_search")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS accounts_skill_search_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_directory_version"),
        ("accounts", "0006_shared_field_rules"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
