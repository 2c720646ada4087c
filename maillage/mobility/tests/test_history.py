"""Recording the past: a scheme in force since a past date, a pass held since then, past visits
checked in or missed — paid through the ledger like live ones, and settled in their month."""

import datetime

import pytest
from django.utils import timezone

from maillage.ledger.selectors import check_ledger, transfers_caused_by
from maillage.mobility import history, services
from maillage.mobility.booking import DayFull, OwnPlace, QuotaExhausted
from maillage.mobility.models import Booking, MobilityReason, SchemeModel
from maillage.mobility.settlement import close_month, place_statement, previous_month
from maillage.mobility.tests.conftest import next_weekday

TERMS = services.SchemeTerms(
    quota_days=2, monthly_price_cents=3000, day_rate_cents=1500, half_day_rate_cents=900
)


@pytest.fixture
def last_month():
    return previous_month(timezone.localdate().replace(day=1))


@pytest.fixture
def old_scheme(network_a, dora, last_month):
    return history.record_scheme_since(
        network=network_a,
        by=dora,
        name="Nomade",
        model=SchemeModel.PASS,
        since=previous_month(last_month),
        terms=TERMS,
    )


@pytest.fixture
def old_pass(old_scheme, bob, place, membership, last_month):
    return history.record_pass_since(
        scheme=old_scheme, holder=bob, home_place=place, since=previous_month(last_month)
    )


def test_a_scheme_cannot_be_recorded_from_today(network_a, dora):
    with pytest.raises(history.NotInThePast):
        history.record_scheme_since(
            network=network_a,
            by=dora,
            name="Nomade",
            model=SchemeModel.PASS,
            since=timezone.localdate(),
            terms=TERMS,
        )


def test_a_pass_held_since_two_months_ago_paid_its_three_fees(old_pass):
    fees = transfers_caused_by(old_pass)
    assert [t.reason for t in fees] == [MobilityReason.PASS_FEE] * 3
    assert {t.amount_cents for t in fees} == {3000}


def test_past_visits_are_paid_once_and_frozen_with_their_closed_month(
    old_pass, offer, other_place, charlie, network_a, dora, last_month
):
    monday = next_weekday(0, after=last_month - datetime.timedelta(days=1))
    came = history.record_past_visit(
        pass_=old_pass, place=other_place, day=monday, idempotency_key="k1", by=charlie
    )
    missed = history.record_past_visit(
        pass_=old_pass,
        place=other_place,
        day=monday + datetime.timedelta(days=1),
        attended=False,
        idempotency_key="k2",
        by=charlie,
    )
    again = history.record_past_visit(
        pass_=old_pass, place=other_place, day=monday, idempotency_key="k1", by=charlie
    )

    assert again == came
    assert came.status == Booking.Status.CHECKED_IN and came.checked_in_by == charlie
    assert missed.status == Booking.Status.NO_SHOW
    assert [t.amount_cents for t in transfers_caused_by(came)] == [1500]
    assert [t.reason for t in transfers_caused_by(missed)] == [MobilityReason.NO_SHOW]
    with pytest.raises(QuotaExhausted):
        history.record_past_visit(
            pass_=old_pass,
            place=other_place,
            day=monday + datetime.timedelta(days=2),
            idempotency_key="k3",
            by=charlie,
        )
    close_month(network=network_a, month=last_month, by=dora)
    statement = place_statement(place=other_place, network=network_a, month=last_month)
    assert statement.closed is not None
    assert sum(line.amount_cents for line in statement.lines) == 3000
    assert check_ledger().ok


def test_a_past_visit_keeps_the_rules_of_a_live_one(old_pass, offer, place, other_place, charlie):
    monday = next_weekday(0, after=timezone.localdate() - datetime.timedelta(days=15))
    with pytest.raises(OwnPlace):
        history.record_past_visit(
            pass_=old_pass, place=place, day=monday, idempotency_key="own", by=charlie
        )
    offer.desks_monday = 0
    offer.save()
    with pytest.raises(DayFull):
        history.record_past_visit(
            pass_=old_pass, place=other_place, day=monday, idempotency_key="full", by=charlie
        )
    with pytest.raises(history.NotInThePast):
        history.record_past_visit(
            pass_=old_pass,
            place=other_place,
            day=timezone.localdate(),
            idempotency_key="today",
            by=charlie,
        )
