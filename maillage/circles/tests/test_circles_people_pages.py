"""Joining, leaving and asking for a role from the pages: messages in French, nothing doubled."""

import pytest
from django.urls import reverse

from maillage.circles.models import CircleMember, CircleRole, RoleRequest
from maillage.circles.selectors import current_role

pytestmark = pytest.mark.django_db


def test_a_network_member_joins_from_the_circle_page(client, circle, membership, alice):
    client.force_login(alice)

    response = client.post(reverse("circles:circle-join", kwargs={"slug": "douaisis"}), follow=True)

    assert "Vous avez rejoint le cercle comme participant·e." in response.content.decode()
    assert current_role(user=alice, circle=circle) == CircleRole.PARTICIPANT


def test_joining_twice_shows_a_message_and_creates_nothing(circle_client, circle, participant):
    client = circle_client("participant")

    response = client.post(reverse("circles:circle-join", kwargs={"slug": "douaisis"}), follow=True)

    assert "Vous faites déjà partie de ce cercle." in response.content.decode()
    assert CircleMember.objects.filter(circle=circle, user=participant).count() == 1


def test_someone_outside_the_network_is_told_why_they_cannot_join(circle_client, circle):
    client = circle_client("other_coordinator")

    response = client.post(reverse("circles:circle-join", kwargs={"slug": "douaisis"}), follow=True)

    assert "Seul·es les membres du réseau Réseau A peuvent rejoindre ce cercle." in (
        response.content.decode()
    )
    assert not CircleMember.objects.filter(circle=circle, user__email="erin@example.org").exists()


def test_asking_the_role_you_have_shows_the_error_next_to_the_field(circle_client, circle):
    client = circle_client("contributor")

    response = client.post(
        reverse("circles:role-request", kwargs={"slug": "douaisis"}), {"role": "contributor"}
    )

    assert response.status_code == 200
    assert "Vous êtes déjà Contributeur·rice dans ce cercle." in response.content.decode()
    assert not RoleRequest.objects.exists()


def test_a_participant_asks_then_withdraws_a_role(circle_client, circle, participant):
    client = circle_client("participant")

    client.post(
        reverse("circles:role-request", kwargs={"slug": "douaisis"}),
        {"role": "steward", "motivation": "Je peux animer les réunions."},
    )
    request = RoleRequest.objects.get(user=participant)
    page = client.get(reverse("circles:circle-detail", kwargs={"slug": "douaisis"}))
    client.post(
        reverse("circles:role-request-withdraw", kwargs={"slug": "douaisis", "pk": request.pk})
    )

    assert "est en attente d" in page.content.decode()
    request.refresh_from_db()
    assert request.status == RoleRequest.Status.WITHDRAWN


def test_nobody_withdraws_someone_elses_request(circle_client, circle, participant):
    request = RoleRequest.objects.create(circle=circle, user=participant, role="steward")
    client = circle_client("contributor")

    response = client.post(
        reverse("circles:role-request-withdraw", kwargs={"slug": "douaisis", "pk": request.pk})
    )

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == RoleRequest.Status.PENDING


def test_a_member_leaves_from_the_page(circle_client, circle, participant):
    circle_client("participant").post(reverse("circles:circle-leave", kwargs={"slug": "douaisis"}))

    assert current_role(user=participant, circle=circle) is None
    row = CircleMember.objects.get(circle=circle, user=participant)
    assert row.ended_reason == "À quitté le cercle"


def test_a_coordinator_ends_a_role_and_the_history_shows_it(circle_client, circle, contributor):
    client = circle_client("coordinator")
    row = CircleMember.objects.get(circle=circle, user=contributor)
    url = reverse("circles:role-end", kwargs={"slug": "douaisis", "pk": row.pk})

    empty = client.post(url, {"reason": ""})
    client.post(url, {"reason": "Mission terminée"})
    history = client.get(reverse("circles:circle-people", kwargs={"slug": "douaisis"}))

    assert empty.status_code == 200
    assert "Ce champ est obligatoire." in empty.content.decode()
    assert "Mission terminée" in history.content.decode()
    assert current_role(user=contributor, circle=circle) is None
