"""What circles hold about a person, for their download and their account's deletion.

Proposals, expenses, decisions and minutes are the circle's record and its accounts: they stay
whole, and name the person "compte supprimé" (`User.public_name`) once the account is deleted.
"""

from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.circles.models import CircleMember, Expense, Proposal
from maillage.circles.services import leave_circle


def _roles(user: User) -> Rows:
    members = CircleMember.objects.filter(user=user).select_related("circle")
    return [
        {
            "circle": member.circle.name,
            "role": member.get_role_display(),
            "starts_on": member.starts_on,
            "ends_on": member.ends_on,
            "ended_at": member.ended_at,
        }
        for member in members.order_by("starts_on", "pk")
    ]


def _proposals(user: User) -> Rows:
    return [
        {
            "circle": proposal.circle.name,
            "title": proposal.title,
            "amount_cents": proposal.amount_cents,
            "justification": proposal.justification,
            "status": proposal.get_status_display(),
            "created_at": proposal.created_at,
        }
        for proposal in Proposal.objects.filter(author=user).select_related("circle")
    ]


def _expenses(user: User) -> Rows:
    mine = Expense.objects.filter(submitted_by=user) | Expense.objects.filter(payee_user=user)
    return [
        {
            "circle": expense.proposal.circle.name,
            "description": expense.description,
            "amount_cents": expense.amount_cents,
            "status": expense.get_status_display(),
            "submitted_by_me": expense.submitted_by_id == user.pk,
            "paid_to_me": expense.payee_user_id == user.pk,
            "submitted_at": expense.submitted_at,
            "reviewed_at": expense.reviewed_at,
        }
        for expense in mine.select_related("proposal__circle").distinct()
    ]


def _erase(user: User) -> None:
    """The person leaves every circle today (as if they left it themselves: the role's history
    is closed and their pending requests withdrawn); what they did in it stays in its record."""
    open_roles = CircleMember.objects.filter(user=user, ended_at__isnull=True)
    for member in open_roles.select_related("circle"):
        leave_circle(circle=member.circle, user=user)


def register_sections() -> None:
    register(Section("roles_cercles", _("Rôles dans les cercles"), export=_roles, erase=_erase))
    register(Section("propositions", _("Propositions de dépense"), export=_proposals))
    register(Section("depenses", _("Dépenses déclarées ou reçues"), export=_expenses))
