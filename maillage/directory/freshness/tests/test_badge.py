"""The public badge on a place page, and the managers' "Toujours exact" button."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from maillage.directory.freshness.selectors import freshness_badge
from maillage.networks.models import Membership, MembershipStatus
from maillage.networks.tests.factories import NetworkFactory
from maillage.places.models import Place

from .conftest import NOW

pytestmark = pytest.mark.django_db


def page(client, place):
    with time_machine.travel(NOW):
        response = client.get(place.get_absolute_url())
    assert response.status_code == 200
    # timesince puts a no-break space between the number and the unit.
    return unescape(response.content.decode()).replace("\xa0", " ")


def test_a_place_confirmed_three_months_ago_says_so(client, place):
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW - timedelta(days=95))
    content = page(client, place)
    assert "vérifié il y a 3 mois" in content
    assert "Informations confirmées par le lieu le 08/01/2026" in content


def test_a_place_confirmed_today_says_today(place):
    place.last_confirmed_at = NOW - timedelta(hours=2)
    assert freshness_badge(place, now=NOW).text == "vérifié aujourd'hui"


def test_a_stale_place_says_to_check(client, place):
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW - timedelta(days=200))
    content = page(client, place)
    assert "à vérifier" in content
    assert "il y a plus de 180 jours" in content


def test_a_never_confirmed_place_says_to_check(place):
    place.last_confirmed_at = None
    badge = freshness_badge(place, now=NOW)
    assert (badge.is_stale, badge.text) == (True, "à vérifier")


def test_the_badge_follows_the_place_networks_threshold(client, place):
    strict = NetworkFactory(stale_after_days=60)
    Membership.objects.create(network=strict, place=place, status=MembershipStatus.ACCEPTED)
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW - timedelta(days=95))
    assert "à vérifier" in page(client, place)


def test_only_managers_see_the_still_true_button(client, place, alice, bob):
    button = reverse("freshness:place-confirm", args=[place.slug])
    assert button not in page(client, place)
    client.force_login(bob)
    assert button not in page(client, place)
    client.force_login(alice)
    assert button in page(client, place)


def test_the_still_true_button_confirms_and_thanks(client, place, alice):
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW - timedelta(days=200))
    client.force_login(alice)
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("freshness:place-confirm", args=[place.slug]), follow=True)
    assert "sont confirmés" in unescape(response.content.decode())
    place.refresh_from_db()
    assert place.last_confirmed_at == NOW
    assert place.confirmation_count == 1
