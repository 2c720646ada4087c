# ruff: noqa: F811  (pytest fixtures imported from test_meetings_fixtures are parameters here)
"""Recording decisions: consent and vote rules, grants within what was asked and what remains,
earmarks, and each refusal saving nothing."""

import pytest

from maillage.circles import budget
from maillage.circles import meeting_services as svc
from maillage.circles.models import Decision, Objection, Proposal, Vote
from maillage.circles.tests.factories import (
    ActionFactory,
    EnvelopeFactory,
    MeetingFactory,
    ProposalFactory,
)
from maillage.circles.tests.test_meetings_fixtures import (  # noqa: F401
    envelope,
    grant,
    item_for,
    meeting,
    open_meeting,
    proposal,
)
from maillage.notifications.models import Notification

CONSENT = Decision.Method.CONSENT
VOTE = Decision.Method.VOTE


def test_consent_without_blocking_objection_grants_and_records_objections(
    open_meeting, steward, contributor, proposal, envelope
):
    item = item_for(open_meeting, steward, proposal=proposal)
    decision = svc.record_decision(
        item=item,
        by=steward,
        method=CONSENT,
        objections=[svc.ObjectionInput(user=contributor, text="Devis un peu cher.")],
        amount_granted_cents=80_000,
        envelope=envelope,
        rationale="Accord sur 800 €.",
    )
    assert decision.outcome == Decision.Outcome.ADOPTED
    assert decision.amount_granted_cents == 80_000
    assert decision.present_count == 3
    objection = Objection.objects.get(decision=decision)
    assert (objection.user, objection.blocking) == (contributor, False)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PARTIAL  # 800 € of 1 000 € asked
    assert budget.remaining(circle=proposal.circle) == 1_000_000 - 80_000


def test_a_blocking_objection_means_not_adopted_and_nothing_granted(
    open_meeting, steward, contributor, proposal, envelope
):
    item = item_for(open_meeting, steward, proposal=proposal)
    decision = svc.record_decision(
        item=item,
        by=steward,
        method=CONSENT,
        objections=[svc.ObjectionInput(user=contributor, text="Hors programme.", blocking=True)],
        amount_granted_cents=100_000,
        envelope=envelope,
    )
    assert decision.outcome == Decision.Outcome.REJECTED
    assert decision.amount_granted_cents == 0
    assert decision.envelope is None
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REFUSED
    assert budget.remaining(circle=proposal.circle) == 1_000_000


def test_a_vote_is_adopted_when_for_outnumbers_against(
    open_meeting, steward, contributor, participant, proposal, envelope
):
    # 1 for, 1 against, 1 abstention: a tie is not adopted.
    item = item_for(open_meeting, steward, proposal=proposal)
    decision = svc.record_decision(
        item=item,
        by=steward,
        method=VOTE,
        votes={steward: "for", contributor: "against", participant: "abstain"},
        amount_granted_cents=100_000,
        envelope=envelope,
    )
    assert decision.outcome == Decision.Outcome.REJECTED
    assert (decision.votes_for, decision.votes_against, decision.votes_abstain) == (1, 1, 1)
    assert Vote.objects.filter(decision=decision).count() == 3


def test_two_for_one_against_adopts_the_full_amount(
    open_meeting, steward, contributor, participant, proposal, envelope
):
    item = item_for(open_meeting, steward, proposal=proposal)
    decision = svc.record_decision(
        item=item,
        by=steward,
        method=VOTE,
        votes={steward: "for", contributor: "for", participant: "against"},
        amount_granted_cents=100_000,
        envelope=envelope,
    )
    assert decision.outcome == Decision.Outcome.ADOPTED
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.GRANTED


def test_a_vote_by_someone_not_present_is_refused(
    circle, meeting, steward, contributor, participant, proposal, envelope
):
    svc.set_attendance(meeting=meeting, by=steward, present=[steward, contributor])
    svc.open_meeting(meeting=meeting, by=steward)
    item = item_for(meeting, steward, proposal=proposal)
    with pytest.raises(svc.NotPresentMember, match="n'est pas un·e membre présent·e"):
        svc.record_decision(
            item=item,
            by=steward,
            method=VOTE,
            votes={steward: "for", participant: "for"},
            amount_granted_cents=100_000,
            envelope=envelope,
        )
    assert not Decision.objects.exists()
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("amount", "error", "message"),
    [
        (100_001, svc.InvalidAmount, "dépasser le montant demandé"),
        (0, svc.InvalidAmount, "Indiquez le montant accordé"),
    ],
)
def test_an_amount_above_what_was_asked_is_refused(
    open_meeting, steward, proposal, envelope, amount, error, message
):
    item = item_for(open_meeting, steward, proposal=proposal)
    with pytest.raises(error, match=message):
        svc.record_decision(
            item=item, by=steward, method=CONSENT, amount_granted_cents=amount, envelope=envelope
        )
    assert not Decision.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_a_grant_above_the_envelope_remaining_is_refused(
    circle, open_meeting, steward, action, participant
):
    # Envelope of 1 500 €; 1 000 € already granted; 600 € more is refused (500 € left).
    small = EnvelopeFactory(circle=circle, amount_cents=150_000)
    EnvelopeFactory(circle=circle, amount_cents=1_000_000)  # the circle still has money
    first = ProposalFactory(circle=circle, action=action, amount_cents=100_000)
    grant(open_meeting, steward, first, small, 100_000)
    second = ProposalFactory(circle=circle, action=action, amount_cents=60_000)
    with pytest.raises(svc.OverBudget, match="reste dans cette enveloppe"):
        grant(open_meeting, steward, second, small, 60_000)
    assert Decision.objects.count() == 1
    assert budget.envelope_remaining(envelope=small) == 50_000


def test_the_circle_limit_applies_even_when_the_envelope_would_allow(
    circle, open_meeting, steward, action, envelope
):
    # 10 000 € in the circle; an older grant of 9 600 € recorded without an envelope leaves
    # 400 € in the circle while the envelope alone still shows 10 000 €: 500 € is refused.
    older = ProposalFactory(circle=circle, action=action, amount_cents=960_000)
    item = open_meeting.agenda.create(proposal=older, position=9)
    Decision.objects.create(
        meeting=open_meeting,
        item=item,
        proposal=older,
        method=CONSENT,
        outcome=Decision.Outcome.ADOPTED,
        amount_granted_cents=960_000,
    )
    proposal = ProposalFactory(circle=circle, action=action, amount_cents=100_000)
    with pytest.raises(svc.OverBudget, match="reste du budget du cercle"):
        grant(open_meeting, steward, proposal, envelope, 50_000)
    assert Decision.objects.count() == 1
    assert budget.remaining(circle=circle) == 40_000


def test_an_envelope_earmarked_for_another_action_cannot_pay(
    circle, open_meeting, steward, proposal
):
    other_action = ActionFactory(circle=circle, title="Festival")
    earmarked = EnvelopeFactory(circle=circle, earmark_action=other_action)
    item = item_for(open_meeting, steward, proposal=proposal)
    with pytest.raises(svc.EnvelopeNotAllowed, match="réservée à une autre action"):
        svc.record_decision(
            item=item, by=steward, method=CONSENT, amount_granted_cents=10_000, envelope=earmarked
        )
    assert not Decision.objects.exists()


def test_an_envelope_earmarked_for_the_proposal_action_can_pay(
    circle, open_meeting, steward, proposal, action
):
    earmarked = EnvelopeFactory(circle=circle, earmark_action=action)
    decision = grant(open_meeting, steward, proposal, earmarked, 10_000)
    assert decision.envelope == earmarked


def test_an_envelope_of_another_circle_cannot_pay(other_circle, open_meeting, steward, proposal):
    foreign = EnvelopeFactory(circle=other_circle)
    with pytest.raises(svc.EnvelopeNotAllowed):
        grant(open_meeting, steward, proposal, foreign, 10_000)


def test_a_second_decision_on_the_same_point_is_refused(open_meeting, steward, proposal, envelope):
    item = item_for(open_meeting, steward, proposal=proposal)
    svc.record_decision(
        item=item, by=steward, method=CONSENT, amount_granted_cents=100_000, envelope=envelope
    )
    with pytest.raises(svc.AlreadyDecided, match="déjà fait l'objet d'une décision"):
        svc.record_decision(
            item=item, by=steward, method=CONSENT, amount_granted_cents=100_000, envelope=envelope
        )
    assert Decision.objects.count() == 1


def test_a_meeting_not_open_cannot_decide(meeting, steward, participant, proposal, envelope):
    svc.set_attendance(meeting=meeting, by=steward, present=[steward, participant])
    item = item_for(meeting, steward, proposal=proposal)
    with pytest.raises(svc.MeetingNotOpen, match="n'est pas ouverte"):
        svc.record_decision(
            item=item, by=steward, method=CONSENT, amount_granted_cents=1, envelope=envelope
        )
    svc.open_meeting(meeting=meeting, by=steward)
    svc.close_meeting(meeting=meeting, by=steward)
    with pytest.raises(svc.MeetingNotOpen):
        svc.record_decision(
            item=item, by=steward, method=CONSENT, amount_granted_cents=1, envelope=envelope
        )
    assert not Decision.objects.exists()


def test_a_proposal_of_another_circle_cannot_be_decided(
    other_circle, open_meeting, steward, envelope
):
    foreign = ProposalFactory(circle=other_circle)
    with pytest.raises(svc.NotOnAgenda):
        item_for(open_meeting, steward, proposal=foreign)
    # Even a point slipped onto the agenda directly is refused at decision time.
    item = open_meeting.agenda.create(proposal=foreign, position=1)
    with pytest.raises(svc.WrongCircle, match="concerne un autre cercle"):
        svc.record_decision(
            item=item, by=steward, method=CONSENT, amount_granted_cents=1, envelope=envelope
        )
    assert not Decision.objects.exists()


def test_only_runners_record_decisions(open_meeting, steward, participant, proposal, envelope):
    item = item_for(open_meeting, steward, proposal=proposal)
    with pytest.raises(svc.NotAllowed):
        svc.record_decision(
            item=item, by=participant, method=CONSENT, amount_granted_cents=1, envelope=envelope
        )


def test_the_author_and_the_payee_are_told(
    circle, open_meeting, steward, contributor, participant, action, envelope
):
    proposal = ProposalFactory(
        circle=circle,
        action=action,
        author=participant,
        payee_kind="person",
        payee_user=contributor,
        payee_name="",
    )
    decision = grant(open_meeting, steward, proposal, envelope, 50_000)
    notes = Notification.objects.filter(topic="circles.decision")
    assert {n.user for n in notes} == {participant, contributor}
    assert all(n.url == f"/cercles/douaisis/decisions/{decision.pk}/" for n in notes)
    assert notes.first().title.startswith("Décision adoptée")


def test_a_later_meeting_cannot_decide_a_proposal_again_without_a_revision(
    circle, open_meeting, steward, participant, proposal, envelope
):
    grant(open_meeting, steward, proposal, envelope, 100_000)
    later = MeetingFactory(circle=circle, starts_at=open_meeting.starts_at.replace(year=2027))
    item = later.agenda.create(proposal=proposal, position=1)
    svc.set_attendance(meeting=later, by=steward, present=[steward, participant])
    svc.open_meeting(meeting=later, by=steward)
    with pytest.raises(svc.InvalidRevision, match="inscrivez une révision"):
        svc.record_decision(
            item=item, by=steward, method=CONSENT, amount_granted_cents=1, envelope=envelope
        )


def test_a_withdrawn_proposal_is_not_decided(open_meeting, steward, proposal, envelope):
    item = item_for(open_meeting, steward, proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.WITHDRAWN)
    with pytest.raises(svc.NotOnAgenda, match="retiré cette proposition"):
        svc.record_decision(
            item=item, by=steward, method=CONSENT, amount_granted_cents=1, envelope=envelope
        )
    assert not Decision.objects.exists()
