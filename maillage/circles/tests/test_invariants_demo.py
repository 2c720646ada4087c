"""The demo circles are built through the services: three statuses, people in every role,
consent and vote, a partial grant and a revision, paid expenses — and every invariant holds.
Loading twice changes nothing; deleting them frees the demo network for a reset."""

import pytest

from maillage.accounts.tests.factories import UserFactory
from maillage.circles import budget
from maillage.circles.budget_services import circle_ledger_issues
from maillage.circles.models import CircleRole, CircleStatus, Decision, Expense
from maillage.circles.tests.test_transparency_ledger import assert_transparency_equals_ledger
from maillage.demo.circles import delete_demo_circles, demo_circles, load_demo_circles
from maillage.demo.selectors import REGIONAL_SLUG
from maillage.ledger import selectors as ledger_selectors
from maillage.ledger.models import Account
from maillage.networks.models import Membership, MembershipStatus, Network, NetworkRole
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import PlaceRole
from maillage.places.tests.factories import PlaceFactory


@pytest.fixture
def demo_network(commune):
    regional = NetworkFactory(slug=REGIONAL_SLUG, level=Network.Level.REGIONAL)
    coordinator = UserFactory(email="coordination@demo.maillage.fr")
    NetworkRole.objects.create(
        network=regional, user=coordinator, role=NetworkRole.Role.COORDINATOR
    )
    for n in range(3):
        local = NetworkFactory(
            name=f"Cercle {n}", slug=f"cercle-{n}-demo", level=Network.Level.LOCAL, parent=regional
        )
        for p in range(2):
            place = PlaceFactory(commune=commune)
            for network in (regional, local):
                Membership.objects.create(
                    network=network, place=place, status=MembershipStatus.ACCEPTED
                )
            for role in (PlaceRole.Role.MANAGER, PlaceRole.Role.MEMBER):
                user = UserFactory(email=f"p{n}{p}{role}@demo.maillage.fr")
                PlaceRole.objects.create(place=place, user=user, role=role)
    return regional


def test_the_demo_circles_tell_a_true_story(demo_network):
    logins = load_demo_circles()
    circles = list(demo_circles().order_by("pk"))
    assert [c.status for c in circles] == [
        CircleStatus.ACTIVE,
        CircleStatus.EMERGING,
        CircleStatus.PREFIGURATION,
    ]
    active = circles[0]
    roles = set(active.members.filter(ended_at__isnull=True).values_list("role", flat=True))
    assert roles == set(CircleRole.values)
    decisions = Decision.objects.filter(meeting__circle=active, proposal__isnull=False)
    assert {d.method for d in decisions} == {Decision.Method.CONSENT, Decision.Method.VOTE}
    assert decisions.filter(supersedes__isnull=False).count() == 1  # one revision
    # 12 000 + 8 000 + 3 000 = 23 000 €; 4 000 + 1 800 + 900 = 6 700 € granted; 4 700 € paid.
    assert budget.budget_total(circle=active) == 2_300_000
    assert budget.granted_total(circle=active) == 670_000
    assert budget.spent_total(circle=active) == 470_000
    assert Expense.objects.filter(status=Expense.Status.PAID).count() == 4
    for circle in circles:
        assert_transparency_equals_ledger(circle)
    assert circle_ledger_issues() == []
    assert any("Soucieux·se" in login.role for login in logins)


def test_loading_twice_changes_nothing(demo_network):
    load_demo_circles()
    before = (
        demo_circles().count(),
        Decision.objects.count(),
        ledger_selectors.check_ledger().transfers,
    )
    assert load_demo_circles() == []
    assert (
        demo_circles().count(),
        Decision.objects.count(),
        ledger_selectors.check_ledger().transfers,
    ) == before


def test_deleting_the_demo_circles_frees_the_network(demo_network):
    load_demo_circles()
    delete_demo_circles()
    assert not demo_circles().exists()
    assert not Account.objects.filter(network=demo_network).exists()
    Network.objects.filter(parent=demo_network).delete()
    demo_network.delete()  # nothing protects it any more
    assert not Network.objects.filter(slug=REGIONAL_SLUG).exists()
