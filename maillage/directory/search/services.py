"""Writes of the search package: keeping the full-text index true to the directory."""

from collections.abc import Callable

from django.db import router

from maillage.directory.search import backends
from maillage.places.models import Place


def reindex_place(*, place: Place) -> None:
    """Rewrite the place's row of the full-text index (call after any write to it, its spaces or equipment)."""
    backends.index_places([place.pk], using=router.db_for_write(Place))


def reindex_places(*, place_ids: list[int]) -> int:
    """Rewrite the index rows of many places (imports); return how many were indexed."""
    return backends.index_places(place_ids, using=router.db_for_write(Place))


def rebuild_search_index(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole full-text index from the directory; return how many places it holds."""
    return backends.rebuild(using=router.db_for_write(Place), progress=progress)
