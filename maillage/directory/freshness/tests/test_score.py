"""The freshness score: age against the network's threshold, completeness, confirmations."""

from datetime import timedelta

import pytest
import time_machine

from maillage.directory.freshness.score import (
    completeness_checks,
    freshness_score,
    is_stale,
    stale_after_days,
)
from maillage.directory.freshness.services import recompute_freshness
from maillage.networks.models import Membership, MembershipStatus
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import Place
from maillage.places.services import PlaceData, SpaceData
from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


def bare_place(**fields):
    """A place that tells nothing but its name and commune."""
    defaults = {"address": "", "postal_code": "", "latitude": None, "longitude": None}
    return PlaceFactory(**(defaults | fields))


def test_a_place_never_confirmed_scores_only_its_completeness():
    place = bare_place(last_confirmed_at=None)
    # Only the commune is known: 1 check of 10 → 3 points; age 0; no confirmation.
    assert freshness_score(place, now=NOW) == 3


def test_age_points_fall_linearly_to_zero_at_the_threshold():
    place = bare_place(last_confirmed_at=NOW - timedelta(days=45))
    # 60 × (1 − 45/180) = 45, plus 3 for the commune.
    assert freshness_score(place, now=NOW) == 48
    place.last_confirmed_at = NOW - timedelta(days=180)
    assert freshness_score(place, now=NOW) == 3
    place.last_confirmed_at = NOW - timedelta(days=400)
    assert freshness_score(place, now=NOW) == 3


def test_a_complete_fresh_place_confirmed_five_times_scores_100():
    place = PlaceFactory(
        description="Un tiers-lieu.",
        opening_hours={"mo": "09:00-18:00"},
        email="contact@example.org",
        access_step_free=True,
        last_confirmed_at=NOW,
        confirmation_count=7,
    )
    SpaceFactory(place=place, price_public_cents=1500)
    EquipmentFactory(place=place, price_cents=0)
    place.photos.create(image="places/x.jpg", alt_text="La façade", width=4, height=3)
    checks = completeness_checks(place)
    assert all(checks.values()), checks
    # 60 (age 0) + 30 (10 checks × 3) + 10 (confirmations capped at 5 × 2).
    assert freshness_score(place, now=NOW) == 100


def test_a_space_without_price_costs_the_prices_point():
    place = PlaceFactory(last_confirmed_at=NOW)
    SpaceFactory(place=place)  # no price at all
    checks = completeness_checks(place)
    assert checks["offer"] is True
    assert checks["prices"] is False


def test_the_strictest_network_threshold_applies(place):
    lax = NetworkFactory(stale_after_days=365)
    strict = NetworkFactory(stale_after_days=90)
    for network in (lax, strict):
        Membership.objects.create(network=network, place=place, status=MembershipStatus.ACCEPTED)
    assert stale_after_days(place) == 90


def test_a_refused_membership_does_not_set_the_threshold(place):
    strict = NetworkFactory(stale_after_days=30)
    Membership.objects.create(network=strict, place=place, status=MembershipStatus.REFUSED)
    assert stale_after_days(place) == 180


def test_staleness_depends_on_the_network_threshold(place):
    place.last_confirmed_at = NOW - timedelta(days=100)
    assert not is_stale(place, now=NOW)  # default 180 days
    strict = NetworkFactory(stale_after_days=90)
    Membership.objects.create(network=strict, place=place, status=MembershipStatus.ACCEPTED)
    assert is_stale(place, now=NOW)


def test_a_never_confirmed_place_is_stale(place):
    place.last_confirmed_at = None
    assert is_stale(place, now=NOW)


def test_recompute_stores_the_score_without_touching_updated_at():
    place = bare_place(last_confirmed_at=NOW - timedelta(days=90))
    updated_at = place.updated_at
    assert recompute_freshness(place, now=NOW) == 33  # 60 × ½ + 3
    place = Place.objects.get(pk=place.pk)
    assert place.freshness_score == 33
    assert place.updated_at == updated_at


def test_editing_a_place_through_its_service_confirms_and_rescores(place, alice):
    from maillage.places.services import update_place

    Place.objects.filter(pk=place.pk).update(last_confirmed_at=None, freshness_score=0)
    place.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        update_place(place=place, by=alice, data=PlaceData(description="Nouveau texte."))
    place.refresh_from_db()
    assert place.last_confirmed_at == NOW
    assert place.freshness_score > 60


def test_adding_a_space_through_its_service_rescores_the_place(place, alice):
    from maillage.places.services import create_space

    before = recompute_freshness(place)
    create_space(
        place=place,
        by=alice,
        data=SpaceData(name="Salle", kind="meeting_room", price_public_cents=1000),
    )
    place.refresh_from_db()
    # "offer" and "prices" now hold: two more checks, 6 points.
    assert place.freshness_score == before + 6
