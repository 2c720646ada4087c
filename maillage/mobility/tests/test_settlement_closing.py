"""Closing a month: its statements are frozen, late events go to the next open month."""

import datetime
import zoneinfo

import pytest
import time_machine

from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.mobility import booking as svc
from maillage.mobility import services, settlement
from maillage.mobility.models import ClosedMonth, SchemeModel
from maillage.mobility.tests.conftest import make_scheme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
MAY = datetime.date(2026, 5, 1)
LAST_TUESDAY_OF_MARCH = datetime.date(2026, 3, 31)


def at(year, month, day, hour=10):
    return time_machine.travel(datetime.datetime(year, month, day, hour, tzinfo=PARIS), tick=False)


@pytest.fixture
def visit(bob, place, membership, network_a, offer, other_place):
    """Bob (La Bobine) books Le Hangar on 31 March under the pass model: the network pays the
    host 12 € a day."""
    with at(2026, 3, 30):
        scheme = make_scheme(network_a, SchemeModel.PASS)
        pass_ = services.subscribe_pass(user=bob, scheme=scheme, home_place=place)
        return svc.book_visit(
            pass_=pass_, place=other_place, day=LAST_TUESDAY_OF_MARCH, idempotency_key="k"
        )


def _summary(statement):
    return [(line.day, line.direction, line.amount_cents, line.late) for line in statement.lines]


def test_closing_a_month_freezes_the_statements_in_a_snapshot(visit, charlie, dora, network_a):
    with at(2026, 3, 31):
        svc.check_in(booking=visit, by=charlie)
    with at(2026, 4, 2):
        closed = settlement.close_month(network=network_a, month=MARCH, by=dora)
    assert (closed.visits, closed.amount_cents, closed.closed_by) == (1, 1200, dora)
    host = settlement.place_statement(place=visit.offer.place, network=network_a, month=MARCH)
    assert host.closed == closed
    assert _summary(host) == [(LAST_TUESDAY_OF_MARCH, "hosted", 1200, False)]


def test_closing_a_month_twice_is_refused_in_french_and_changes_nothing(
    visit, charlie, dora, root, network_a
):
    with at(2026, 3, 31):
        svc.check_in(booking=visit, by=charlie)
    with at(2026, 4, 2):
        first = settlement.close_month(network=network_a, month=MARCH, by=dora)
    with at(2026, 4, 3), pytest.raises(settlement.MonthAlreadyClosed) as error:
        settlement.close_month(network=network_a, month=MARCH, by=root)
    assert error.value.message == (
        "Le mois de mars 2026 est déjà clôturé (le 2 avril 2026 par Dora) : rien n'a changé."
    )
    again = ClosedMonth.objects.get()
    assert (again.pk, again.closed_by, again.snapshot) == (first.pk, dora, first.snapshot)


def test_a_month_not_yet_over_cannot_be_closed(visit, dora, network_a):
    with at(2026, 3, 31, 23), pytest.raises(settlement.MonthNotOver) as error:
        settlement.close_month(network=network_a, month=MARCH, by=dora)
    assert "n'est pas terminé" in error.value.message
    assert "à partir du 1er avril 2026" in error.value.message
    assert not ClosedMonth.objects.exists()


def test_the_refusal_elides_de_before_a_month_starting_with_a_vowel(visit, dora, network_a):
    with at(2026, 4, 15), pytest.raises(settlement.MonthNotOver) as error:
        settlement.close_month(network=network_a, month=datetime.date(2026, 4, 1), by=dora)
    assert error.value.message.startswith("Le mois d'avril 2026 n'est pas terminé")


def test_a_late_check_in_is_booked_to_the_next_month_and_the_closed_one_never_changes(
    visit, charlie, dora, place, other_place, network_a
):
    with at(2026, 4, 1, 8):
        settlement.close_month(network=network_a, month=MARCH, by=dora)
    before = settlement.place_statement(place=other_place, network=network_a, month=MARCH)
    assert before.lines == []
    with at(2026, 4, 2):
        # The host records the 31 March visit two days late.
        svc.check_in(booking=visit, by=charlie)
    march = settlement.place_statement(place=other_place, network=network_a, month=MARCH)
    april = settlement.place_statement(place=other_place, network=network_a, month=APRIL)
    assert march.lines == [] and march.net_cents == 0
    assert _summary(april) == [(LAST_TUESDAY_OF_MARCH, "hosted", 1200, True)]
    # The home place shows the visit of its member (the pool pays under the pass model: 0 €).
    home = settlement.place_statement(place=place, network=network_a, month=APRIL)
    assert _summary(home) == [(LAST_TUESDAY_OF_MARCH, "made", 0, True)]
    flows = settlement.settle_month(network=network_a, month=APRIL).flows
    # A late payment is money of April, not a visit of April.
    assert [(f.from_place, f.to_place, f.visits, f.amount_cents) for f in flows] == [
        ("La Bobine", "Le Hangar", 0, 1200)
    ]


def test_a_reversal_after_closing_goes_to_the_next_open_month(
    visit, charlie, dora, other_place, network_a
):
    with at(2026, 3, 31):
        svc.check_in(booking=visit, by=charlie)
    with at(2026, 4, 2):
        settlement.close_month(network=network_a, month=MARCH, by=dora)
    with at(2026, 4, 20):
        ledger.reverse_transfer(
            transfer=Transfer.objects.caused_by(visit).get(), idempotency_key="undo", by=dora
        )
    march = settlement.place_statement(place=other_place, network=network_a, month=MARCH)
    april = settlement.place_statement(place=other_place, network=network_a, month=APRIL)
    assert (march.net_cents, april.net_cents) == (1200, -1200)
    assert _summary(april) == [(LAST_TUESDAY_OF_MARCH, "hosted", -1200, True)]


def test_a_late_no_show_skips_every_closed_month(visit, dora, other_place, network_a):
    with at(2026, 4, 1, 8):
        settlement.close_month(network=network_a, month=MARCH, by=dora)
    with at(2026, 5, 1, 8):
        settlement.close_month(network=network_a, month=APRIL, by=dora)
    with at(2026, 5, 4):
        # The end-of-day run caught up late: the charged no-show is booked to May.
        assert svc.record_no_shows(day=LAST_TUESDAY_OF_MARCH) == 1
    statements = [
        settlement.place_statement(place=other_place, network=network_a, month=month).net_cents
        for month in (MARCH, APRIL, MAY)
    ]
    assert statements == [0, 0, 1200]


def test_an_open_month_is_computed_from_the_ledger_in_a_bounded_number_of_queries(
    visit, charlie, network_a, django_assert_max_num_queries
):
    with at(2026, 3, 31):
        svc.check_in(booking=visit, by=charlie)
    with django_assert_max_num_queries(4):
        result = settlement.settle_month(network=network_a, month=MARCH)
    assert (result.visits, result.amount_cents, len(result.statements)) == (1, 1200, 2)


def test_booked_month_is_the_first_month_open_when_the_event_was_posted():
    closings = {
        MARCH: datetime.datetime(2026, 4, 2, tzinfo=PARIS),
        APRIL: datetime.datetime(2026, 5, 2, tzinfo=PARIS),
    }
    day = datetime.date(2026, 3, 15)
    assert settlement.booked_month(day=day, posted_at=closings[MARCH], closings=closings) == APRIL
    before = datetime.datetime(2026, 4, 1, tzinfo=PARIS)
    assert settlement.booked_month(day=day, posted_at=before, closings=closings) == MARCH
    late = datetime.datetime(2026, 6, 1, tzinfo=PARIS)
    assert settlement.booked_month(day=day, posted_at=late, closings=closings) == MAY


def test_the_admin_lists_closed_months_read_only(client, root, dora, visit, network_a):
    with at(2026, 4, 2):
        closed = settlement.close_month(network=network_a, month=MARCH, by=dora)
    client.force_login(root)
    listing = client.get("/admin/mobility/closedmonth/").content.decode()
    assert "Dora" in listing or "dora" in listing
    assert client.post(f"/admin/mobility/closedmonth/{closed.pk}/delete/").status_code == 403
    assert ClosedMonth.objects.filter(pk=closed.pk).exists()
