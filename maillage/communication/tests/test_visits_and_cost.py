"""The facilitator's visit log (needs → orientation requests) and the post's shared cost,
charged through the ledger."""

import datetime

import pytest
import time_machine

from maillage.communication import services
from maillage.communication.models import CostKey, Permanence, Rota
from maillage.ledger.selectors import check_ledger, transfers_caused_by
from maillage.networks.models import NetworkRole
from maillage.places.tests.factories import SpaceFactory

D = datetime.date


@pytest.fixture
def done(rota, place, dora):
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am")
    services.generate_permanences(by=dora, rota=rota)
    return Permanence.objects.filter(place=place).order_by("date").first()


@time_machine.travel("2027-03-02 18:00 +01:00")
@pytest.mark.django_db
def test_the_facilitator_logs_a_visit_and_turns_a_need_into_an_orientation(done, fanny, network_a):
    NetworkRole.objects.create(network=network_a, user=fanny, role=NetworkRole.Role.GUIDE)
    visit = services.log_visit(
        by=fanny,
        permanence=done,
        notes="Belle matinée",
        people_met=7,
        needs=["Un logiciel de compta", ""],
    )
    need = visit.needs.get()
    request = services.need_to_orientation(by=fanny, need=need)
    assert "Un logiciel de compta" in request.need and "La Bobine" in request.need
    assert request.commune == done.place.commune
    with pytest.raises(services.SlotTaken):
        services.need_to_orientation(by=fanny, need=need)


@time_machine.travel("2027-03-02 18:00 +01:00")
@pytest.mark.django_db
def test_only_who_came_keeps_the_log(done, alice, dora):
    for who in (alice, dora):
        with pytest.raises(services.NotAllowed):
            services.log_visit(by=who, permanence=done, notes="x")
    from maillage.communication.models import Visit

    assert not Visit.objects.exists()


@time_machine.travel("2027-02-01 10:00 +01:00")
@pytest.mark.django_db
def test_a_visit_is_not_logged_before_it_happens(done, fanny):
    with pytest.raises(services.InvalidRota):
        services.log_visit(by=fanny, permanence=done, notes="En avance")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (CostKey.EQUAL, {"La Bobine": 50000, "Le Hangar": 50000}),
        (CostKey.SIZE, {"La Bobine": 75000, "Le Hangar": 25000}),
        (CostKey.BRACKET, {"La Bobine": 75000, "Le Hangar": 25000}),
    ],
)
def test_the_cost_is_shared_by_the_chosen_key(rota, place, other_place, dora, key, expected):
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am")
    services.add_slot(by=dora, rota=rota, place=other_place, weekday=1, half="am")
    SpaceFactory(place=place, capacity=30)
    SpaceFactory(place=other_place, capacity=10)
    rota.cost_key = key
    rota.save()
    services.set_bracket(by=dora, rota=rota, place=place, bracket="c")
    services.set_bracket(by=dora, rota=rota, place=other_place, bracket="a")
    rota.refresh_from_db()
    shares = {p.name: cents for p, cents in services.cost_shares(rota=rota)}
    assert shares == expected
    assert sum(shares.values()) == rota.cost_cents


@pytest.mark.django_db
def test_remainders_are_shared_to_the_cent(rota, place, other_place, dora):
    from maillage.networks.models import Membership, MembershipStatus
    from maillage.places.tests.factories import PlaceFactory

    third = PlaceFactory(name="Le Tiers")
    Membership.objects.create(network=rota.network, place=third, status=MembershipStatus.ACCEPTED)
    for i, p in enumerate((place, other_place, third)):
        services.add_slot(by=dora, rota=rota, place=p, weekday=i, half="am")
    rota.cost_cents = 100
    rota.save()
    cents = [c for _p, c in services.cost_shares(rota=rota)]
    assert sorted(cents) == [33, 33, 34]


@pytest.mark.django_db
def test_shares_are_charged_through_the_ledger_once(rota, place, other_place, dora, alice):
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am")
    services.add_slot(by=dora, rota=rota, place=other_place, weekday=1, half="am")
    with pytest.raises(services.NotAllowed):
        services.charge_costs(by=alice, rota=rota)
    charges = services.charge_costs(by=dora, rota=rota)
    assert len(charges) == 2
    assert services.post_account(rota).balance_cents == 1_000_00
    for charge in charges:
        assert transfers_caused_by(charge).get().amount_cents == charge.amount_cents
    assert services.charge_costs(by=dora, rota=rota) == []
    assert services.post_account(rota).balance_cents == 1_000_00
    assert check_ledger().ok


@pytest.mark.django_db
def test_a_rota_without_cost_has_nothing_to_charge(rota, place, dora):
    Rota.objects.filter(pk=rota.pk).update(cost_cents=None)
    rota.refresh_from_db()
    services.add_slot(by=dora, rota=rota, place=place, weekday=0, half="am")
    with pytest.raises(services.InvalidRota):
        services.charge_costs(by=dora, rota=rota)
