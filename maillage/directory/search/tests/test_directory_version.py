"""The search picture is rebuilt whenever the directory's tables change, however they change.

The version is a counter kept by database triggers (migration `directory.0001`), so writes that
skip Django's signals — bulk inserts, queryset updates, another process — are noticed too.
"""

import pytest
from django.db import connection
from django.http import QueryDict

from maillage.directory.search import index
from maillage.directory.search.filters import SearchFilters
from maillage.directory.search.selectors import search
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import Place, Space
from maillage.places.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def counter() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM directory_version WHERE id = 1")
        return cursor.fetchone()[0]


def names(query: str) -> set[str]:
    filters, _notices = SearchFilters.from_query(QueryDict(query))
    return {result.place.name for result in search(filters, page_size=50).results}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL bumps it at commit")
def test_every_kind_of_write_bumps_the_counter(douai):
    place = PlaceFactory(commune=douai)
    before = counter()
    Place.objects.filter(pk=place.pk).update(summary="Changé sans signal")
    after_update = counter()
    Space.objects.bulk_create([Space(place=place, name="Salle", kind="meeting_room")])
    after_bulk = counter()
    NetworkFactory()
    after_network = counter()
    Place.objects.filter(pk=place.pk).delete()
    assert before < after_update < after_bulk < after_network < counter()


def test_a_bulk_insert_without_signals_is_found_at_once(reindex, douai):
    PlaceFactory(name="Déjà là", commune=douai, types=["cafe"])
    reindex()
    assert names("q=caf%C3%A9") == {"Déjà là"}
    generation = index._generation
    Place.objects.bulk_create(
        [Place(name="Arrivé en masse", slug="arrive-en-masse", commune=douai, types=["cafe"])]
    )
    assert index._generation == generation  # no signal told this process
    assert "Arrivé en masse" in names("type=cafe")


def test_the_counter_is_one_cheap_read(douai, django_assert_max_num_queries):
    PlaceFactory(commune=douai)
    with django_assert_max_num_queries(1) as captured:
        index.directory_version(connection.alias)
    if connection.vendor == "sqlite":
        assert "directory_version" in captured.captured_queries[0]["sql"]
