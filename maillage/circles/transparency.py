"""The transparency figures of a circle: budget → granted → spent → remaining, and where each
euro went (per action, per role of the payee), every line with the decision that granted it and
the expenses that spent it.

The figures come from the same rows `budget.py` reads (envelopes, decisions in force, paid
expenses — a payment reversed afterwards stays on its line, struck and not counted), in a
fixed number of queries whatever the size of the circle; the ledger holds the
same money as transfers, and `tests/test_transparency_ledger.py` checks both agree. Only public
names appear here (a person's `public_name`, a place's name): never an e-mail or a phone.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.circles import budget
from maillage.circles.models import (
    Action,
    Circle,
    CircleAccountKind,
    CircleMember,
    CircleRole,
    Decision,
    Envelope,
    Expense,
    PayeeKind,
    Proposal,
)
from maillage.ledger.selectors import account_owned_by
from maillage.networks.selectors import publishes_payee_names

# The roles a payee can have, in the order the page shows them.
ROLE_STEWARD = CircleRole.STEWARD.value
ROLE_CONTRIBUTOR = CircleRole.CONTRIBUTOR.value
ROLE_PARTICIPANT = CircleRole.PARTICIPANT.value
ROLE_PERSON = "person"
ROLE_PLACE = PayeeKind.PLACE.value
ROLE_PROVIDER = PayeeKind.PROVIDER.value
ROLE_LABELS = {
    ROLE_STEWARD: _("Soucieux·ses"),
    ROLE_CONTRIBUTOR: _("Contributeur·rice·s"),
    ROLE_PARTICIPANT: _("Participant·e·s"),
    ROLE_PERSON: _("Autres personnes"),
    ROLE_PLACE: _("Lieux"),
    ROLE_PROVIDER: _("Prestataires extérieurs"),
}
ROLE_LABEL_ONE = {
    ROLE_STEWARD: _("Soucieux·se"),
    ROLE_CONTRIBUTOR: _("Contributeur·rice"),
    ROLE_PARTICIPANT: _("Participant·e"),
    ROLE_PERSON: _("Personne"),
    ROLE_PLACE: _("Lieu"),
    ROLE_PROVIDER: _("Prestataire extérieur"),
}


@dataclass(frozen=True)
class ExpenseLine:
    """A paid expense; a reversed one stays on its line, as the record it is, but no longer
    counts as spent (its reversing transfer gave the money back to the circle)."""

    pk: int
    url: str
    paid_on: datetime.date | None
    description: str
    amount_cents: int
    payee: str
    reversed_on: datetime.date | None = None
    reversal_reason: str = ""

    @property
    def is_reversed(self) -> bool:
        return self.reversed_on is not None

    @property
    def spent_cents(self) -> int:
        return 0 if self.is_reversed else self.amount_cents


@dataclass
class ProposalLine:
    """One granted proposal: what the decision in force grants and what was paid from it."""

    proposal: Proposal
    decision: Decision
    year: int
    role: str
    payee: str
    granted_cents: int
    expenses: list[ExpenseLine] = field(default_factory=list)

    @property
    def spent_cents(self) -> int:
        return sum(line.spent_cents for line in self.expenses)

    @property
    def unspent_cents(self) -> int:
        return self.granted_cents - self.spent_cents

    @property
    def role_label(self) -> str:
        return str(ROLE_LABEL_ONE[self.role])

    @property
    def decision_url(self) -> str:
        return decision_url(self.decision)


@dataclass
class ActionLine:
    action: Action
    lines: list[ProposalLine] = field(default_factory=list)

    @property
    def granted_cents(self) -> int:
        return sum(line.granted_cents for line in self.lines)

    @property
    def spent_cents(self) -> int:
        return sum(line.spent_cents for line in self.lines)

    @property
    def unspent_cents(self) -> int:
        return self.granted_cents - self.spent_cents

    @property
    def planned_left_cents(self) -> int:
        """The part of the action's expected cost nobody granted yet."""
        return max(0, self.action.expected_cost_cents - self.granted_cents)


@dataclass(frozen=True)
class RoleLine:
    role: str
    label: str
    granted_cents: int
    spent_cents: int

    @property
    def unspent_cents(self) -> int:
        return self.granted_cents - self.spent_cents


@dataclass(frozen=True)
class EnvelopeLine:
    envelope: Envelope
    granted_cents: int


@dataclass
class Report:
    circle: Circle
    year: int | None
    years: list[int]
    budget_cents: int
    envelopes: list[EnvelopeLine]
    actions: list[ActionLine]
    roles: list[RoleLine]
    # The circle account's balance in the ledger (all years): envelopes received minus payments.
    account_balance_cents: int

    @property
    def lines(self) -> list[ProposalLine]:
        return [line for action in self.actions for line in action.lines]

    @property
    def granted_cents(self) -> int:
        return sum(action.granted_cents for action in self.actions)

    @property
    def spent_cents(self) -> int:
        return sum(action.spent_cents for action in self.actions)

    @property
    def unspent_cents(self) -> int:
        return self.granted_cents - self.spent_cents

    @property
    def remaining_cents(self) -> int:
        """What is left to grant."""
        return self.budget_cents - self.granted_cents


def _url_or(name: str, args: list[object], fallback: str) -> str:
    """The page `name` when its area publishes it, else an anchor on the transparency page."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def decision_url(decision: Decision) -> str:
    return _url_or(
        "circles:decision-detail",
        [decision.meeting.circle.slug, decision.pk],
        f"#decision-{decision.pk}",
    )


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def _role_finder(circle: Circle, user_ids: set[int]):
    """A function (user id, day) → the person's role in the circle on that day (one query)."""
    rows: dict[int, list[CircleMember]] = defaultdict(list)
    for row in CircleMember.objects.filter(circle=circle, user_id__in=user_ids).order_by(
        "starts_on", "pk"
    ):
        rows[row.user_id].append(row)

    def role_on(user_id: int, day: datetime.date) -> str:
        history = rows.get(user_id, [])
        for row in reversed(history):
            ended = _local_date(row.ended_at)
            in_period = row.starts_on <= day and (row.ends_on is None or row.ends_on >= day)
            if in_period and (ended is None or ended >= day):
                return row.role
        return history[-1].role if history else ROLE_PERSON

    return role_on


def payee_name(obj: Proposal | Expense, *, role: str | None = None) -> str:
    """Who is paid, by public name only (never an e-mail) — or only by `role` when the network
    chose not to publish the names of the people its circles pay."""
    if obj.payee_kind == PayeeKind.PERSON and obj.payee_user is not None:
        if role is not None:
            return str(ROLE_LABEL_ONE.get(role, ROLE_LABEL_ONE[ROLE_PERSON]))
        return obj.payee_user.public_name
    if obj.payee_kind == PayeeKind.PLACE and obj.payee_place is not None:
        return obj.payee_place.name
    return obj.payee_name


def _year_of(decision: Decision) -> int:
    """A grant counts in the year of the envelope it draws from (else the year it was decided)."""
    if decision.envelope is not None:
        return decision.envelope.year
    return timezone.localtime(decision.recorded_at).year


def circle_report(*, circle: Circle, year: int | None = None) -> Report:
    """The transparency figures of a circle, for one year (of the envelopes) or all years."""
    by_role = not publishes_payee_names(network=circle.network)
    proposal_related = [
        "proposal__action",
        "proposal__payee_user",
        "proposal__payee_place",
    ]
    grants = list(
        budget.grants_in_force(circle=circle).select_related(
            "meeting__circle", "envelope", *proposal_related
        )
    )
    expenses = list(
        Expense.objects.filter(
            proposal__circle=circle, status__in=[Expense.Status.PAID, Expense.Status.REVERSED]
        )
        .select_related(
            "decision__meeting__circle",
            "decision__envelope",
            "payee_user",
            "payee_place",
            *proposal_related,
        )
        .order_by("reviewed_at", "pk")
    )
    # A proposal spent under a decision no longer in force still shows (granted 0) so that the
    # spent total stays the sum of the payments (and a reversed payment keeps its record).
    granted_ids = {d.pk for d in grants}
    decision_of: dict[int, Decision] = {d.proposal_id: d for d in grants}
    for expense in expenses:
        decision_of.setdefault(expense.proposal_id, expense.decision)
    payee_ids = {d.proposal.payee_user_id for d in decision_of.values() if d.proposal.payee_user_id}
    role_on = _role_finder(circle, payee_ids)

    lines: dict[int, ProposalLine] = {}
    for decision in decision_of.values():
        proposal = decision.proposal
        if proposal.payee_kind == PayeeKind.PERSON and proposal.payee_user_id:
            role = role_on(proposal.payee_user_id, timezone.localtime(decision.recorded_at).date())
        else:
            role = proposal.payee_kind
        lines[proposal.pk] = ProposalLine(
            proposal=proposal,
            decision=decision,
            year=_year_of(decision),
            role=role,
            payee=payee_name(proposal, role=role if by_role else None),
            granted_cents=decision.amount_granted_cents if decision.pk in granted_ids else 0,
        )
    for expense in expenses:
        lines[expense.proposal_id].expenses.append(
            ExpenseLine(
                pk=expense.pk,
                url=_url_or(
                    "circles:expense-detail", [circle.slug, expense.pk], f"#depense-{expense.pk}"
                ),
                paid_on=_local_date(expense.reviewed_at),
                description=expense.description,
                amount_cents=expense.amount_cents,
                payee=payee_name(
                    expense, role=lines[expense.proposal_id].role if by_role else None
                ),
                reversed_on=(
                    _local_date(expense.reversed_at or expense.reviewed_at)
                    if expense.status == Expense.Status.REVERSED
                    else None
                ),
                reversal_reason=(
                    expense.reversal_reason if expense.status == Expense.Status.REVERSED else ""
                ),
            )
        )

    envelopes = list(
        budget.active_envelopes(circle=circle)
        .select_related("earmark_action")
        .order_by("year", "pk")
    )
    years = sorted(
        {e.year for e in envelopes} | {line.year for line in lines.values()}, reverse=True
    )
    if year is not None:
        envelopes = [e for e in envelopes if e.year == year]
        lines = {pk: line for pk, line in lines.items() if line.year == year}

    by_action: dict[int, ActionLine] = {}
    for action in Action.objects.filter(circle=circle).exclude(status=Action.Status.DROPPED):
        by_action[action.pk] = ActionLine(action=action)
    for line in sorted(lines.values(), key=lambda li: (li.decision.recorded_at, li.proposal.pk)):
        action = line.proposal.action
        by_action.setdefault(action.pk, ActionLine(action=action)).lines.append(line)
    actions = sorted(by_action.values(), key=lambda a: (-a.granted_cents, a.action.title))

    roles = []
    for role, label in ROLE_LABELS.items():
        of_role = [line for line in lines.values() if line.role == role]
        if of_role:
            roles.append(
                RoleLine(
                    role=role,
                    label=str(label),
                    granted_cents=sum(li.granted_cents for li in of_role),
                    spent_cents=sum(li.spent_cents for li in of_role),
                )
            )

    granted_by_envelope: dict[int, int] = defaultdict(int)
    for decision in grants:
        if decision.envelope_id:
            granted_by_envelope[decision.envelope_id] += decision.amount_granted_cents
    account = account_owned_by(owner=circle, kind=CircleAccountKind.CIRCLE)
    return Report(
        circle=circle,
        year=year,
        years=years,
        budget_cents=sum(e.amount_cents for e in envelopes),
        envelopes=[EnvelopeLine(e, granted_by_envelope[e.pk]) for e in envelopes],
        actions=actions,
        roles=roles,
        account_balance_cents=account.balance_cents if account else 0,
    )


@dataclass(frozen=True)
class Bar:
    """One stacked bar of the chart, in percent of the widest bar: spent, granted not spent,
    and what is left (of the budget, or of an action's expected cost)."""

    label: str
    spent_cents: int
    unspent_cents: int
    left_cents: int
    spent_pct: float
    unspent_pct: float
    left_pct: float

    @property
    def unspent_x(self) -> float:
        return self.spent_pct

    @property
    def left_x(self) -> float:
        return self.spent_pct + self.unspent_pct


def chart_bars(report: Report) -> list[Bar]:
    """The chart: the whole circle first, then each action with money or an expected cost."""
    rows = [
        (
            str(_("Tout le cercle")),
            report.spent_cents,
            report.unspent_cents,
            max(0, report.remaining_cents),
        )
    ]
    rows += [
        (a.action.title, a.spent_cents, a.unspent_cents, a.planned_left_cents)
        for a in report.actions
        if a.granted_cents or a.planned_left_cents
    ]
    widest = max((spent + unspent + left for _label, spent, unspent, left in rows), default=0)
    scale = 100 / widest if widest else 0
    return [
        Bar(
            label=label,
            spent_cents=spent,
            unspent_cents=unspent,
            left_cents=left,
            spent_pct=round(spent * scale, 2),
            unspent_pct=round(unspent * scale, 2),
            left_pct=round(left * scale, 2),
        )
        for label, spent, unspent, left in rows
    ]
