"""A circle's debate spaces, reachable from the circle page; a governance meeting page whose
agenda items each have their own decision form (no field id twice)."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from maillage.circles.models import CircleRole
from maillage.circles.tests.factories import CircleFactory, CircleMemberFactory
from maillage.governance import debates
from maillage.governance.models import AgendaItem, DebateSpace, Proposal
from maillage.governance.tests.factories import member_places_with_managers


@pytest.fixture
def circle(network_a):
    return CircleFactory(network=network_a, name="Cercle du Douaisis", slug="douaisis")


@pytest.fixture
def steward(circle, membership, bob):
    CircleMemberFactory(circle=circle, user=bob, role=CircleRole.STEWARD)
    return bob


def test_a_circle_space_belongs_to_a_circle_of_the_network(dora, network_a, network_b, circle):
    space = debates.create_space(by=dora, network=network_a, title="Douaisis", circle=circle)
    assert space.circle_id == circle.pk
    foreign = CircleFactory(network=network_b)
    with pytest.raises(debates.DebateError, match="n'appartient pas") as refused:
        debates.create_space(by=dora, network=network_a, title="Ailleurs", circle=foreign)
    assert refused.value.field == "circle"


def test_a_steward_opens_a_space_for_their_circle_only(steward, alice, network_a, circle):
    debates.create_space(by=steward, network=network_a, title="Nos débats", circle=circle)
    with pytest.raises(debates.NotAllowed):
        debates.create_space(by=steward, network=network_a, title="Tout le réseau")
    with pytest.raises(debates.NotAllowed):
        debates.create_space(by=alice, network=network_a, title="X", circle=circle)
    assert DebateSpace.objects.count() == 1


def test_the_circle_page_links_to_its_debates(client, dora, network_a, circle, membership):
    url = reverse("circles:circle-detail", args=[circle.slug])
    assert "Débats du cercle" not in client.get(url).content.decode()
    space = debates.create_space(by=dora, network=network_a, title="Mobilités", circle=circle)
    page = client.get(url).content.decode()
    assert "Débats du cercle" in page
    assert reverse("governance:space-detail", args=[space.slug]) in page
    assert "aucune proposition ouverte" in page
    assert "Ouvrir un espace de débat pour ce cercle" not in page
    client.force_login(dora)
    page = client.get(url).content.decode()
    assert f"?cercle={circle.slug}" in page


def test_opening_a_circle_space_through_the_form(client, steward, network_a, circle):
    client.force_login(steward)
    url = reverse("governance:space-create", args=[network_a.slug])
    form = client.get(url, {"cercle": circle.slug}).content.decode()
    assert f'<option value="{circle.slug}" selected>' in form
    response = client.post(
        url,
        {
            "title": "Débats du Douaisis",
            "circle": circle.slug,
            "threshold_kind": "places",
            "threshold_value": 3,
        },
    )
    assert response.status_code == 302
    assert DebateSpace.objects.get().circle_id == circle.pk


def _two_items_on_agenda(dora, network_a, alice, place):
    space = debates.create_space(by=dora, network=network_a, title="Plaidoyer", threshold_value=2)
    others = member_places_with_managers(network=network_a, count=2, by=dora)
    proposals = []
    for n, (other, manager) in enumerate(others):
        proposal = debates.open_proposal(
            by=alice,
            space=space,
            kind=Proposal.Kind.POSITION,
            title=f"Position {n}",
            body="Une position que le réseau pourrait porter auprès de la Région.",
            place=place,
        )
        debates.support(by=manager, proposal=proposal, place=other)
        proposals.append(proposal)
    return AgendaItem.objects.get(proposal=proposals[0]).meeting, proposals


def test_a_meeting_page_with_several_items_has_no_duplicate_ids(
    client, dora, network_a, alice, place, membership
):
    meeting, proposals = _two_items_on_agenda(dora, network_a, alice, place)
    assert meeting.items.count() == 2
    client.force_login(dora)
    url = reverse("governance:meeting-detail", args=[meeting.pk])
    page = client.get(url).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []
    assert f'id="id_p{proposals[1].pk}-present_places"' in page
    # A refusal shows on the right item's form only, and nothing is decided.
    second = proposals[1]
    response = client.post(
        url,
        {
            "action": "decide",
            "item": second.pk,
            f"p{second.pk}-method": "consent",
            f"p{second.pk}-outcome": "adopted",
            f"p{second.pk}-present_places": 0,
        },
    )
    assert "Quorum non atteint" in response.content.decode()
    second.refresh_from_db()
    assert second.status == Proposal.Status.ON_AGENDA
    client.post(
        url,
        {
            "action": "decide",
            "item": second.pk,
            f"p{second.pk}-method": "consent",
            f"p{second.pk}-outcome": "adopted",
            f"p{second.pk}-present_places": 3,
            f"p{second.pk}-answer": "Le réseau porte cette position.",
        },
    )
    second.refresh_from_db()
    proposals[0].refresh_from_db()
    assert second.status == Proposal.Status.ADOPTED
    assert proposals[0].status == Proposal.Status.ON_AGENDA
