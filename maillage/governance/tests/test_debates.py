"""Debates and collective proposals: supports, threshold, agenda, decision, moderation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.governance import debates
from maillage.governance.models import (
    AgendaItem,
    Comment,
    GovernanceDecision,
    ModerationEntry,
    Proposal,
    Support,
    ThresholdKind,
)
from maillage.governance.tests.factories import member_places_with_managers


@pytest.fixture
def space(dora, network_a, membership):
    return debates.create_space(by=dora, network=network_a, title="Plaidoyer", threshold_value=3)


@pytest.fixture
def proposal(space, alice, place):
    return debates.open_proposal(
        by=alice,
        space=space,
        kind=Proposal.Kind.POSITION,
        title="Un fonds pour les tiers-lieux ruraux",
        body="Nous demandons un fonds dédié aux tiers-lieux des communes rurales.",
        place=place,
    )


def test_a_threshold_of_zero_is_refused(dora, network_a):
    with pytest.raises(debates.DebateError, match="zéro") as refused:
        debates.create_space(by=dora, network=network_a, title="X", threshold_value=0)
    assert refused.value.field == "threshold_value"
    assert not network_a.debate_spaces.exists()


def test_a_share_threshold_counts_the_member_places(dora, network_a, membership):
    member_places_with_managers(network=network_a, count=9, by=dora)
    space = debates.create_space(
        by=dora,
        network=network_a,
        title="X",
        threshold_kind=ThresholdKind.SHARE,
        threshold_value=25,
    )
    assert debates.required_places(space) == 3  # 25 % of 10 places, rounded up


def test_only_members_open_proposals(space, charlie, place):
    with pytest.raises(debates.NotAllowed):
        debates.open_proposal(by=charlie, space=space, kind="position", title="T", body="x" * 30)


def test_opening_for_a_place_counts_its_support(proposal, place):
    assert list(proposal.supports.values_list("place", flat=True)) == [place.pk]


def test_one_support_per_person_and_per_place(proposal, alice, place, bob):
    debates.support(by=bob, proposal=proposal)
    with pytest.raises(debates.AlreadySupported):
        debates.support(by=bob, proposal=proposal)
    with pytest.raises(debates.AlreadySupported, match="La Bobine"):
        debates.support(by=alice, proposal=proposal, place=place)
    assert Support.objects.filter(proposal=proposal).count() == 2


def test_a_place_support_needs_its_manager(proposal, bob, place):
    with pytest.raises(debates.NotAllowed):
        debates.support(by=bob, proposal=proposal, place=place)


def test_crossing_the_threshold_puts_it_on_the_agenda(proposal, network_a, dora):
    others = member_places_with_managers(network=network_a, count=2, by=dora)
    debates.support(by=others[0][1], proposal=proposal, place=others[0][0])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    debates.support(by=others[1][1], proposal=proposal, place=others[1][0])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ON_AGENDA
    item = AgendaItem.objects.get(proposal=proposal)
    assert item.meeting.network == network_a


def _on_agenda(proposal, network_a, dora):
    for place, manager in member_places_with_managers(network=network_a, count=2, by=dora):
        debates.support(by=manager, proposal=proposal, place=place)
    return AgendaItem.objects.get(proposal=proposal).meeting


def test_the_meeting_decides_with_quorum_and_publishes_the_answer(proposal, network_a, dora):
    meeting = _on_agenda(proposal, network_a, dora)
    voters, needed = debates.quorum_needed(network=network_a)
    assert (voters, needed) == (3, 2)
    with pytest.raises(debates.NoQuorum):
        debates.decide(
            by=dora, meeting=meeting, proposal=proposal,
            data=debates.DecisionInput(method="consent", outcome="adopted", present_places=1),
        )  # fmt: skip
    with pytest.raises(debates.DebateError, match="pas adoptée"):
        debates.decide(
            by=dora, meeting=meeting, proposal=proposal,
            data=debates.DecisionInput(method="vote", outcome="adopted", present_places=3,
                                       votes_for=1, votes_against=2),
        )  # fmt: skip
    debates.decide(
        by=dora, meeting=meeting, proposal=proposal,
        data=debates.DecisionInput(method="vote", outcome="adopted", present_places=3, votes_for=3,
                                   answer="Le réseau porte cette demande auprès de la région."),
    )  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED
    assert "région" in proposal.answer
    assert GovernanceDecision.objects.get().member_places == 3


def test_a_rejection_states_its_reasons(proposal, network_a, dora):
    meeting = _on_agenda(proposal, network_a, dora)
    with pytest.raises(debates.DebateError, match="motifs"):
        debates.decide(
            by=dora, meeting=meeting, proposal=proposal,
            data=debates.DecisionInput(method="consent", outcome="rejected", present_places=2),
        )  # fmt: skip
    assert not GovernanceDecision.objects.exists()


def test_hiding_a_comment_keeps_author_text_and_log(proposal, bob, dora):
    comment = debates.comment(by=bob, proposal=proposal, body="Hors sujet et blessant")
    debates.report_comment(by=proposal.author, comment=comment, reason="Blessant")
    with pytest.raises(debates.NotAllowed):
        debates.hide_comment(by=bob, comment=comment, reason="x")
    debates.hide_comment(by=dora, comment=comment, reason="Propos blessants")
    comment = Comment.objects.get()
    assert (comment.author, comment.body) == (bob, "Hors sujet et blessant")
    assert comment.hidden_reason == "Propos blessants"
    assert list(ModerationEntry.objects.values_list("action", flat=True)) == ["report", "hide"]


def test_closing_keeps_the_supports_and_refuses_new_ones(proposal, bob, dora):
    debates.support(by=bob, proposal=proposal)
    debates.close_debate(
        by=dora, proposal=proposal, conclusion="Le débat a nourri la feuille de route."
    )
    assert proposal.supports.count() == 2
    with pytest.raises(debates.NotOpen):
        debates.support(by=dora, proposal=proposal)


def test_a_consultation_collects_answers_until_its_deadline(space, alice, bob, dora):
    consultation = debates.create_consultation(
        by=dora, space=space, title="Priorités 2027",
        closes_at=timezone.now() + datetime.timedelta(days=7),
        questions=[("Quelle priorité ?", ["Formation", "Foncier", "Numérique"])],
    )  # fmt: skip
    question = consultation.questions.get()
    debates.answer_consultation(by=alice, consultation=consultation, choices={question.pk: 1})
    debates.answer_consultation(by=alice, consultation=consultation, choices={question.pk: 2})
    [(_q, total, bars)] = debates.results(consultation=consultation)
    assert total == 1 and [b.count for b in bars] == [0, 0, 1]


def test_pages_permission_matrix(client, proposal, space, alice, bob, charlie, dora, root):
    public = [
        reverse("governance:index"),
        reverse("governance:space-detail", args=[space.slug]),
        reverse("governance:proposal-detail", args=[proposal.slug]),
    ]
    for url in public:
        assert client.get(url).status_code == 200, url
    member_only = [reverse("governance:proposal-create", args=[space.slug])]
    coordinator_only = [
        reverse("governance:meeting-list", args=[space.network.slug]),
        reverse("governance:space-create", args=[space.network.slug]),
    ]
    expected = {None: 302, charlie: 403, bob: 200, alice: 200, dora: 200, root: 200}
    for user, status in expected.items():
        client.logout()
        if user:
            client.force_login(user)
        for url in member_only:
            assert client.get(url).status_code == status, (user, url)
        for url in coordinator_only:
            want = status if user in (None, dora, root) else 403
            assert client.get(url).status_code == want, (user, url)


def test_supporting_through_the_page(client, proposal, bob):
    client.force_login(bob)
    client.post(reverse("governance:proposal-action", args=[proposal.slug, "soutenir"]))
    assert proposal.supports.filter(by=bob, place=None).exists()
    page = client.get(reverse("governance:proposal-detail", args=[proposal.slug])).content.decode()
    assert "1 personne" in page
