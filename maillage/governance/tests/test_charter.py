"""The versioned charter: amended by an adopted charter-change proposal, each membership keeping
the version its place accepted, a public page with the versions and what changed."""

import pytest
from django.urls import reverse

from maillage.governance import charter, debates
from maillage.governance.models import AgendaItem, CharterVersion, Proposal
from maillage.governance.tests.factories import member_places_with_managers
from maillage.networks import services as network_services
from maillage.networks.models import Membership

OLD = "Nous ouvrons nos portes.\nNous partageons nos outils."
NEW = "Nous ouvrons nos portes.\nNous partageons nos outils et nos savoirs.\nNous rendons compte."


@pytest.fixture
def chartered(network_a):
    network_a.charter = OLD
    network_a.save(update_fields=["charter"])
    return network_a


@pytest.fixture
def space(dora, chartered, membership):
    return debates.create_space(
        by=dora, network=chartered, title="Vie du réseau", threshold_value=2
    )


def _charter_change(space, alice, place, text=NEW):
    return debates.open_proposal(
        by=alice,
        space=space,
        kind=Proposal.Kind.CHARTER,
        title="Rendre compte de nos savoirs",
        body="La charte doit dire que nous partageons aussi nos savoirs.",
        place=place,
        charter_text=text,
    )


def _adopt(proposal, network, dora):
    place, manager = member_places_with_managers(network=network, count=1, by=dora)[0]
    debates.support(by=manager, proposal=proposal, place=place)
    meeting = AgendaItem.objects.get(proposal=proposal).meeting
    voters, _needed = debates.quorum_needed(network=network)
    return debates.decide(
        by=dora,
        meeting=meeting,
        proposal=proposal,
        data=debates.DecisionInput(method="consent", outcome="adopted", present_places=voters),
    )


def test_a_charter_change_must_bring_a_new_text(space, alice, place, chartered):
    for text, message in (("  ", "texte complet"), (OLD, "en vigueur")):
        with pytest.raises(debates.DebateError, match=message) as refused:
            _charter_change(space, alice, place, text=text)
        assert refused.value.field == "charter_text"
    assert not Proposal.objects.exists()


def test_an_adopted_charter_change_becomes_the_next_version(space, alice, place, chartered, dora):
    proposal = _charter_change(space, alice, place)
    _adopt(proposal, chartered, dora)
    chartered.refresh_from_db()
    assert chartered.charter == NEW
    assert chartered.charter_version == 2
    versions = {v.number: v for v in CharterVersion.objects.filter(network=chartered)}
    assert versions[1].text == OLD and versions[1].proposal is None
    assert versions[2].text == NEW and versions[2].proposal == proposal
    assert versions[2].adopted_on is not None


def test_a_rejected_charter_change_changes_nothing(space, alice, place, chartered, dora):
    proposal = _charter_change(space, alice, place)
    place2, manager = member_places_with_managers(network=chartered, count=1, by=dora)[0]
    debates.support(by=manager, proposal=proposal, place=place2)
    meeting = AgendaItem.objects.get(proposal=proposal).meeting
    debates.decide(
        by=dora,
        meeting=meeting,
        proposal=proposal,
        data=debates.DecisionInput(
            method="consent", outcome="rejected", present_places=2, reasons="Trop tôt."
        ),
    )
    chartered.refresh_from_db()
    assert (chartered.charter, chartered.charter_version) == (OLD, 1)
    assert not CharterVersion.objects.exists()


def test_each_membership_records_the_version_it_accepted(chartered, dora, other_place, charlie):
    first = network_services.apply_for_membership(
        place=other_place, network=chartered, by=charlie, accept_charter=True
    )
    assert first.charter_version == 1
    network_services.update_network(
        network=chartered, by=dora, data=network_services.NetworkData(charter=NEW)
    )
    chartered.refresh_from_db()
    assert chartered.charter_version == 2
    first.refresh_from_db()
    assert (first.charter_version, first.charter_text) == (1, OLD)
    # Saving the same text again is no new version.
    network_services.update_network(
        network=chartered, by=dora, data=network_services.NetworkData(charter=NEW)
    )
    chartered.refresh_from_db()
    assert chartered.charter_version == 2
    Membership.objects.filter(pk=first.pk).delete()
    second = network_services.apply_for_membership(
        place=other_place, network=chartered, by=charlie, accept_charter=True
    )
    assert second.charter_version == 2


def test_the_diff_says_what_goes_and_what_comes():
    lines = charter.charter_diff(OLD, NEW)
    assert [(line.kind, line.text) for line in lines] == [
        ("same", "Nous ouvrons nos portes."),
        ("removed", "Nous partageons nos outils."),
        ("added", "Nous partageons nos outils et nos savoirs."),
        ("added", "Nous rendons compte."),
    ]


def test_the_charter_page_shows_versions_and_the_last_change(
    client, space, alice, place, chartered, dora
):
    url = reverse("governance:charter", args=[chartered.slug])
    page = client.get(url).content.decode()
    assert "Version 1, en vigueur" in page and "Ce qui a changé" not in page
    proposal = _charter_change(space, alice, place)
    _adopt(proposal, chartered, dora)
    page = client.get(url).content.decode()
    assert "Version 2, en vigueur" in page
    assert "Ce qui a changé de la v1 à la v2" in page
    assert '<ins><span class="visually-hidden">ajouté : </span>Nous rendons compte.</ins>' in page
    assert proposal.title in page
    # Asking for the same version twice shows no change, an unknown one falls back.
    assert client.get(url, {"de": "2", "a": "2"}).status_code == 200
    assert client.get(url, {"de": "9", "a": "x"}).status_code == 200


def test_the_proposal_page_shows_the_change_against_the_charter(client, space, alice, place):
    proposal = _charter_change(space, alice, place)
    page = client.get(reverse("governance:proposal-detail", args=[proposal.slug])).content.decode()
    assert "Ce qui change dans la charte en vigueur" in page
    assert "Nous rendons compte." in page


def test_a_charter_change_is_opened_through_the_form(client, space, alice, place, chartered):
    client.force_login(alice)
    url = reverse("governance:proposal-create", args=[space.slug])
    form_page = client.get(url, {"nature": "charter"}).content.decode()
    assert 'value="charter" selected' in form_page or 'charter" selected' in form_page
    response = client.post(
        url,
        {
            "kind": "charter",
            "title": "Une charte plus claire",
            "body": "Nous proposons de préciser ce que nous partageons.",
            "charter_text": OLD,
            "place": "",
        },
    )
    assert response.status_code == 200
    assert "celui de la charte en vigueur" in response.content.decode()
    assert not Proposal.objects.exists()
    client.post(
        url,
        {
            "kind": "charter",
            "title": "Une charte plus claire",
            "body": "Nous proposons de préciser ce que nous partageons.",
            "charter_text": NEW,
            "place": "",
        },
    )
    assert Proposal.objects.get().charter_text == NEW


def test_a_charter_rewritten_on_the_network_page_keeps_every_text(chartered, dora):
    third = NEW + "\nNous accueillons."
    for text in (NEW, third):
        network_services.update_network(
            network=chartered, by=dora, data=network_services.NetworkData(charter=text)
        )
    versions = dict(CharterVersion.objects.filter(network=chartered).values_list("number", "text"))
    assert versions == {1: OLD, 2: NEW, 3: third}
    history = charter.charter_history(network=chartered)
    assert [entry.number for entry in history] == [3, 2, 1]
    assert history[0].in_force and history[0].proposal is None


def test_an_adoption_after_a_hand_edit_fills_the_version_it_made(
    space, alice, place, chartered, dora
):
    network_services.update_network(
        network=chartered, by=dora, data=network_services.NetworkData(charter=NEW)
    )
    later = NEW + "\nNous accueillons."
    proposal = _charter_change(space, alice, place, text=later)
    _adopt(proposal, chartered, dora)
    rows = list(
        CharterVersion.objects.filter(network=chartered)
        .order_by("number")
        .values_list("number", "text", "proposal_id")
    )
    assert rows == [(1, OLD, None), (2, NEW, None), (3, later, proposal.pk)]
