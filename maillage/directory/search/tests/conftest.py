import pytest

from maillage.directory.search.services import rebuild_search_index
from maillage.territory.tests.factories import CommuneFactory


@pytest.fixture
def reindex(db):
    """Call after building places with factories (which skip the services): rebuilds the index."""
    return rebuild_search_index


@pytest.fixture
def douai(db):
    return CommuneFactory(
        code_insee="59178", name="Douai", postal_codes="|59500|", latitude=50.3714, longitude=3.08
    )


@pytest.fixture
def lille(db):
    return CommuneFactory(
        code_insee="59350",
        name="Lille",
        postal_codes="|59000|59160|59260|59777|59800|",
        population=236000,
        latitude=50.6319,
        longitude=3.0575,
    )
