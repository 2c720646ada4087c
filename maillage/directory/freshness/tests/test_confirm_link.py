"""The one-click "still true" link: GET shows a form, POST confirms; misuse changes nothing."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from maillage.directory.freshness.tokens import SALT, make_token
from maillage.places.models import FreshnessReminder, Place
from maillage.places.tests.factories import EquipmentFactory, SpaceFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

OLD = NOW - timedelta(days=200)


@pytest.fixture
def stale(place, reminder):
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=OLD, confirmation_count=0)
    SpaceFactory(place=place, last_confirmed_at=OLD)
    EquipmentFactory(place=place, last_confirmed_at=None)
    place.refresh_from_db()
    return place


def link(place, reminder, slug=None):
    token = make_token(place_id=place.pk, reminder_id=reminder.pk)
    return reverse("freshness:token-confirm", args=[slug or place.slug, token])


def assert_unchanged(place, reminder):
    place.refresh_from_db()
    reminder.refresh_from_db()
    assert place.last_confirmed_at == OLD
    assert place.confirmation_count == 0
    assert reminder.status == FreshnessReminder.Status.SENT


def test_get_shows_a_confirmation_form_and_changes_nothing(client, stale, reminder):
    with time_machine.travel(NOW + timedelta(days=1)):
        response = client.get(link(stale, reminder))
    assert response.status_code == 200
    content = unescape(response.content.decode())
    assert 'method="post"' in content
    assert "Oui, tout est toujours exact" in content
    assert_unchanged(stale, reminder)


def test_post_without_logging_in_confirms_the_place_its_spaces_and_equipment(
    client, stale, reminder
):
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        response = client.post(link(stale, reminder))
    assert response.status_code == 200
    assert "Merci, la fiche est confirmée" in unescape(response.content.decode())
    stale.refresh_from_db()
    reminder.refresh_from_db()
    assert stale.last_confirmed_at == NOW + timedelta(days=1)
    assert stale.confirmation_count == 1
    assert {s.last_confirmed_at for s in stale.spaces.all()} == {NOW + timedelta(days=1)}
    assert {e.last_confirmed_at for e in stale.equipment.all()} == {NOW + timedelta(days=1)}
    assert reminder.status == FreshnessReminder.Status.CONFIRMED
    assert reminder.confirmed_at == NOW + timedelta(days=1)
    assert stale.freshness_score > 60


def test_an_expired_link_is_refused_after_30_days(client, stale, reminder):
    with time_machine.travel(NOW, tick=False):
        url = link(stale, reminder)
    with time_machine.travel(NOW + timedelta(days=31)):
        response = client.post(url)
    assert response.status_code == 400
    assert "a expiré" in unescape(response.content.decode())
    assert_unchanged(stale, reminder)


def test_a_link_still_works_on_day_29(client, stale, reminder):
    with time_machine.travel(NOW, tick=False):
        url = link(stale, reminder)
    with time_machine.travel(NOW + timedelta(days=29)):
        response = client.post(url)
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.status == FreshnessReminder.Status.CONFIRMED


def test_a_tampered_link_is_refused(client, stale, reminder):
    url = link(stale, reminder)
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400
        assert "n'est pas valide" in unescape(response.content.decode())
    assert_unchanged(stale, reminder)


def test_a_token_signed_for_another_purpose_is_refused(client, stale, reminder):
    forged = signing.dumps({"p": stale.pk, "r": reminder.pk}, salt="another.salt")
    url = reverse("freshness:token-confirm", args=[stale.slug, forged])
    assert client.post(url).status_code == 400
    assert_unchanged(stale, reminder)


def test_a_signed_payload_of_the_wrong_shape_is_refused(client, stale, reminder):
    odd = signing.dumps({"p": str(stale.pk)}, salt=SALT)
    url = reverse("freshness:token-confirm", args=[stale.slug, odd])
    assert client.post(url).status_code == 400
    assert_unchanged(stale, reminder)


def test_a_link_used_twice_says_when_it_was_used(client, stale, reminder):
    url = link(stale, reminder)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        client.post(url)
    stale.refresh_from_db()
    count = stale.confirmation_count
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 200
        content = unescape(response.content.decode())
        assert "déjà été confirmée le 15 avril 2026" in content
    stale.refresh_from_db()
    assert stale.confirmation_count == count


def test_a_link_for_another_place_is_refused(client, stale, reminder, other_place):
    url = link(stale, reminder, slug=other_place.slug)
    response = client.post(url)
    assert response.status_code == 400
    assert "concerne un autre lieu" in unescape(response.content.decode())
    assert_unchanged(stale, reminder)
    other_place.refresh_from_db()
    assert other_place.confirmation_count == 0


def test_a_link_to_a_deleted_reminder_is_not_found(client, stale, reminder):
    url = link(stale, reminder)
    reminder.delete()
    assert client.post(url).status_code == 404
    stale.refresh_from_db()
    assert stale.confirmation_count == 0


def test_a_confirmation_by_the_manager_closes_the_link(client, stale, reminder, alice):
    client.force_login(alice)
    client.post(reverse("freshness:place-confirm", args=[stale.slug]))
    client.logout()
    response = client.post(link(stale, reminder))
    assert "déjà été confirmée" in unescape(response.content.decode())
