"""A covering index for the search page's "Personnes et compétences" section.

`maillage.places.search.people` looks for query stems anywhere in `Skill.search_text`
(LIKE '% stem%'), which no index can seek; with this index the scan reads the compact index
(visibility, search_text, user_id) instead of every skill row: 14 → 6 ms on 87,000 skills.
Plain SQL (no model state), understood by SQLite and PostgreSQL (search_text stays short).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_skill_search_text")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS accounts_skill_search_idx "
            "ON accounts_skill (visibility, search_text, user_id)",
            "DROP INDEX IF EXISTS accounts_skill_search_idx",
        )
    ]
