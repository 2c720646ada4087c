"""Full-text search in the database's own engine: SQLite FTS5 or PostgreSQL tsvector.

Both index the same text: each field of a place (with its spaces and equipment) passed through
`maillage.lib.french_stem`, so accents, case and common French endings are gone before either
engine sees it. SQLite's FTS5 uses `unicode61 remove_diacritics 2`; PostgreSQL the `simple`
configuration — neither needs to know French, so both match (and rank) the same way.

The index is a table outside Django's models (`places_search`), created by migration
`places.0003_search_index`; its rows are keyed by place id. `index_places` rewrites rows,
`rebuild` rewrites all of them, `matches` answers a query with a score per place id.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import translation

from maillage.lib.french_stem import family_text, family_tokens
from maillage.places.models import EquipmentCategory, PlaceType, SpaceKind

# The indexed columns, most telling first; their weights in ranking.
COLUMNS = ("name", "summary", "description", "commune", "types", "spaces", "equipment")
# bm25 weights (SQLite). PostgreSQL has four weight classes: A name, B summary/commune/types,
# C spaces/equipment, D description — the same order.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0, 3.0, 3.0, 2.0, 2.0)
PG_CLASSES = {
    "A": ("name",),
    "B": ("summary", "commune", "types"),
    "C": ("spaces", "equipment"),
    "D": ("description",),
}
CHUNK = 500

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS places_search USING fts5("
    + ", ".join(COLUMNS)
    + ", tokenize = 'unicode61 remove_diacritics 2')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS places_search"
PG_CREATE = [
    "CREATE TABLE IF NOT EXISTS places_search ("
    "place_id integer PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS places_search_document ON places_search USING GIN (document)",
]
PG_DROP = "DROP TABLE IF EXISTS places_search"


def is_supported(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def create_table(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_CREATE)
        elif connection.vendor == "postgresql":
            for sql in PG_CREATE:
                cursor.execute(sql)


def drop_table(connection: BaseDatabaseWrapper) -> None:
    if is_supported(connection):
        with connection.cursor() as cursor:
            cursor.execute(SQLITE_DROP if connection.vendor == "sqlite" else PG_DROP)


# --- documents ------------------------------------------------------------------------------


def _labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    # Index the French labels, whatever language the request that triggered the write speaks.
    with translation.override("fr"):
        return (
            {code: str(label) for code, label in PlaceType.choices},
            {code: str(label) for code, label in SpaceKind.choices},
            {code: str(label) for code, label in EquipmentCategory.choices},
        )


def documents(
    place_ids: list[int], *, place_model: Any, space_model: Any, equipment_model: Any, using: str
) -> list[tuple[int, dict[str, str]]]:
    """The stemmed text of each place's columns, for the given ids (three queries)."""
    type_labels, kind_labels, category_labels = _labels()
    spaces: dict[int, list[str]] = defaultdict(list)
    for place_id, name, kind, uses in (
        space_model.objects.using(using)
        .filter(place_id__in=place_ids)
        .values_list("place_id", "name", "kind", "uses")
    ):
        spaces[place_id].extend([name, kind_labels.get(kind, ""), uses])
    equipment: dict[int, list[str]] = defaultdict(list)
    for place_id, name, category in (
        equipment_model.objects.using(using)
        .filter(place_id__in=place_ids)
        .values_list("place_id", "name", "category")
    ):
        equipment[place_id].extend([name, category_labels.get(category, "")])
    rows = []
    for pk, name, summary, description, types, commune in (
        place_model.objects.using(using)
        .filter(pk__in=place_ids)
        .values_list("pk", "name", "summary", "description", "types", "commune__name")
    ):
        rows.append(
            (
                pk,
                {
                    "name": family_text(name),
                    "summary": family_text(summary),
                    "description": family_text(description),
                    "commune": family_text(commune or ""),
                    "types": family_text(" ".join(type_labels.get(t, "") for t in types or [])),
                    "spaces": family_text(" ".join(spaces.get(pk, []))),
                    "equipment": family_text(" ".join(equipment.get(pk, []))),
                },
            )
        )
    return rows


# --- writing --------------------------------------------------------------------------------


def index_places(
    place_ids: Iterable[int],
    *,
    using: str = "default",
    place_model: Any = None,
    space_model: Any = None,
    equipment_model: Any = None,
) -> int:
    """Rewrite the index rows of these places (rows of deleted places go); return how many."""
    from maillage.places.models import Equipment, Place, Space

    connection = connections[using]
    if not is_supported(connection):
        return 0
    ids = list(place_ids)
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = documents(
            chunk,
            place_model=place_model or Place,
            space_model=space_model or Space,
            equipment_model=equipment_model or Equipment,
            using=using,
        )
        _write(connection, chunk, rows)
        done += len(rows)
    return done


def _write(
    connection: BaseDatabaseWrapper, ids: list[int], rows: list[tuple[int, dict[str, str]]]
) -> None:
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM places_search WHERE rowid IN ({marks})", ids)  # noqa: S608
            if rows:
                cursor.executemany(
                    f"INSERT INTO places_search (rowid, {', '.join(COLUMNS)}) "  # noqa: S608
                    f"VALUES (%s, {', '.join(['%s'] * len(COLUMNS))})",
                    [(pk, *(doc[c] for c in COLUMNS)) for pk, doc in rows],
                )
        else:
            cursor.execute(f"DELETE FROM places_search WHERE place_id IN ({marks})", ids)  # noqa: S608
            if rows:
                vector = " || ".join(
                    f"setweight(to_tsvector('simple', %s), '{weight}')" for weight in PG_CLASSES
                )
                cursor.executemany(
                    f"INSERT INTO places_search (place_id, document) VALUES (%s, {vector})",  # noqa: S608
                    [
                        (
                            pk,
                            *(" ".join(doc[c] for c in columns) for columns in PG_CLASSES.values()),
                        )
                        for pk, doc in rows
                    ],
                )


def rebuild(
    *,
    using: str = "default",
    progress: Callable[[int, int], None] | None = None,
    place_model: Any = None,
    space_model: Any = None,
    equipment_model: Any = None,
) -> int:
    """Empty the index and index every place again; return how many places it holds."""
    from maillage.places.models import Place

    connection = connections[using]
    if not is_supported(connection):
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM places_search")
    ids = list((place_model or Place).objects.using(using).values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), CHUNK):
        done += index_places(
            ids[start : start + CHUNK],
            using=using,
            place_model=place_model,
            space_model=space_model,
            equipment_model=equipment_model,
        )
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return done


# --- reading --------------------------------------------------------------------------------


def query_tokens(text: str) -> list[str]:
    """The word families of a query, without repeats (each one must match a whole word)."""
    return list(dict.fromkeys(family_tokens(text)))


def _expression(connection: BaseDatabaseWrapper, stems: list[str] | tuple[str, ...]) -> str:
    # Stems are [0-9a-z]+ only (see french_stem), so they need no escaping in either syntax.
    # No prefix: "repar" must not find "reparsac" (word families are in the stems already).
    if connection.vendor == "sqlite":
        return " AND ".join(f'"{s}"' for s in stems)
    return " & ".join(stems)


def scores(
    text: str, *, using: str = "default", stems: list[str] | tuple[str, ...] | None = None
) -> dict[int, float]:
    """Every place matching all the words (or these stems), with its relevance (higher first)."""
    connection = connections[using]
    stems = query_tokens(text) if stems is None else stems
    if not stems or not is_supported(connection):
        return {}
    expression = _expression(connection, stems)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
            cursor.execute(
                f"SELECT rowid, -bm25(places_search, {weights}) FROM places_search "  # noqa: S608
                "WHERE places_search MATCH %s",
                [expression],
            )
        else:
            cursor.execute(
                "SELECT place_id, ts_rank(document, query) FROM places_search, "
                "to_tsquery('simple', %s) AS query WHERE document @@ query",
                [expression],
            )
        return {pk: float(score) for pk, score in cursor.fetchall()}
