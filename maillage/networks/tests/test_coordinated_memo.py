"""The networks a person coordinates are read once per request, and never stale."""

import pytest

from maillage.networks.models import NetworkRole
from maillage.networks.selectors import networks_coordinated_by
from maillage.networks.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def test_asking_again_reads_no_roles(dora, network_a, django_assert_num_queries):
    child = NetworkFactory(parent=network_a)
    assert set(networks_coordinated_by(user=dora)) == {network_a, child}
    with django_assert_num_queries(1):  # the networks themselves, not the roles again
        assert set(networks_coordinated_by(user=dora)) == {network_a, child}


def test_a_new_or_removed_role_or_a_moved_network_is_seen_at_once(dora, network_a, network_b):
    assert set(networks_coordinated_by(user=dora)) == {network_a}
    role = NetworkRole.objects.create(
        network=network_b, user=dora, role=NetworkRole.Role.COORDINATOR
    )
    assert set(networks_coordinated_by(user=dora)) == {network_a, network_b}
    role.delete()
    assert set(networks_coordinated_by(user=dora)) == {network_a}
    network_b.parent = network_a
    network_b.save()
    assert set(networks_coordinated_by(user=dora)) == {network_a, network_b}
