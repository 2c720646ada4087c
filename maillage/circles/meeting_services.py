"""Regulation meetings: scheduling, agenda, attendance and quorum, decisions, closing.

Every write checks `can_run_meetings` (soucieux·ses of the circle, the network's coordinators).
Decisions are immutable: a later meeting supersedes one through an agenda point that revises it.
Grants lock the circle row first, so two concurrent grants are checked one after the other
against what remains (`budget.py`).
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.models import User
from maillage.circles import budget
from maillage.circles.models import (
    AgendaItem,
    Attendance,
    Circle,
    Decision,
    Envelope,
    Meeting,
    Objection,
    Proposal,
    RoleRequest,
    Vote,
)
from maillage.circles.selectors import can_run_meetings, current_members
from maillage.lib.money import format_cents
from maillage.lib.refusals import Refusal
from maillage.notifications.services import notify

PENDING_MEETINGS = (Meeting.Status.SCHEDULED, Meeting.Status.OPEN)


class MeetingError(Refusal):
    """A rule of regulation meetings refused the request; `message` says why, in French."""


class NotAllowed(MeetingError):
    """Only the circle's soucieux·ses and the network's coordinators run meetings."""


class InvalidMeeting(MeetingError):
    """The meeting's title or date is missing or wrong."""


class MeetingNotOpen(MeetingError):
    """Decisions are recorded only while the meeting is open."""


class MeetingClosed(MeetingError):
    """A closed meeting changes no more."""


class NotOnAgenda(MeetingError):
    """The point cannot be put on the agenda (already decided, on another agenda, wrong circle)."""


class WrongCircle(MeetingError):
    """The point concerns another circle."""


class NotCircleMember(MeetingError):
    field = "present"


class NoQuorum(MeetingError):
    """Fewer members present than the circle's quorum rule asks."""


class NotPresentMember(MeetingError):
    """A vote or an objection from someone not present (or not a member)."""


class InvalidVote(MeetingError):
    pass


class AlreadyDecided(MeetingError):
    """The point already has its decision at this meeting."""


class InvalidAmount(MeetingError):
    field = "amount_granted_cents"


class EnvelopeNotAllowed(MeetingError):
    field = "envelope"


class OverBudget(MeetingError):
    field = "amount_granted_cents"


class InvalidRevision(MeetingError):
    pass


@dataclass(frozen=True)
class ObjectionInput:
    user: User
    text: str
    blocking: bool = False


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    minimum: int
    percent: int

    @property
    def needed(self) -> int:
        """How many present members the rule asks for (the larger of its two conditions)."""
        by_percent = -(-self.members * self.percent // 100)  # ceiling
        return max(self.minimum, by_percent)

    @property
    def reached(self) -> bool:
        return self.present >= self.needed


# --- reads ------------------------------------------------------------------------------------


def meeting_day(meeting: Meeting) -> datetime.date:
    return timezone.localtime(meeting.starts_at).date()


def meeting_members(*, meeting: Meeting) -> QuerySet[User]:
    """The circle's members in force on the meeting's day: the people who may attend and vote."""
    ids = current_members(circle=meeting.circle, on=meeting_day(meeting)).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("display_name", "email")


def present_members(*, meeting: Meeting) -> QuerySet[User]:
    """Members ticked present (someone whose role ended since does not count)."""
    return meeting_members(meeting=meeting).filter(meeting_attendance__meeting=meeting)


def quorum_of(*, meeting: Meeting) -> Quorum:
    circle = meeting.circle
    return Quorum(
        present=present_members(meeting=meeting).count(),
        members=meeting_members(meeting=meeting).count(),
        minimum=circle.quorum_minimum,
        percent=circle.quorum_percent,
    )


def _on_pending_agenda() -> Q:
    return Q(agenda_items__meeting__status__in=PENDING_MEETINGS)


def proposal_candidates(*, meeting: Meeting) -> QuerySet[Proposal]:
    """Proposals of the circle awaiting a decision and not already on a pending agenda."""
    return (
        Proposal.objects.filter(circle_id=meeting.circle_id, status=Proposal.Status.SUBMITTED)
        .exclude(_on_pending_agenda())
        .select_related("action")
        .order_by("created_at", "pk")
    )


def role_request_candidates(*, meeting: Meeting) -> QuerySet[RoleRequest]:
    return (
        RoleRequest.objects.filter(circle_id=meeting.circle_id, status=RoleRequest.Status.PENDING)
        .exclude(_on_pending_agenda())
        .select_related("user")
        .order_by("created_at", "pk")
    )


def revision_candidates(*, meeting: Meeting) -> QuerySet[Decision]:
    """Decisions in force on proposals, taken at an earlier meeting of the circle."""
    return (
        budget.decisions_in_force()
        .filter(
            meeting__circle_id=meeting.circle_id,
            meeting__starts_at__lt=meeting.starts_at,
            proposal__isnull=False,
        )
        .exclude(revision_items__meeting__status__in=PENDING_MEETINGS)
        .select_related("proposal", "meeting")
        .order_by("recorded_at", "pk")
    )


def agenda_of(*, meeting: Meeting) -> list[AgendaItem]:
    """The agenda with each point's decision at this meeting (`item.decision`, or None)."""
    items = list(
        meeting.agenda.select_related(
            "proposal__action",
            "proposal__payee_user",
            "proposal__payee_place",
            "role_request__user",
            "revises__meeting",
        )
    )
    decisions = {
        d.item_id: d
        for d in Decision.objects.filter(meeting=meeting)
        .select_related("envelope", "supersedes__meeting")
        .prefetch_related("votes__user", "objections__user", "superseded_by__meeting")
    }
    for item in items:
        item.decision = decisions.get(item.pk)
    return items


# --- writes -----------------------------------------------------------------------------------


def _check_runner(*, circle: Circle, by: User) -> None:
    if not can_run_meetings(user=by, circle=circle):
        raise NotAllowed(
            _(
                "Seul·es les soucieux·ses du cercle et la coordination du réseau animent les réunions."
            )
        )


def _lock_meeting(meeting: Meeting) -> Meeting:
    # Lock the circle row first, then the meeting: every write of a meeting of this circle (and
    # every grant from its budget) is applied one after the other.
    Circle.objects.select_for_update().get(pk=meeting.circle_id)
    return Meeting.objects.select_for_update().select_related("circle").get(pk=meeting.pk)


def schedule_meeting(
    *, circle: Circle, by: User, title: str, starts_at: datetime.datetime, location: str = ""
) -> Meeting:
    """Create a meeting of the circle; raise NotAllowed or InvalidMeeting."""
    _check_runner(circle=circle, by=by)
    if not title.strip():
        raise InvalidMeeting(_("Donnez un titre à la réunion."), field="title")
    if timezone.is_naive(starts_at):
        raise InvalidMeeting(_("Indiquez la date et l'heure de la réunion."), field="starts_at")
    with transaction.atomic():
        return Meeting.objects.create(
            circle=circle,
            title=title.strip(),
            starts_at=starts_at,
            location=location.strip(),
            created_by=by,
        )


def add_agenda_item(
    *,
    meeting: Meeting,
    by: User,
    proposal: Proposal | None = None,
    role_request: RoleRequest | None = None,
    revises: Decision | None = None,
) -> AgendaItem:
    """Put a proposal, a role request or a revision on the agenda; raise NotOnAgenda otherwise."""
    _check_runner(circle=meeting.circle, by=by)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.status not in PENDING_MEETINGS:
            raise MeetingClosed(_("Cette réunion est close : son ordre du jour ne change plus."))
        if sum(x is not None for x in (proposal, role_request, revises)) != 1:
            raise NotOnAgenda(_("Choisissez un seul point à inscrire."))
        if revises is not None:
            if not revision_candidates(meeting=meeting).filter(pk=revises.pk).exists():
                raise NotOnAgenda(
                    _(
                        "Seule une décision en vigueur d'une réunion antérieure de ce cercle "
                        "peut être révisée."
                    )
                )
            proposal = revises.proposal
        elif proposal is not None:
            if not proposal_candidates(meeting=meeting).filter(pk=proposal.pk).exists():
                raise NotOnAgenda(
                    _(
                        "Cette proposition n'attend pas de décision de ce cercle, ou figure déjà "
                        "à l'ordre du jour d'une réunion."
                    )
                )
        elif (
            role_request is not None
            and not role_request_candidates(meeting=meeting).filter(pk=role_request.pk).exists()
        ):
            raise NotOnAgenda(
                _("Cette demande de rôle n'est plus en attente, ou figure déjà à un ordre du jour.")
            )
        position = meeting.agenda.count() + 1
        return AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            proposal=proposal,
            role_request=role_request,
            revises=revises,
        )


def remove_agenda_item(*, item: AgendaItem, by: User) -> None:
    """Take an undecided point off the agenda of a meeting not yet closed."""
    _check_runner(circle=item.meeting.circle, by=by)
    with transaction.atomic():
        meeting = _lock_meeting(item.meeting)
        if meeting.status not in PENDING_MEETINGS:
            raise MeetingClosed(_("Cette réunion est close : son ordre du jour ne change plus."))
        if item.decisions.exists():
            raise AlreadyDecided(_("Ce point a déjà sa décision : il reste à l'ordre du jour."))
        if item.proposal_id and item.revises_id is None:
            Proposal.objects.filter(pk=item.proposal_id, status=Proposal.Status.SCHEDULED).update(
                status=Proposal.Status.SUBMITTED
            )
        item.delete()


def publish_agenda(*, meeting: Meeting, by: User) -> int:
    """Mark the agenda's proposals scheduled and tell the circle's members; return how many."""
    _check_runner(circle=meeting.circle, by=by)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.status not in PENDING_MEETINGS:
            raise MeetingClosed(_("Cette réunion est close : son ordre du jour ne change plus."))
        items = list(meeting.agenda.all())
        if not items:
            raise NotOnAgenda(_("L'ordre du jour est vide : inscrivez au moins un point."))
        Proposal.objects.filter(
            pk__in=[i.proposal_id for i in items if i.proposal_id and i.revises_id is None],
            status=Proposal.Status.SUBMITTED,
        ).update(status=Proposal.Status.SCHEDULED)
        when = timezone.localtime(meeting.starts_at)
        rows = notify(
            users=meeting_members(meeting=meeting),
            topic="circles.meeting",
            title=_("Réunion de régulation « %(title)s » : ordre du jour")
            % {"title": meeting.title},
            body=ngettext(
                "Le %(day)s à %(time)s, %(place)s. %(count)s point à l'ordre du jour.",
                "Le %(day)s à %(time)s, %(place)s. %(count)s points à l'ordre du jour.",
                len(items),
            )
            % {
                "day": when.strftime("%d/%m/%Y"),
                "time": when.strftime("%H:%M"),
                "place": meeting.location or _("lieu à préciser"),
                "count": len(items),
            },
            url=reverse("circles:meeting-detail", args=[meeting.circle.slug, meeting.pk]),
            exclude=by,
        )
        return len(rows)


def set_attendance(*, meeting: Meeting, by: User, present: Iterable[User]) -> Quorum:
    """Record who is present (current members only); raise NotCircleMember or MeetingClosed."""
    _check_runner(circle=meeting.circle, by=by)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.status not in PENDING_MEETINGS:
            raise MeetingClosed(_("Cette réunion est close : les présences ne changent plus."))
        wanted = {user.pk: user for user in present}
        members = set(meeting_members(meeting=meeting).values_list("pk", flat=True))
        strangers = [user for pk, user in wanted.items() if pk not in members]
        if strangers:
            raise NotCircleMember(
                _("%(names)s ne fait pas partie des membres du cercle.")
                % {"names": ", ".join(str(u) for u in strangers)}
            )
        meeting.attendance.exclude(user_id__in=wanted).delete()
        already = set(meeting.attendance.values_list("user_id", flat=True))
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, user=user)
            for pk, user in wanted.items()
            if pk not in already
        )
        return quorum_of(meeting=meeting)


def set_presence(*, meeting: Meeting, by: User, user: User, present: bool) -> Quorum:
    """Tick or untick one member present, leaving the others as they are.

    The attendance page posts each checkbox on its own, so quick ticks in a row never undo one
    another; raise NotCircleMember or MeetingClosed.
    """
    _check_runner(circle=meeting.circle, by=by)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.status not in PENDING_MEETINGS:
            raise MeetingClosed(_("Cette réunion est close : les présences ne changent plus."))
        if present:
            if not meeting_members(meeting=meeting).filter(pk=user.pk).exists():
                raise NotCircleMember(
                    _("%(names)s ne fait pas partie des membres du cercle.") % {"names": user}
                )
            Attendance.objects.get_or_create(meeting=meeting, user=user)
        else:
            meeting.attendance.filter(user=user).delete()
        return quorum_of(meeting=meeting)


def open_meeting(*, meeting: Meeting, by: User) -> Meeting:
    """Open the meeting so decisions can be recorded."""
    _check_runner(circle=meeting.circle, by=by)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.status != Meeting.Status.SCHEDULED:
            raise MeetingClosed(_("Seule une réunion prévue peut être ouverte."))
        meeting.status = Meeting.Status.OPEN
        meeting.opened_at = timezone.now()
        meeting.save(update_fields=["status", "opened_at"])
        return meeting


def close_meeting(*, meeting: Meeting, by: User) -> Meeting:
    """Close the meeting: no more decisions; undecided proposals go back to awaiting a decision."""
    _check_runner(circle=meeting.circle, by=by)
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if meeting.status != Meeting.Status.OPEN:
            raise MeetingNotOpen(_("Seule une réunion en cours peut être close."))
        decided = Decision.objects.filter(meeting=meeting).values("item_id")
        undecided = meeting.agenda.exclude(pk__in=decided).filter(revises__isnull=True)
        Proposal.objects.filter(
            pk__in=undecided.values("proposal_id"), status=Proposal.Status.SCHEDULED
        ).update(status=Proposal.Status.SUBMITTED)
        meeting.status = Meeting.Status.CLOSED
        meeting.closed_at = timezone.now()
        meeting.save(update_fields=["status", "closed_at"])
        return meeting


def _check_grant(
    *,
    circle: Circle,
    proposal: Proposal,
    amount: int,
    envelope: Envelope | None,
    revises: Decision | None,
) -> None:
    """Refuse a grant above what was asked, outside the earmarks, or above what remains."""
    if amount <= 0:
        raise InvalidAmount(_("Indiquez le montant accordé (plus de 0 €)."))
    if amount > proposal.amount_cents:
        raise InvalidAmount(_("Le montant accordé ne peut pas dépasser le montant demandé."))
    if envelope is None:
        raise EnvelopeNotAllowed(_("Choisissez l'enveloppe sur laquelle la somme est prise."))
    if not budget.envelopes_for_proposal(proposal=proposal).filter(pk=envelope.pk).exists():
        raise EnvelopeNotAllowed(
            _("Cette enveloppe est réservée à une autre action : elle ne peut pas payer celle-ci.")
        )
    # A revision replaces the decision it revises: what that one granted is available again.
    released = revises.amount_granted_cents if revises is not None else 0
    released_here = released if revises is not None and revises.envelope_id == envelope.pk else 0
    if amount > budget.envelope_remaining(envelope=envelope) + released_here:
        raise OverBudget(_("Le montant accordé dépasse ce qui reste dans cette enveloppe."))
    if amount > budget.remaining(circle=circle) + released:
        raise OverBudget(_("Le montant accordé dépasse ce qui reste du budget du cercle."))


def record_decision(
    *,
    item: AgendaItem,
    by: User,
    method: str,
    votes: Mapping[User, str] | None = None,
    objections: Sequence[ObjectionInput] = (),
    amount_granted_cents: int = 0,
    envelope: Envelope | None = None,
    rationale: str = "",
) -> Decision:
    """Record the meeting's decision on one agenda point.

    The outcome follows the method: by consent, adopted unless an objection blocks; by vote,
    adopted when the votes for outnumber the votes against (abstentions count for neither).
    Raise NotAllowed, MeetingNotOpen, WrongCircle, AlreadyDecided, NoQuorum, NotPresentMember,
    InvalidVote, InvalidAmount, EnvelopeNotAllowed, OverBudget or InvalidRevision; nothing is
    saved then.
    """
    meeting = item.meeting
    _check_runner(circle=meeting.circle, by=by)
    with transaction.atomic():
        # The circle row lock serializes grants: two decisions cannot both take the last euros.
        meeting = _lock_meeting(meeting)
        circle = meeting.circle
        item = AgendaItem.objects.select_related(
            "proposal", "role_request", "revises__meeting"
        ).get(pk=item.pk)
        if meeting.status != Meeting.Status.OPEN:
            raise MeetingNotOpen(
                _("La réunion n'est pas ouverte : aucune décision ne peut y être prise.")
            )
        proposal, role_request, revises = item.proposal, item.role_request, item.revises
        subject_circle = proposal.circle_id if proposal else role_request.circle_id
        if subject_circle != circle.pk:
            raise WrongCircle(
                _("Ce point concerne un autre cercle : cette réunion ne peut pas en décider.")
            )
        if (
            Decision.objects.filter(meeting=meeting)
            .filter(
                Q(item=item) | (Q(proposal=proposal) if proposal else Q(role_request=role_request))
            )
            .exists()
        ):
            raise AlreadyDecided(
                _("Ce point a déjà fait l'objet d'une décision lors de cette réunion.")
            )
        if proposal is not None and proposal.status == Proposal.Status.WITHDRAWN:
            raise NotOnAgenda(
                _("Son auteur·rice a retiré cette proposition : il n'y a rien à décider.")
            )
        quorum = quorum_of(meeting=meeting)
        if not quorum.reached:
            raise NoQuorum(
                _(
                    "Le quorum n'est pas atteint (%(present)s présent·es sur %(needed)s "
                    "nécessaires) : la réunion ne peut pas décider."
                )
                % {"present": quorum.present, "needed": quorum.needed}
            )
        present = {user.pk: user for user in present_members(meeting=meeting)}

        if method == Decision.Method.VOTE:
            votes = dict(votes or {})
            if objections:
                raise InvalidVote(
                    _("Un vote ne recueille pas d'objections : choisissez le consentement.")
                )
            for voter, choice in votes.items():
                if voter.pk not in present:
                    raise NotPresentMember(
                        _("%(name)s n'est pas un·e membre présent·e : son vote ne compte pas.")
                        % {"name": voter}
                    )
                if choice not in Vote.Choice.values:
                    raise InvalidVote(_("Un vote est pour, contre ou abstention."))
            if not votes:
                raise InvalidVote(_("Aucun vote n'est enregistré."), field="votes")
            counts = {c: sum(1 for v in votes.values() if v == c) for c in Vote.Choice.values}
            adopted = counts[Vote.Choice.FOR] > counts[Vote.Choice.AGAINST]
        elif method == Decision.Method.CONSENT:
            if votes:
                raise InvalidVote(_("Le consentement ne se vote pas : choisissez le vote."))
            counts = dict.fromkeys(Vote.Choice.values, 0)
            for objection in objections:
                if objection.user.pk not in present:
                    raise NotPresentMember(
                        _("%(name)s n'est pas un·e membre présent·e : son objection ne compte pas.")
                        % {"name": objection.user}
                    )
                if not objection.text.strip():
                    raise InvalidVote(
                        _("Écrivez le motif de chaque objection."), field="objections"
                    )
            adopted = not any(o.blocking for o in objections)
        else:
            raise InvalidVote(_("Choisissez le consentement ou le vote."), field="method")

        if revises is not None:
            if Decision.objects.filter(supersedes=revises).exists():
                raise InvalidRevision(_("Cette décision a déjà été révisée."))
            if revises.meeting.starts_at >= meeting.starts_at:
                raise InvalidRevision(
                    _(
                        "Une décision ne peut être révisée que par une réunion qui lui est postérieure."
                    )
                )
        elif (
            proposal is not None and budget.decisions_in_force().filter(proposal=proposal).exists()
        ):
            raise InvalidRevision(
                _("Cette proposition a déjà une décision : inscrivez une révision de celle-ci.")
            )

        amount = amount_granted_cents if adopted and proposal is not None else 0
        if proposal is not None:
            if adopted:
                _check_grant(
                    circle=circle,
                    proposal=proposal,
                    amount=amount,
                    envelope=envelope,
                    revises=revises,
                )
            if revises is not None:
                committed = budget.committed_for_proposal(proposal=proposal)
                if amount < committed:
                    raise InvalidRevision(
                        _(
                            "La révision ne peut pas accorder moins que ce qui est déjà dépensé "
                            "ou engagé en dépenses (%(committed)s)."
                        )
                        % {"committed": format_cents(committed)},
                        field="amount_granted_cents",
                    )

        members_count = meeting_members(meeting=meeting).count()
        decision = Decision.objects.create(
            meeting=meeting,
            item=item,
            proposal=proposal,
            role_request=role_request,
            method=method,
            outcome=Decision.Outcome.ADOPTED if adopted else Decision.Outcome.REJECTED,
            amount_granted_cents=amount,
            envelope=envelope if amount else None,
            votes_for=counts[Vote.Choice.FOR],
            votes_against=counts[Vote.Choice.AGAINST],
            votes_abstain=counts[Vote.Choice.ABSTAIN],
            present_count=len(present),
            members_count=members_count,
            rationale=rationale.strip(),
            supersedes=revises,
            recorded_by=by,
        )
        Vote.objects.bulk_create(
            Vote(decision=decision, user=voter, choice=choice)
            for voter, choice in (votes or {}).items()
        )
        Objection.objects.bulk_create(
            Objection(decision=decision, user=o.user, text=o.text.strip(), blocking=o.blocking)
            for o in objections
        )
        if proposal is not None:
            _settle_proposal(proposal=proposal, decision=decision)
        else:
            _settle_role_request(request=role_request, decision=decision, by=by)
        _notify_decision(decision=decision, by=by)
        return decision


def _settle_proposal(*, proposal: Proposal, decision: Decision) -> None:
    if decision.outcome != Decision.Outcome.ADOPTED:
        status = Proposal.Status.REFUSED
    elif decision.amount_granted_cents < proposal.amount_cents:
        status = Proposal.Status.PARTIAL
    else:
        status = Proposal.Status.GRANTED
    proposal.status = status
    proposal.save(update_fields=["status"])


def _settle_role_request(*, request: RoleRequest, decision: Decision, by: User) -> None:
    from maillage.circles.services import CircleError, assign_role

    if request.status != RoleRequest.Status.PENDING:
        raise NotOnAgenda(_("Cette demande de rôle n'est plus en attente."))
    if decision.outcome == Decision.Outcome.ADOPTED:
        day = meeting_day(decision.meeting)
        try:
            assign_role(
                circle=decision.meeting.circle,
                user=request.user,
                role=request.role,
                starts_on=max(request.starts_on or day, day),
                ends_on=request.ends_on,
                decision=decision,
                by=by,
            )
        except CircleError as error:
            # Rolls the whole decision back: nothing is recorded if the role cannot be given.
            raise MeetingError(error.message) from error
        request.status = RoleRequest.Status.ACCEPTED
    else:
        request.status = RoleRequest.Status.REFUSED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])


def _notify_decision(*, decision: Decision, by: User) -> None:
    circle = decision.meeting.circle
    url = reverse("circles:decision-detail", args=[circle.slug, decision.pk])
    if decision.proposal is not None:
        proposal = decision.proposal
        users = [u for u in (proposal.author, proposal.payee_user) if u is not None]
        subject = proposal.title
    else:
        users = [decision.role_request.user]
        subject = str(decision.role_request)
    if decision.outcome == Decision.Outcome.ADOPTED:
        title = _("Décision adoptée : %(subject)s") % {"subject": subject}
    else:
        title = _("Décision rejetée : %(subject)s") % {"subject": subject}
    body = (
        _("Montant accordé : %(amount)s.") % {"amount": format_cents(decision.amount_granted_cents)}
        if decision.proposal is not None
        else ""
    )
    notify(users=users, topic="circles.decision", title=title, body=body, url=url, exclude=by)
