"""The full-text index of skills, for the search page's "Personnes et compétences" section.

Every word of a query must start a word of a skill's `search_text` (light French stems, kept by
`Skill.save`). Asked with LIKE, that scanned every visible skill (43,000 public ones on the
benchmark: a fifth of the search page's time); asked of an index, only the matching skills are
read. The database keeps the index itself, so bulk inserts and deletions are seen too:

- SQLite: an FTS5 table whose content is `accounts_skill` (no copy of the text), kept by
  triggers. SQLite drops a table's triggers when a migration rebuilds it, so they are
  (re)installed after every `migrate`, and the index rebuilt when they had to be.
- PostgreSQL: a GIN index on the expression `to_tsvector('simple', search_text)`, which the
  database maintains like any index.

Other databases keep the LIKE scan (`matching_ids` answers None).
"""

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS people_search USING fts5(search_text, "
    "content='accounts_skill', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_TRIGGERS = {
    "accounts_skill_fts_insert": (
        "AFTER INSERT ON accounts_skill BEGIN "
        "INSERT INTO people_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "accounts_skill_fts_delete": (
        "AFTER DELETE ON accounts_skill BEGIN "
        "INSERT INTO people_search(people_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "accounts_skill_fts_update": (
        "AFTER UPDATE OF search_text ON accounts_skill BEGIN "
        "INSERT INTO people_search(people_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO people_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}
PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS accounts_skill_search_fts ON accounts_skill "
    "USING GIN (to_tsvector('simple', search_text))"
)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index (and its triggers) where missing; rebuild it if triggers were missing."""
    if "accounts_skill" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_TABLE)
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accounts_skill'"
            )
            present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in SQLITE_TRIGGERS if name not in present]
            for name in missing:
                cursor.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}")
            if missing:
                # Writes made while a trigger was missing are not in the index: read it anew.
                cursor.execute("INSERT INTO people_search(people_search) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute(PG_INDEX)


def install_after_migrate(*, using: str = "default", **_kwargs: Any) -> None:
    install(connections[using])


def matching_ids(stems: list[str], *, using: str) -> tuple[str, list[str]] | None:
    """SQL (and its parameters) selecting the ids of skills where every stem starts a word;
    None where the database has no such index."""
    vendor = connections[using].vendor
    # Stems are [0-9a-z]+ (`french_stem.tokens`): nothing to escape in either query language.
    if vendor == "sqlite":
        query = " AND ".join(f'"{stem}"*' for stem in stems)
        return "SELECT rowid FROM people_search WHERE people_search MATCH %s", [query]
    if vendor == "postgresql":
        query = " & ".join(f"{stem}:*" for stem in stems)
        return (
            "SELECT id FROM accounts_skill "
            "WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', %s)",
            [query],
        )
    return None
