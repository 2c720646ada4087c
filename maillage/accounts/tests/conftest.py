import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache(db):
    """Rate-limit counters (login throttling) live in the cache: never let them leak across tests."""
    cache.clear()
    yield
    cache.clear()
