"""The circle page links to budget, meetings and transparency only for whoever may open them,
so no persona meets a dead end (login wall or 403) from it."""

import pytest
from django.urls import reverse

from maillage.circles.models import Transparency
from maillage.circles.tests.conftest import CIRCLE_PERSONAS

WORKSPACE = {"participant", "contributor", "steward", "coordinator", "root"}


@pytest.mark.parametrize("persona", CIRCLE_PERSONAS)
def test_each_area_link_of_the_circle_page_opens_for_that_persona(
    circle_client, circle, steward, participant, contributor, other_circle_member, persona
):
    client = circle_client(persona)
    html = client.get(reverse("circles:circle-detail", args=[circle.slug])).content.decode()
    budget = reverse("circles:budget", args=[circle.slug])
    meetings = reverse("circles:meeting-list", args=[circle.slug])
    transparency = reverse("circles:transparency", args=[circle.slug])
    assert (f'href="{budget}"' in html) == (persona in WORKSPACE)
    assert (f'href="{meetings}"' in html) == (persona in WORKSPACE)
    assert f'href="{transparency}"' in html  # public transparency page
    for url in (budget, meetings, transparency):
        if f'href="{url}"' in html:
            assert client.get(url).status_code == 200, (persona, url)


def test_a_members_only_transparency_link_is_hidden_from_outsiders(circle_client, circle):
    circle.transparency = Transparency.MEMBERS
    circle.save()
    html = circle_client("anonymous").get(reverse("circles:circle-detail", args=[circle.slug]))
    assert reverse("circles:transparency", args=[circle.slug]) not in html.content.decode()


@pytest.mark.parametrize(("persona", "offered"), [("participant", True), ("coordinator", False)])
def test_propose_spending_from_an_action_is_offered_to_members_only(
    circle_client, circle, action, persona, offered
):
    html = circle_client(persona).get(
        reverse("circles:action-detail", args=[circle.slug, action.pk])
    )
    assert (
        reverse("circles:proposal-create", args=[circle.slug]) in html.content.decode()
    ) == offered
