"""A circle's tools are listed with visibility by role: private links never reach who may not
use them; the soucieux·ses (and the network's coordinators) manage them."""

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import UserFactory
from maillage.circles.models import CircleRole
from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.communication import circle_tools


@pytest.fixture
def circle(network_a):
    return CircleFactory(network=network_a, name="Cercle du Douaisis", slug="douaisis")


@pytest.fixture
def steward(circle):
    user = UserFactory(email="gaston@example.org", display_name="Gaston")
    CircleMemberFactory(circle=circle, user=user, role=CircleRole.STEWARD)
    return user


@pytest.fixture
def member(circle):
    user = UserFactory(email="paul@example.org", display_name="Paul")
    CircleMemberFactory(circle=circle, user=user, role=CircleRole.PARTICIPANT)
    return user


@pytest.fixture
def tools(circle, steward):
    for label, visibility in (
        ("Salon public", "public"),
        ("Dossier des membres", "members"),
        ("Pad des soucieux", "stewards"),
    ):
        circle_tools.add_tool(
            by=steward,
            circle=circle,
            kind="chat",
            label=label,
            url=f"https://example.org/{visibility}",
            visibility=visibility,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("anonymous", {"Salon public"}),
        ("bob", {"Salon public"}),
        ("member", {"Salon public", "Dossier des membres"}),
        ("steward", {"Salon public", "Dossier des membres", "Pad des soucieux"}),
        ("dora", {"Salon public", "Dossier des membres", "Pad des soucieux"}),
    ],
)
def test_tools_are_shown_by_role(client, request, tools, circle, who, seen, membership):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("circles:circle-detail", args=[circle.slug])).content.decode()
    shown = {
        label
        for label in ("Salon public", "Dossier des membres", "Pad des soucieux")
        if label in html
    }
    assert shown == seen
    assert ("https://example.org/stewards" in html) == ("Pad des soucieux" in seen)


@pytest.mark.django_db
def test_only_stewards_and_coordinators_manage_tools(client, circle, member, steward, dora):
    with pytest.raises(circle_tools.NotAllowed):
        circle_tools.add_tool(
            by=member,
            circle=circle,
            kind="pad",
            label="X",
            url="https://x.org",
            visibility="public",
        )
    with pytest.raises(circle_tools.ToolError) as refused:
        circle_tools.add_tool(
            by=steward,
            circle=circle,
            kind="pad",
            label="X",
            url="javascript:alert(1)",
            visibility="public",
        )
    assert refused.value.field == "url"
    tool = circle_tools.add_tool(
        by=dora,
        circle=circle,
        kind="docs",
        label="Wiki",
        url="https://wiki.example.org",
        visibility="members",
    )
    client.force_login(member)
    response = client.post(reverse("communication:circle-tool-remove", args=[circle.slug, tool.pk]))
    assert response.status_code == 403
