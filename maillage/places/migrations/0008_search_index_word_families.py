"""Refill the full-text index: it now stores word families and joined compounds
("découpeuse" and "découpe" → "decoup", "fab lab" → "fablab"), see french_stem.family_tokens."""

from django.db import migrations


def refill(apps, schema_editor):
    from maillage.directory.search import backends

    backends.rebuild(
        using=schema_editor.connection.alias,
        place_model=apps.get_model("places", "Place"),
        space_model=apps.get_model("places", "Space"),
        equipment_model=apps.get_model("places", "Equipment"),
    )


class Migration(migrations.Migration):
    dependencies = [("places", "0007_import_heartbeat")]

    operations = [migrations.RunPython(refill, refill, elidable=True)]
