"""Nightly rescoring, and marking bounces from the admin."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.directory.freshness.services import recompute_all_freshness
from maillage.places.models import FreshnessReminder, Place
from maillage.places.tests.factories import PlaceFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_scores_decay_when_recomputed_later(place):
    Place.objects.filter(pk=place.pk).update(last_confirmed_at=NOW, freshness_score=0)
    assert recompute_all_freshness(now=NOW) == 1
    place.refresh_from_db()
    fresh = place.freshness_score
    assert recompute_all_freshness(now=NOW) == 0  # nothing changed
    recompute_all_freshness(now=NOW + timedelta(days=90))
    place.refresh_from_db()
    # Half the threshold gone: 30 of the 60 age points.
    assert place.freshness_score == fresh - 30


def test_recompute_handles_more_places_than_a_batch(django_assert_max_num_queries):
    PlaceFactory.create_batch(7, last_confirmed_at=NOW)
    with django_assert_max_num_queries(40):
        assert recompute_all_freshness(now=NOW, batch_size=3) == 7
    assert not Place.objects.filter(freshness_score=0).exists()


def test_the_recompute_command_and_task(place):
    from maillage.directory.freshness.tasks import recompute_scores

    Place.objects.update(freshness_score=0)
    call_command("freshness_recompute")
    assert Place.objects.get(pk=place.pk).freshness_score > 0
    Place.objects.update(freshness_score=0)
    assert recompute_scores.enqueue().return_value == 1


def test_the_admin_lists_reminders_and_marks_bounces(client, root, reminder):
    client.force_login(root)
    url = reverse("admin:places_freshnessreminder_changelist")
    assert client.get(url, {"q": "bobine"}).status_code == 200
    response = client.post(
        url, {"action": "mark_bounced", "_selected_action": [reminder.pk]}, follow=True
    )
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.status == FreshnessReminder.Status.BOUNCED


def test_the_escalate_task_calls_the_same_service(reminder, membership, dora):
    from maillage.directory.freshness.tasks import escalate_reminders

    FreshnessReminder.objects.filter(pk=reminder.pk).update(sent_at=NOW - timedelta(days=400))
    assert escalate_reminders.enqueue().return_value == 1
