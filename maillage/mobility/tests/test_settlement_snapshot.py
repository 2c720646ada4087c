"""The compact snapshot of a closed month holds exactly what the live computation gave."""

import dataclasses
import datetime
import zoneinfo

import pytest
import time_machine

from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.mobility import booking as svc
from maillage.mobility import services, settlement
from maillage.mobility.models import SchemeModel
from maillage.mobility.tests.conftest import make_scheme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


def at(year, month, day, hour=10):
    return time_machine.travel(datetime.datetime(year, month, day, hour, tzinfo=PARIS), tick=False)


@pytest.fixture
def april_with_a_late_event(bob, place, membership, network_a, offer, other_place, charlie, dora):
    """March is closed with a visit unchecked; it is checked in late (an April event), a second
    visit on 7 April is checked in, then paid back: April has a late line, a counted line and a
    reversal."""
    with at(2026, 3, 30):
        scheme = make_scheme(network_a, SchemeModel.PASS)
        pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        late = svc.book_visit(
            pass_=pass_, place=other_place, day=datetime.date(2026, 3, 31), idempotency_key="a"
        )
        april = svc.book_visit(
            pass_=pass_, place=other_place, day=datetime.date(2026, 4, 7), idempotency_key="b"
        )
    with at(2026, 4, 1, 8):
        settlement.close_month(network=network_a, month=MARCH, by=dora)
    with at(2026, 4, 2):
        svc.check_in(booking=late, by=charlie)
    with at(2026, 4, 7):
        svc.check_in(booking=april, by=charlie)
    with at(2026, 4, 8):
        ledger.reverse_transfer(
            transfer=Transfer.objects.caused_by(april).get(), idempotency_key="undo", by=dora
        )
    return [place, other_place]


def test_a_closed_month_shows_the_lines_totals_and_flows_computed_when_it_was_closed(
    april_with_a_late_event, network_a, dora
):
    places = april_with_a_late_event
    with at(2026, 5, 2):
        live = {
            p.pk: settlement.place_statement(place=p, network=network_a, month=APRIL)
            for p in places
        }
        live_month = settlement.settle_month(network=network_a, month=APRIL)
        settlement.close_month(network=network_a, month=APRIL, by=dora)
        frozen = {
            p.pk: settlement.place_statement(place=p, network=network_a, month=APRIL)
            for p in places
        }
        frozen_month = settlement.settle_month(network=network_a, month=APRIL)
    host = places[1].pk
    assert [(line.direction, line.amount_cents, line.late) for line in live[host].lines] == [
        ("hosted", 1200, True),
        ("hosted", 0, False),
    ]
    for pk, statement in live.items():
        assert frozen[pk].lines == statement.lines
        assert frozen[pk].closed is not None
    assert frozen_month.flows == live_month.flows == [("La Bobine", "Le Hangar", 1, 1200)]
    assert {pk: dataclasses.astuple(t) for pk, t in frozen_month.statements.items()} == {
        pk: dataclasses.astuple(t) for pk, t in live_month.statements.items()
    }


def test_the_month_totals_match_the_sum_of_every_statement_line(april_with_a_late_event, network_a):
    with at(2026, 5, 2):
        month = settlement.settle_month(network=network_a, month=APRIL)
        for place in april_with_a_late_event:
            statement = settlement.place_statement(place=place, network=network_a, month=APRIL)
            totals = month.statements[place.pk]
            assert (totals.received_cents, totals.paid_cents) == (
                statement.received_cents,
                statement.paid_cents,
            )
            assert (totals.hosted_visits, totals.made_visits) == (
                len(statement.hosted),
                len(statement.made),
            )
