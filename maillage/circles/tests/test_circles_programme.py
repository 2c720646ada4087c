"""The programme: members add and edit actions, statuses move sensibly, owners report back."""

import pytest
from django.urls import reverse

from maillage.circles import services
from maillage.circles.models import Action, ActionReport
from maillage.circles.services import ActionData

pytestmark = pytest.mark.django_db


def test_a_participant_proposes_an_action_with_a_cost_in_euros(
    circle_client, circle, participant, contributor
):
    client = circle_client("participant")

    response = client.post(
        reverse("circles:action-create", kwargs={"slug": "douaisis"}),
        {
            "title": "Tournée des lieux à vélo",
            "description": "Une journée, **six lieux**.",
            "status": "proposed",
            "expected_cost": "1 250,50",
            "owners": [contributor.pk],
        },
    )

    action = Action.objects.get(title="Tournée des lieux à vélo")
    assert response.status_code == 302
    assert action.expected_cost_cents == 125_050
    assert list(action.owners.all()) == [contributor]
    page = circle_client("anonymous").get(response["Location"]).content.decode()
    assert "<strong>six lieux</strong>" in page
    assert "1\u202f250,50\u00a0€" in page


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("-10", "Le coût prévu ne peut pas être négatif."),
        ("douze", "« douze » n&#x27;est pas un montant en euros"),
        ("12,345", "« 12,345 » n&#x27;est pas un montant en euros"),
    ],
)
def test_a_bad_cost_is_refused_and_nothing_saved(circle_client, circle, participant, cost, message):
    response = circle_client("participant").post(
        reverse("circles:action-create", kwargs={"slug": "douaisis"}),
        {"title": "Atelier", "status": "proposed", "expected_cost": cost},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_an_owner_must_be_a_member_of_the_circle(circle, participant, other_circle_member):
    with pytest.raises(services.InvalidOwner, match="Hugo"):
        services.create_action(
            circle=circle,
            data=ActionData(title="Atelier", owner_ids=[other_circle_member.pk]),
            by=participant,
        )

    assert not Action.objects.exists()


def test_a_negative_cost_is_refused_by_the_service(circle, participant):
    with pytest.raises(services.InvalidCost):
        services.create_action(
            circle=circle, data=ActionData(title="Atelier", expected_cost_cents=-1), by=participant
        )


def test_status_moves_along_the_programme_and_cannot_jump(circle, participant):
    action = services.create_action(circle=circle, data=ActionData(title="Atelier"), by=participant)

    with pytest.raises(
        services.InvalidStatus, match="« Proposée » ne peut pas passer à « Réalisée »"
    ):
        services.update_action(
            action=action, data=ActionData(title="Atelier", status="done"), by=participant
        )
    for status in ("adopted", "in_progress", "done"):
        action = services.update_action(
            action=action, data=ActionData(title="Atelier", status=status), by=participant
        )

    assert action.status == Action.Status.DONE


def test_someone_outside_the_circle_cannot_edit_the_programme(circle, action, other_circle_member):
    with pytest.raises(services.NotAllowed):
        services.update_action(
            action=action, data=ActionData(title="Piraté", status="adopted"), by=other_circle_member
        )

    action.refresh_from_db()
    assert action.title == "Guide des tiers-lieux du Douaisis"


def test_the_edit_form_offers_only_sensible_statuses(circle_client, action):
    page = circle_client("participant").get(
        reverse("circles:action-edit", kwargs={"slug": "douaisis", "pk": action.pk})
    )

    html = page.content.decode()
    assert 'value="in_progress"' in html
    assert 'value="dropped"' in html
    assert 'value="done"' not in html


def test_an_owner_reports_back_and_members_are_notified(circle_client, action, participant):
    client = circle_client("contributor")
    url = reverse("circles:action-report", kwargs={"slug": "douaisis", "pk": action.pk})

    empty = client.post(url, {"text": "  "})
    client.post(url, {"text": "Le guide est **imprimé** à 500 exemplaires."})
    page = client.get(
        reverse("circles:action-detail", kwargs={"slug": "douaisis", "pk": action.pk})
    )

    assert empty.status_code == 400
    assert ActionReport.objects.count() == 1
    assert "<strong>imprimé</strong>" in page.content.decode()
    assert participant.notifications.filter(topic="circles.action_report").exists()
