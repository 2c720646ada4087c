"""Mon espace gathers what a person has to do and the pages of each of their roles."""

import pytest
from django.urls import reverse

from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.networks.models import Membership, MembershipStatus

pytestmark = pytest.mark.django_db


def my_space(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("accounts:profile")).content.decode()


def test_a_coordinator_is_told_of_applications_and_finds_every_tool_of_the_network(
    client, dora, network_a, other_place, membership
):
    Membership.objects.create(network=network_a, place=other_place, status=MembershipStatus.APPLIED)

    html = my_space(client, dora)

    assert "1 candidature à examiner — Réseau A" in html
    for name in ["membership-list", "network-roles", "network-territory"]:
        assert reverse(f"networks:{name}", args=["reseau-a"]) in html
    for name in ["scheme-list", "simulator"]:
        assert reverse(f"mobility:{name}", args=["reseau-a"]) in html
    assert "/mobilite/reseaux/reseau-a/flux/" in html
    assert "/mobilite/reseaux/reseau-a/cloture/" in html
    assert reverse("freshness:network-dashboard", args=["reseau-a"]) in html
    assert reverse("transfer:upload") in html


def test_a_member_of_nothing_has_nothing_to_do(client, bob):
    html = my_space(client, bob)

    assert "Rien à faire pour l'instant." in html
    assert "Les réseaux que je coordonne" not in html
    assert "Les lieux que je gère" not in html


def test_only_a_soucieux_se_is_sent_to_the_expense_queue(client, network_a, bob, alice):
    circle = CircleFactory(network=network_a, name="Cercle vélo", slug="cercle-velo")
    CircleMemberFactory(circle=circle, user=bob, role="participant")
    CircleMemberFactory(circle=circle, user=alice, role="steward")
    queue = reverse("circles:expense-list", args=["cercle-velo"])

    bobs = my_space(client, bob)
    assert reverse("circles:budget", args=["cercle-velo"]) in bobs
    assert queue not in bobs
    assert queue in my_space(client, alice)
