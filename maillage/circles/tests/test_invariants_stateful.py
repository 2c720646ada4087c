"""Property-based: random sequences of record envelope / propose / decide (consent or vote, random
amounts, some over budget) / revise at a later meeting / submit expense / approve (by a steward,
by the payee, by the person who filed it) / reject / reverse a payment (by a soucieux·se, the
payee or a non-steward) / cancel an envelope (a reversing transfer) keep every invariant of issue 5 after every step:

- granted ≤ budget, per circle and per envelope; spent ≤ granted per proposal;
- nobody approved an expense paying them or filed by them;
- a payment is reversed at most once, never by its payee, and the circles' ledger check agrees;
- every transfer out of a circle account cites a decision (or reverses an envelope);
- the ledger sums to zero with true cached balances;
- the transparency totals equal the ledger;
- decisions and transfers are never edited.
"""

import contextlib
import datetime

import pytest
from django.db import transaction
from django.db.models import F, Q
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from maillage.accounts.tests.factories import UserFactory
from maillage.circles import budget, budget_services, meeting_services, transparency
from maillage.circles.models import (
    CircleAccountKind,
    CircleRole,
    Decision,
    Envelope,
    Expense,
    FunderKind,
    PayeeKind,
    Proposal,
)
from maillage.circles.tests.factories import ActionFactory, CircleFactory, CircleMemberFactory
from maillage.circles.tests.test_transparency_ledger import assert_transparency_equals_ledger
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer, TransferReason, content_type_for
from maillage.places.tests.factories import PlaceFactory

# Many seconds each: skipped by `make test-fast`, run by `make test` and CI.
pytestmark = pytest.mark.slow

REFUSALS = (budget_services.BudgetError, meeting_services.MeetingError, ledger.LedgerError)
FIRST_MEETING = datetime.datetime(2026, 1, 5, 18, 0, tzinfo=datetime.UTC)


class World:
    """One circle: two soucieux·ses, a contributor, two participants, a member place, two actions."""

    def __init__(self, network):
        self.circle = CircleFactory(network=network, quorum_minimum=2, receipts_required=False)
        self.place = PlaceFactory()
        self.circle.places.add(self.place)
        roles = [CircleRole.STEWARD, CircleRole.STEWARD, CircleRole.CONTRIBUTOR]
        roles += [CircleRole.PARTICIPANT, CircleRole.PARTICIPANT]
        self.people = []
        for role in roles:
            user = UserFactory()
            CircleMemberFactory(circle=self.circle, user=user, role=role)
            self.people.append(user)
        self.stewards = self.people[:2]
        self.paid = self.people[:3]
        self.actions = [ActionFactory(circle=self.circle), ActionFactory(circle=self.circle)]


def _has_proposal(*statuses):
    return lambda m: Proposal.objects.filter(circle=m.circle, status__in=statuses).exists()


def _has_submitted_expense(m):
    return Expense.objects.filter(proposal__circle=m.circle, status="submitted").exists()


def _has_paid_expense(m):
    return Expense.objects.filter(proposal__circle=m.circle, status="paid").exists()


def _has_decision(m):
    return Decision.objects.filter(meeting__circle=m.circle).exists()


def _has_spare_envelope(m):
    return Envelope.objects.filter(circle=m.circle, cancelled_at__isnull=True).count() > 1


class CircleMachine(RuleBasedStateMachine):
    world: World

    def __init__(self):
        super().__init__()
        # Every example runs in a savepoint rolled back at teardown: each starts from the world.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.meetings = 0
        self.keys = 0
        self.decisions_seen: dict[int, tuple] = {}
        self.transfers_seen: dict[int, tuple] = {}

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @property
    def circle(self):
        return self.world.circle

    def key(self) -> str:
        self.keys += 1
        return f"k-{self.keys}"

    def pick(self, model, n, **filters):
        rows = list(model.objects.filter(**filters).order_by("pk"))
        return rows[n % len(rows)] if rows else None

    def meeting(self):
        """A new meeting, later than every earlier one, everybody present."""
        self.meetings += 1
        steward = self.world.stewards[0]
        meeting = meeting_services.schedule_meeting(
            circle=self.circle,
            by=steward,
            title=f"Régulation {self.meetings}",
            starts_at=FIRST_MEETING + datetime.timedelta(days=7 * self.meetings),
        )
        meeting_services.set_attendance(meeting=meeting, by=steward, present=self.world.people)
        return meeting

    def decide(self, *, proposal=None, revises=None, amount, envelope, vote, blocking):
        steward = self.world.stewards[0]
        meeting = self.meeting()
        item = meeting_services.add_agenda_item(
            meeting=meeting, by=steward, proposal=proposal, revises=revises
        )
        meeting_services.open_meeting(meeting=meeting, by=steward)
        try:
            if vote:
                votes = {
                    user: choice for user, choice in zip(self.world.people, vote, strict=False)
                }
                meeting_services.record_decision(
                    item=item,
                    by=steward,
                    method=Decision.Method.VOTE,
                    votes=votes,
                    amount_granted_cents=amount,
                    envelope=envelope,
                )
            else:
                objections = (
                    [
                        meeting_services.ObjectionInput(
                            user=self.world.people[3], text="Trop cher", blocking=True
                        )
                    ]
                    if blocking
                    else []
                )
                meeting_services.record_decision(
                    item=item,
                    by=steward,
                    method=Decision.Method.CONSENT,
                    objections=objections,
                    amount_granted_cents=amount,
                    envelope=envelope,
                )
            event("decision recorded" + (" (revision)" if revises else ""))
        finally:
            meeting_services.close_meeting(meeting=meeting, by=steward)

    # --- rules --------------------------------------------------------------------------------

    @initialize(euros=st.integers(500, 5_000))
    def first_envelope(self, euros):
        """Every story starts with some money, so grants and expenses happen within a few steps."""
        self.record_envelope(euros=euros, year=2026, earmark=None)
        self.first_pk = Envelope.objects.filter(circle=self.circle).latest("pk").pk

    @rule(
        euros=st.integers(1, 5_000),
        year=st.sampled_from([2025, 2026]),
        earmark=st.sampled_from([None, 0]),
    )
    def record_envelope(self, euros, year, earmark):
        budget_services.record_envelope(
            circle=self.circle,
            year=year,
            funder_kind=FunderKind.REGION,
            funder="Région Hauts-de-France",
            amount_cents=euros * 100,
            earmark_action=None if earmark is None else self.world.actions[earmark],
            by=None,
        )

    @rule(
        who=st.integers(0, 4),
        action=st.integers(0, 1),
        euros=st.integers(1, 4_000),
        payee=st.integers(0, 4),
    )
    def propose(self, who, action, euros, payee):
        payees = [
            budget_services.Payee(kind=PayeeKind.PERSON, user=self.world.paid[payee % 3]),
            budget_services.Payee(kind=PayeeKind.PLACE, place=self.world.place),
            budget_services.Payee(kind=PayeeKind.PROVIDER, name="Imprimerie Nord"),
            # Participants are not paid: refused.
            budget_services.Payee(kind=PayeeKind.PERSON, user=self.world.people[4]),
        ]
        with contextlib.suppress(*REFUSALS):
            budget_services.submit_proposal(
                circle=self.circle,
                action=self.world.actions[action],
                title="Dépense",
                amount_cents=euros * 100,
                payee=payees[payee % len(payees)],
                justification="Parce que.",
                idempotency_key=self.key(),
                by=self.world.people[who],
            )

    @precondition(_has_proposal(Proposal.Status.SUBMITTED))
    @rule(
        pick=st.integers(0, 20),
        share=st.integers(0, 120),
        env=st.integers(0, 20),
        vote=st.one_of(
            st.none(),
            st.lists(st.sampled_from(["for", "against", "abstain"]), min_size=1, max_size=5),
        ),
        blocking=st.booleans(),
    )
    def decide_proposal(self, pick, share, env, vote, blocking):
        proposal = self.pick(Proposal, pick, circle=self.circle, status=Proposal.Status.SUBMITTED)
        envelope = self.pick(Envelope, env, circle=self.circle, cancelled_at__isnull=True)
        if proposal is None:
            return
        # share > 100 asks more than was asked; big envelopes make over-budget grants likely.
        with contextlib.suppress(*REFUSALS):
            self.decide(
                proposal=proposal,
                amount=proposal.amount_cents * share // 100,
                envelope=envelope,
                vote=vote,
                blocking=blocking,
            )

    @precondition(_has_decision)
    @rule(pick=st.integers(0, 20), share=st.integers(0, 110), env=st.integers(0, 20))
    def revise(self, pick, share, env):
        decision = self.pick(
            Decision, pick, meeting__circle=self.circle, superseded_by__isnull=True
        )
        envelope = self.pick(Envelope, env, circle=self.circle, cancelled_at__isnull=True)
        if decision is None:
            return
        with contextlib.suppress(*REFUSALS):
            self.decide(
                revises=decision,
                amount=decision.proposal.amount_cents * share // 100,
                envelope=envelope,
                vote=None,
                blocking=False,
            )

    @precondition(_has_proposal(Proposal.Status.GRANTED, Proposal.Status.PARTIAL))
    @rule(
        pick=st.integers(0, 20),
        who=st.integers(0, 4),
        share=st.integers(1, 120),
        # Mostly a soucieux·se (0, 1), sometimes anyone (2-4 are not stewards).
        approver=st.one_of(st.none(), st.integers(0, 1), st.integers(0, 4)),
    )
    def submit_expense(self, pick, who, share, approver):
        proposal = self.pick(
            Proposal,
            pick,
            circle=self.circle,
            status__in=[Proposal.Status.GRANTED, Proposal.Status.PARTIAL],
        )
        if proposal is None:
            return
        amount = max(1, budget.granted_for_proposal(proposal=proposal) * share // 100)
        with contextlib.suppress(*REFUSALS):
            expense = budget_services.submit_expense(
                proposal=proposal,
                amount_cents=amount,
                description="Facture",
                idempotency_key=self.key(),
                by=self.world.people[who],
            )
            event("expense submitted")
            if approver is not None:
                # Often right away (by anyone: the payee, the filer or a participant is refused).
                budget_services.approve_expense(expense=expense, by=self.world.people[approver])
                event("expense paid")

    @precondition(_has_submitted_expense)
    @rule(pick=st.integers(0, 20), who=st.one_of(st.integers(0, 1), st.integers(0, 4)))
    def approve(self, pick, who):
        """Mostly by a soucieux·se; sometimes by the payee or the person who filed it, or by a
        non-steward: refused."""
        expense = self.pick(Expense, pick, proposal__circle=self.circle, status="submitted")
        if expense is None:
            return
        with contextlib.suppress(*REFUSALS):
            budget_services.approve_expense(expense=expense, by=self.world.people[who])
            event("expense paid")

    @precondition(_has_submitted_expense)
    @rule(pick=st.integers(0, 20), who=st.integers(0, 1))
    def reject(self, pick, who):
        expense = self.pick(Expense, pick, proposal__circle=self.circle, status="submitted")
        if expense is None:
            return
        with contextlib.suppress(*REFUSALS):
            budget_services.reject_expense(
                expense=expense, by=self.world.stewards[who], reason="Hors programme"
            )

    @precondition(_has_paid_expense)
    # Mostly a soucieux·se (0, 1), sometimes anyone (the payee or a non-steward is refused).
    @rule(pick=st.integers(0, 20), who=st.one_of(st.integers(0, 1), st.integers(0, 4)))
    def reverse_payment(self, pick, who):
        """A soucieux·se corrects a payment (the payee or a non-steward is refused); the
        remainder it frees can be spent again by later steps."""
        expense = self.pick(Expense, pick, proposal__circle=self.circle, status="paid")
        if expense is None:
            return
        with contextlib.suppress(*REFUSALS):
            budget_services.reverse_expense_payment(
                expense=expense, by=self.world.people[who], reason="Montant erroné"
            )
            event("payment reversed")

    @precondition(_has_spare_envelope)
    @rule(pick=st.integers(0, 20))
    def cancel_envelope(self, pick):
        """Never the first envelope, so that stories keep some money to grant."""
        envelope = self.pick(
            Envelope, pick, circle=self.circle, cancelled_at__isnull=True, pk__gt=self.first_pk
        )
        if envelope is None:
            return
        with contextlib.suppress(*REFUSALS):
            budget_services.cancel_envelope(envelope=envelope, by=None)
            event("envelope cancelled")

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def granted_never_exceeds_the_budget(self):
        assert budget.granted_total(circle=self.circle) <= budget.budget_total(circle=self.circle)
        for envelope in Envelope.objects.filter(circle=self.circle):
            granted = budget.envelope_granted(envelope=envelope)
            assert granted <= (0 if envelope.cancelled_at else envelope.amount_cents)

    @invariant()
    def spent_never_exceeds_granted(self):
        for proposal in Proposal.objects.filter(circle=self.circle):
            spent = budget.spent_for_proposal(proposal=proposal)
            assert spent <= budget.granted_for_proposal(proposal=proposal)

    @invariant()
    def nobody_approved_their_own_expense(self):
        assert (
            not Expense.objects.filter(status=Expense.Status.PAID)
            .filter(Q(reviewed_by=F("payee_user")) | Q(reviewed_by=F("submitted_by")))
            .exists()
        )

    @invariant()
    def a_payment_is_reversed_once_by_a_soucieux_who_is_not_its_payee(self):
        reversed_ = Expense.objects.filter(proposal__circle=self.circle, status="reversed")
        assert not reversed_.filter(reversed_by=F("payee_user")).exists()
        for expense in reversed_:
            assert expense.reversed_by in self.world.stewards
            assert (
                Transfer.objects.caused_by(expense).filter(reason=TransferReason.REVERSAL).count()
                == 1
            )
        assert budget_services.circle_ledger_issues() == []

    @invariant()
    def money_leaves_a_circle_only_by_a_decision(self):
        out = Transfer.objects.filter(debit__kind=CircleAccountKind.CIRCLE)
        assert (
            not out.filter(authority_id__isnull=True)
            .exclude(reverses__isnull=False, cause_type=content_type_for(Envelope))
            .exists()
        )
        for transfer in out.filter(authority_id__isnull=False).prefetch_related(
            "authority", "cause"
        ):
            assert transfer.cause.proposal_id == transfer.authority.proposal_id

    @invariant()
    def the_ledger_balances_and_transparency_equals_it(self):
        assert_transparency_equals_ledger(self.circle)
        report = transparency.circle_report(circle=self.circle)
        assert report.granted_cents == budget.granted_total(circle=self.circle)
        assert report.remaining_cents >= 0

    @invariant()
    def decisions_and_transfers_are_never_edited(self):
        for row in Decision.objects.values_list(
            "pk", "outcome", "amount_granted_cents", "envelope_id", "supersedes_id"
        ):
            assert self.decisions_seen.setdefault(row[0], row) == row
        for row in Transfer.objects.values_list("pk", "debit_id", "credit_id", "amount_cents"):
            assert self.transfers_seen.setdefault(row[0], row) == row


@pytest.mark.django_db
def test_random_sequences_keep_the_circle_budget_invariants(network_a):
    CircleMachine.world = World(network_a)
    run_state_machine_as_test(
        CircleMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
