import pytest

from maillage.opportunities import services
from maillage.opportunities.tests.factories import CallFactory


@pytest.fixture
def call(network_a, commune):
    """An open call of network A for the commune's department, with a 50 000 € ceiling."""
    return CallFactory(
        title="Tiers-lieux nourriciers",
        slug="tiers-lieux-nourriciers",
        network=network_a,
        scope="local",
        department_codes=[commune.department_code],
        region_codes=[],
        required_pieces=["Budget prévisionnel", "Statuts"],
    )


@pytest.fixture
def answer(call, alice, place):
    """Alice's place leads an answer to `call`."""
    return services.open_answer(call=call, by=alice, lead_place=place)
