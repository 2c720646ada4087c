# ruff: noqa: F811  (pytest fixtures imported from test_meetings_fixtures are parameters here)
"""Every meetings URL for every circle persona: members see, soucieux·ses and coordinators run."""

import pytest
from django.urls import reverse

from maillage.circles import meeting_services as svc
from maillage.circles.models import Transparency
from maillage.circles.tests.conftest import CIRCLE_PERSONAS
from maillage.circles.tests.test_meetings_fixtures import (  # noqa: F401
    envelope,
    grant,
    meeting,
    open_meeting,
    proposal,
)

SEE = {
    "anonymous": 302,
    "participant": 200,
    "contributor": 200,
    "steward": 200,
    "other_circle_member": 403,
    "coordinator": 200,
    "other_coordinator": 403,
    "root": 200,
}
RUN_GET = {**SEE, "participant": 403, "contributor": 403}
RUN_POST = {name: 302 if status == 200 else status for name, status in RUN_GET.items()}


@pytest.fixture
def decided(open_meeting, steward, proposal, envelope):
    """An open meeting with one decided point and one undecided point."""
    decision = grant(open_meeting, steward, proposal, envelope, 50_000)
    return open_meeting, decision


def _urls(meeting, decision, item):
    args = ["douaisis", meeting.pk]
    return {
        "meeting-list": (reverse("circles:meeting-list", args=["douaisis"]), "get", SEE),
        "meeting-detail": (reverse("circles:meeting-detail", args=args), "get", SEE),
        "meeting-minutes": (reverse("circles:meeting-minutes", args=args), "get", SEE),
        "meeting-decide": (
            reverse("circles:meeting-decide", args=[*args, item.pk]),
            "get",
            RUN_GET,
        ),
        "meeting-attendance": (reverse("circles:meeting-attendance", args=args), "post", RUN_POST),
        "meeting-presence": (reverse("circles:meeting-presence", args=args), "post", RUN_POST),
        "meeting-agenda-add": (reverse("circles:meeting-agenda-add", args=args), "post", RUN_POST),
        "meeting-agenda-remove": (
            reverse("circles:meeting-agenda-remove", args=[*args, 999]),
            "post",
            {**RUN_POST, "steward": 404, "coordinator": 404, "root": 404},
        ),
        "meeting-publish": (reverse("circles:meeting-publish", args=args), "post", RUN_POST),
        "meeting-open": (reverse("circles:meeting-open", args=args), "post", RUN_POST),
        "meeting-close": (reverse("circles:meeting-close", args=args), "post", RUN_POST),
        # The confirmation step before closing.
        "meeting-close-page": (reverse("circles:meeting-close", args=args), "get", RUN_GET),
        "decision-detail": (
            reverse("circles:decision-detail", args=["douaisis", decision.pk]),
            "get",
            dict.fromkeys(CIRCLE_PERSONAS, 200),
        ),
    }


URL_NAMES = [
    "meeting-list",
    "meeting-detail",
    "meeting-minutes",
    "meeting-decide",
    "meeting-attendance",
    "meeting-presence",
    "meeting-agenda-add",
    "meeting-agenda-remove",
    "meeting-publish",
    "meeting-open",
    "meeting-close",
    "meeting-close-page",
    "decision-detail",
]


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("persona", CIRCLE_PERSONAS)
def test_permission_matrix(circle_client, decided, steward, action, persona, name):
    meeting, decision = decided
    item = meeting.agenda.create(proposal=decision.proposal, position=5)
    url, method, expected = _urls(meeting, decision, item)[name]
    client = circle_client(persona)
    response = client.get(url) if method == "get" else client.post(url, {"confirm": "oui"})
    assert response.status_code == expected[persona], (persona, name)
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", CIRCLE_PERSONAS)
def test_minutes_pdf_for_members_and_coordinators_only(circle_client, decided, persona):
    meeting, _decision = decided
    response = circle_client(persona).get(
        reverse("circles:meeting-minutes-pdf", args=["douaisis", meeting.pk])
    )
    assert response.status_code == SEE[persona]
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("participant", 200), ("other_coordinator", 403), ("coordinator", 200)],
)
def test_decisions_of_a_members_only_circle(circle_client, circle, decided, persona, expected):
    circle.transparency = Transparency.MEMBERS
    circle.save()
    _meeting, decision = decided
    response = circle_client(persona).get(
        reverse("circles:decision-detail", args=["douaisis", decision.pk])
    )
    assert response.status_code == expected


def test_a_decision_of_another_circle_is_not_found_under_this_one(
    circle_client, decided, other_circle
):
    _meeting, decision = decided
    url = reverse("circles:decision-detail", args=[other_circle.slug, decision.pk])
    assert circle_client("coordinator").get(url).status_code == 404


def test_a_meeting_of_another_circle_is_not_found_under_this_one(
    circle_client, decided, other_circle
):
    meeting, _decision = decided
    url = reverse("circles:meeting-detail", args=[other_circle.slug, meeting.pk])
    assert circle_client("coordinator").get(url).status_code == 404


def test_the_meeting_list_has_a_bounded_query_count(
    circle_client, circle, steward, django_assert_max_num_queries
):
    from maillage.circles.tests.factories import MeetingFactory

    MeetingFactory.create_batch(15, circle=circle)
    client = circle_client("steward")
    with django_assert_max_num_queries(15):
        response = client.get(reverse("circles:meeting-list", args=["douaisis"]))
    assert response.content.decode().count('class="card"') >= 15


def test_the_meeting_page_has_a_bounded_query_count(
    circle_client, decided, steward, django_assert_max_num_queries, circle, action
):
    from maillage.circles.tests.factories import ProposalFactory

    meeting, _decision = decided
    for _ in range(8):
        svc.add_agenda_item(
            meeting=meeting, by=steward, proposal=ProposalFactory(circle=circle, action=action)
        )
    client = circle_client("steward")
    with django_assert_max_num_queries(40):
        response = client.get(reverse("circles:meeting-detail", args=["douaisis", meeting.pk]))
    assert response.status_code == 200
