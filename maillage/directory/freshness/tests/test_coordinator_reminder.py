"""From the freshness dashboard a coordinator reminds a stale place's managers, once a week."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.directory.freshness import services
from maillage.notifications.models import Notification
from maillage.places.models import FreshnessReminder, Place, PlaceRole

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale(place, membership):
    """La Bobine, member of network A (threshold 180 days), last confirmed 400 days ago."""
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW - timedelta(days=400))
    place.refresh_from_db()
    return place


@pytest.fixture
def co_manager(place):
    user = UserFactory(email="lea@example.org", display_name="Léa")
    PlaceRole.objects.create(place=place, user=user, role=PlaceRole.Role.MANAGER)
    return user


def remind(client, place, network="reseau-a"):
    return client.post(
        reverse("freshness:network-reminder", args=[network, place.slug]), follow=True
    )


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_reminder_notifies_every_manager_with_a_link_to_edit_the_place(
    stale, network_a, alice, co_manager, dora
):
    reminder = services.send_reminder(network=network_a, place=stale, by=dora, now=NOW)

    notes = Notification.objects.filter(topic="directory.freshness")
    assert set(notes.values_list("user", flat=True)) == {alice.pk, co_manager.pk}
    note = notes.get(user=alice)
    assert note.title == "Rappel : la fiche « La Bobine » est-elle à jour ?"
    assert note.url == reverse("places:place-edit", args=["la-bobine"])
    assert "« Réseau A »" in note.body
    assert "/fraicheur/lieux/la-bobine/toujours-exact/" in note.body
    assert reminder.sent_at == NOW
    assert set(reminder.sent_to.split(", ")) == {"alice@example.org", "lea@example.org"}


def test_the_coordinator_is_not_notified_of_their_own_reminder(stale, network_a, alice, dora):
    PlaceRole.objects.create(place=stale, user=dora, role=PlaceRole.Role.MANAGER)
    services.send_reminder(network=network_a, place=stale, by=dora, now=NOW)
    assert list(Notification.objects.values_list("user", flat=True)) == [alice.pk]


def test_a_second_reminder_within_seven_days_is_refused_in_french(stale, network_a, alice, dora):
    services.send_reminder(network=network_a, place=stale, by=dora, now=NOW)

    with pytest.raises(services.ReminderRefused) as refused:
        services.send_reminder(network=network_a, place=stale, by=dora, now=NOW + timedelta(days=6))

    assert str(refused.value.message) == (
        "Un rappel a déjà été envoyé pour « La Bobine » le 13 avril 2026 : un nouveau rappel "
        "sera possible le 20 avril 2026 à 12:00 (au plus un tous les 7 jours)."
    )
    assert FreshnessReminder.objects.count() == 1
    assert Notification.objects.count() == 1
    # A week later, it may go again.
    services.send_reminder(network=network_a, place=stale, by=dora, now=NOW + timedelta(days=7))
    assert Notification.objects.count() == 2


def test_an_automatic_reminder_counts_too(stale, network_a, alice, dora):
    FreshnessReminder.objects.create(
        place=stale, sent_to="alice@example.org", sent_at=NOW - timedelta(days=2)
    )
    with pytest.raises(services.ReminderRefused, match="déjà été envoyé"):
        services.send_reminder(network=network_a, place=stale, by=dora, now=NOW)


def test_a_fresh_place_or_one_without_manager_gets_no_reminder(place, membership, network_a, dora):
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW - timedelta(days=10))
    place.refresh_from_db()
    with pytest.raises(services.ReminderRefused, match="est à jour"):
        services.send_reminder(network=network_a, place=place, by=dora, now=NOW)
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=None)
    place.refresh_from_db()
    PlaceRole.objects.filter(place=place).delete()
    with pytest.raises(services.ReminderRefused, match="Personne ne gère"):
        services.send_reminder(network=network_a, place=place, by=dora, now=NOW)
    assert not FreshnessReminder.objects.exists()


def test_only_a_coordinator_of_the_network_may_remind(stale, network_a, alice, erin):
    with pytest.raises(services.ReminderNotAllowed):
        services.send_reminder(network=network_a, place=stale, by=alice, now=NOW)
    with pytest.raises(services.ReminderNotAllowed):
        services.send_reminder(network=network_a, place=stale, by=erin, now=NOW)
    assert not Notification.objects.exists()


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_button_sends_once_then_says_when_the_next_may_go(client, stale, alice, dora):
    client.force_login(dora)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("freshness:network-dashboard", args=["reseau-a"]))
        action = reverse("freshness:network-reminder", args=["reseau-a", "la-bobine"])
        html = unescape(page.content.decode())
        assert f'action="{action}"' in html
        assert "Envoyer un rappel" in html
        assert "csrfmiddlewaretoken" in html

        response = remind(client, stale)
        assert said(response) == ["Rappel envoyé aux gestionnaires de « La Bobine »."]
        assert Notification.objects.filter(user=alice).count() == 1
        html = unescape(response.content.decode())
        assert f'action="{action}"' not in html
        assert "un autre est possible à partir du 20 avril 2026" in html

        again = remind(client, stale)
        assert said(again)[0].startswith("Un rappel a déjà été envoyé pour « La Bobine »")
    assert Notification.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize("persona", ["alice", "erin"])
def test_the_button_is_for_the_network_coordinators_only(request, client, stale, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("freshness:network-reminder", args=["reseau-a", "la-bobine"]))
    assert response.status_code == 403
    assert not Notification.objects.exists()


def test_a_reminder_needs_a_post_and_a_member_place(client, stale, other_place, dora):
    client.force_login(dora)
    url = reverse("freshness:network-reminder", args=["reseau-a", "la-bobine"])
    assert client.get(url).status_code == 405
    other = reverse("freshness:network-reminder", args=["reseau-a", other_place.slug])
    assert client.post(other).status_code == 404
    assert not Notification.objects.exists()


def test_the_button_checks_the_csrf_token(stale, dora):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(dora)
    response = client.post(reverse("freshness:network-reminder", args=["reseau-a", "la-bobine"]))
    assert response.status_code == 403
    assert not Notification.objects.exists()
