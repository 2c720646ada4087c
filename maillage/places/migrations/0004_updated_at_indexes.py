"""Indexes on updated_at, so the search's directory version (MAX(updated_at)) is a lookup.

The search keeps a picture of the directory per version (maillage.places.search.index) and
reads the version on every request: without these, MAX(updated_at) scans 60,000 spaces.
Plain SQL (no model state): both SQLite and PostgreSQL understand it.
"""

from django.db import migrations

INDEXES = [
    ("places_place_updated_at_idx", "places_place"),
    ("places_space_updated_at_idx", "places_space"),
    ("places_equipment_updated_at_idx", "places_equipment"),
]


class Migration(migrations.Migration):
    dependencies = [("places", "0003_search_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} (updated_at)",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table in INDEXES
    ]
