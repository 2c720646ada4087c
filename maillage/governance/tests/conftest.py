import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.governance.models import GovernanceRole


@pytest.fixture
def tess(network_a):
    """Treasurer of network A (not a coordinator)."""
    user = UserFactory(email="tess@example.org", display_name="Tess")
    GovernanceRole.objects.create(network=network_a, user=user, role=GovernanceRole.Role.TREASURER)
    return user
