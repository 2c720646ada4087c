# ruff: noqa: F811  (pytest fixtures imported from test_meetings_fixtures are parameters here)
"""Attendance ticked one box at a time: each change touches only its own member."""

import pytest
from django.urls import reverse

from maillage.circles import meeting_services as svc
from maillage.circles.models import Attendance
from maillage.circles.tests.test_meetings_fixtures import meeting  # noqa: F401


def present_ids(meeting):
    return set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))


def test_ticking_one_member_keeps_the_others_present(meeting, steward, participant, contributor):
    svc.set_presence(meeting=meeting, by=steward, user=steward, present=True)
    svc.set_presence(meeting=meeting, by=steward, user=participant, present=True)
    quorum = svc.set_presence(meeting=meeting, by=steward, user=contributor, present=True)
    assert quorum.present == 3
    quorum = svc.set_presence(meeting=meeting, by=steward, user=participant, present=False)
    assert quorum.present == 2
    assert present_ids(meeting) == {steward.pk, contributor.pk}


def test_ticking_twice_records_one_presence(meeting, steward):
    svc.set_presence(meeting=meeting, by=steward, user=steward, present=True)
    quorum = svc.set_presence(meeting=meeting, by=steward, user=steward, present=True)
    assert quorum.present == 1
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_someone_outside_the_circle_cannot_be_ticked(meeting, steward, other_circle_member):
    with pytest.raises(svc.NotCircleMember, match="ne fait pas partie des membres du cercle"):
        svc.set_presence(meeting=meeting, by=steward, user=other_circle_member, present=True)
    assert present_ids(meeting) == set()


def test_a_participant_cannot_tick_presences(meeting, participant):
    with pytest.raises(svc.NotAllowed):
        svc.set_presence(meeting=meeting, by=participant, user=participant, present=True)
    assert present_ids(meeting) == set()


def test_quick_ticks_in_any_order_all_count(
    circle_client, meeting, steward, participant, contributor
):
    """Three boxes posted back to back (the page's htmx requests): none undoes another.

    Each request carries the whole form as the browser saw it at that instant, so the second
    and third requests may still miss the earlier ticks: the server reads only `member`.
    """
    client = circle_client("steward")
    url = reverse("circles:meeting-presence", args=["douaisis", meeting.pk])
    headers = {"HX-Request": "true"}
    client.post(url, {"member": steward.pk, "present": [steward.pk]}, headers=headers)
    client.post(url, {"member": participant.pk, "present": [participant.pk]}, headers=headers)
    response = client.post(
        url, {"member": contributor.pk, "present": [contributor.pk]}, headers=headers
    )
    assert present_ids(meeting) == {steward.pk, participant.pk, contributor.pk}
    body = response.content.decode()
    assert "3 membres présents sur 3" in body
    assert "<form" not in body and 'type="checkbox"' not in body


def test_unticking_a_box_posts_no_present_value(circle_client, meeting, steward, participant):
    svc.set_presence(meeting=meeting, by=steward, user=participant, present=True)
    client = circle_client("steward")
    url = reverse("circles:meeting-presence", args=["douaisis", meeting.pk])
    response = client.post(url, {"member": participant.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert present_ids(meeting) == set()


def test_without_javascript_the_presence_post_redirects_to_the_meeting(
    circle_client, meeting, participant
):
    url = reverse("circles:meeting-presence", args=["douaisis", meeting.pk])
    response = circle_client("steward").post(
        url, {"member": participant.pk, "present": [participant.pk]}
    )
    assert response.status_code == 302
    assert present_ids(meeting) == {participant.pk}


def test_the_meeting_page_posts_each_box_on_its_own(circle_client, meeting, steward):
    page = circle_client("steward").get(
        reverse("circles:meeting-detail", args=["douaisis", meeting.pk])
    )
    html = page.content.decode()
    assert reverse("circles:meeting-presence", args=["douaisis", meeting.pk]) in html
    assert 'hx-sync="closest form:queue all"' in html
    assert 'id="attendance-status"' in html
