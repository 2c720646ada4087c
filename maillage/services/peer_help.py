"""What follows a peer's help once a support request is closed: the time given declared as
volunteer hours, and the help paid from a circle's budget where the circle decides it.

- **Volunteer time**: the peer (the person proposed, or a manager of the peer place) declares,
  with their consent, the time they gave through governance's volunteering (`log_hours`,
  activity "support given to a peer"); the network's coordinators or soucieux·ses validate it
  as any other hours.
- **Paid from a circle's budget**: a member of the network's team who sits in one of its circles
  files a spending proposal with that circle (`circles.budget_services.submit_proposal`), for an
  action of its programme, paying the peer place (a member place of the circle) or the peer as an
  outside provider. The circle's meeting decides; the expense is then paid through the ledger by
  the circle, as every expense is. No money moves here.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.models import User
from maillage.circles import budget as circle_budget
from maillage.circles.budget_services import Payee, submit_proposal
from maillage.circles.selectors import circles_of_or_run_by, get_circle_by_pk, programme
from maillage.governance.volunteering import EntryData, log_hours
from maillage.lib.french import de
from maillage.lib.money import format_cents
from maillage.networks.models import Network
from maillage.places.selectors import can_edit_place
from maillage.services import selectors
from maillage.services.models import HelperKind, Proposal, SupportRequest, Topic
from maillage.services.services import Conflict, NotAllowed, ServicesError

# governance's activity "Soutien à un pair" (its models are governance's own).
PEER_ACTIVITY = "peer"
PEER_KINDS = (HelperKind.PEER_PLACE, HelperKind.PEER_PERSON)
# The circles' spending proposals that no longer stand: another may be filed.
ENDED_PAYMENTS = ("refused", "withdrawn")
OPEN_ACTIONS = ("proposed", "adopted", "in_progress")


def _helped(proposal: Proposal) -> bool:
    """A peer who took the request on (the proposal is done) on a closed request."""
    return (
        proposal.kind in PEER_KINDS
        and proposal.status == Proposal.Status.DONE
        and proposal.request.status == SupportRequest.Status.CLOSED
    )


def requester_name(request: SupportRequest) -> str:
    return request.place.name if request.place else request.requester.public_name


def minutes_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(m)d minute", "%(m)d minutes", rest) % {"m": rest}
    if not rest:
        return ngettext("%(h)d heure", "%(h)d heures", hours) % {"h": hours}
    return _("%(h)d h %(m)02d") % {"h": hours, "m": rest}


# --- volunteer time ----------------------------------------------------------------------------


def may_log_volunteering(*, user: Any, proposal: Proposal) -> bool:
    """The peer themselves: the person proposed, or a manager of the peer place."""
    if not user.is_authenticated or not _helped(proposal):
        return False
    if proposal.kind == HelperKind.PEER_PERSON:
        return proposal.person_id == user.pk
    return proposal.place is not None and can_edit_place(user=user, place=proposal.place)


def suggested_minutes(proposal: Proposal) -> int | None:
    """The time the peer said they gave, else the request's time when they were its only
    helper."""
    if proposal.volunteer_minutes:
        return proposal.volunteer_minutes
    request = proposal.request
    helpers = request.proposals.filter(status=Proposal.Status.DONE).count()
    return request.time_spent_minutes if helpers == 1 and request.time_spent_minutes else None


def volunteering_day(proposal: Proposal) -> datetime.date:
    closed = proposal.request.closed_at
    return timezone.localdate(closed) if closed else timezone.localdate()


def log_peer_volunteering(*, by: User, proposal: Proposal, minutes: int | None) -> Proposal:
    """Declare the peer's help as volunteer hours (to be validated as usual), once."""
    if not may_log_volunteering(user=by, proposal=proposal):
        raise NotAllowed(
            _("Seul·e l'aidant·e déclare son temps bénévole, une fois la demande close.")
        )
    if proposal.volunteer_logged_at is not None:
        raise Conflict(_("Ce temps est déjà déclaré comme bénévolat."))
    if minutes is None or minutes <= 0:
        raise ServicesError(_("Indiquez le temps donné, en minutes."), field="minutes")
    request = proposal.request
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.volunteer_logged_at is not None:
            raise Conflict(_("Ce temps est déjà déclaré comme bénévolat."))
        log_hours(
            by=by,
            data=EntryData(
                network=request.network,
                activity=PEER_ACTIVITY,
                label=(
                    _("Soutien à %(who)s : %(topic)s")
                    % {"who": requester_name(request), "topic": Topic(request.topic).label}
                )[:200],
                day=volunteering_day(proposal),
                minutes=minutes,
                note=request.outcome_note,
            ),
        )
        proposal.volunteer_logged_at = timezone.now()
        proposal.volunteer_minutes = proposal.volunteer_minutes or minutes
        proposal.save(update_fields=["volunteer_logged_at", "volunteer_minutes"])
    return proposal


def volunteering_to_log(*, user: Any, proposals: list[Proposal]) -> list[Proposal]:
    """The proposals of this page whose time this person may still declare."""
    return [
        p
        for p in proposals
        if p.volunteer_logged_at is None and may_log_volunteering(user=user, proposal=p)
    ]


# --- paid from a circle's budget ---------------------------------------------------------------


def payable_circles(*, user: Any, request: SupportRequest) -> list[Any]:
    """The circles of the request's network this team member sits in (who may file there)."""
    if not user.is_authenticated or not selectors.is_team(user=user, network=request.network_id):
        return []
    sitting = circles_of_or_run_by(user=user, coordinated=Network.objects.none())
    return list(sitting.filter(network_id=request.network_id))


def open_actions(*, circle: Any) -> list[Any]:
    return [a for a in programme(circle=circle) if a.status in OPEN_ACTIONS]


@dataclass(frozen=True)
class Payment:
    """Where a peer's payment stands in the circle: its proposal, what was granted and paid."""

    circle: Any
    proposal: Any
    granted_cents: int
    paid_cents: int

    @property
    def url(self) -> str:
        return reverse("circles:proposal-detail", args=[self.circle.slug, self.proposal.pk])

    @property
    def ended(self) -> bool:
        return self.proposal.status in ENDED_PAYMENTS


def payment_of(proposal: Proposal) -> Payment | None:
    if proposal.payment_circle_id is None or proposal.payment_proposal_id is None:
        return None
    circle = get_circle_by_pk(proposal.payment_circle_id)
    if circle is None:
        return None
    filed = circle_budget.get_proposal(circle=circle, pk=proposal.payment_proposal_id)
    return Payment(
        circle=circle,
        proposal=filed,
        granted_cents=circle_budget.granted_for_proposal(proposal=filed),
        paid_cents=circle_budget.spent_for_proposal(proposal=filed),
    )


def may_propose_payment(*, user: Any, proposal: Proposal) -> bool:
    if not _helped(proposal) or not payable_circles(user=user, request=proposal.request):
        return False
    payment = payment_of(proposal)
    return payment is None or payment.ended


def payee_for(*, proposal: Proposal, circle: Any) -> Payee:
    """A peer place that is a member place of the circle is paid as a place; anyone else as an
    outside provider, by name."""
    if proposal.place is not None:
        if circle.places.filter(pk=proposal.place.pk).exists():
            return Payee(kind="place", place=proposal.place)
        return Payee(kind="provider", name=proposal.place.name)
    person = proposal.person
    return Payee(kind="provider", name=person.public_name if person else proposal.helper_name)


def payment_title(proposal: Proposal) -> str:
    return (
        _("Aide entre pairs : %(helper)s auprès %(of_who)s")
        % {"helper": proposal.helper_name, "of_who": de(requester_name(proposal.request))}
    )[:200]


@dataclass(frozen=True, kw_only=True)
class PaymentData:
    circle: Any
    action: Any
    amount_cents: int
    justification: str


def propose_payment(*, by: User, proposal: Proposal, data: PaymentData) -> Payment:
    """File with the circle a spending proposal paying the peer's help (the circle decides)."""
    request = proposal.request
    if not _helped(proposal):
        raise Conflict(
            _("Seule l'aide d'un pair, une fois la demande close, peut être proposée au cercle.")
        )
    circles = payable_circles(user=by, request=request)
    if not circles:
        raise NotAllowed(
            _(
                "Il faut être de l'équipe du réseau et siéger dans un de ses cercles pour le proposer."
            )
        )
    if data.circle is None or data.circle.pk not in {c.pk for c in circles}:
        raise ServicesError(_("Choisissez un cercle du réseau où vous siégez."), field="circle")
    if data.action is None or data.action.pk not in {
        a.pk for a in open_actions(circle=data.circle)
    }:
        raise ServicesError(
            _("Choisissez une action en cours du programme de ce cercle."), field="action"
        )
    previous = payment_of(proposal)
    if previous is not None and not previous.ended:
        raise Conflict(
            _("Une rémunération est déjà proposée au cercle %(circle)s.")
            % {"circle": previous.circle.name}
        )
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.payment_proposal_id != proposal.payment_proposal_id:
            raise Conflict(_("Une rémunération vient d'être proposée : rechargez la page."))
        filed = submit_proposal(
            circle=data.circle,
            action=data.action,
            title=payment_title(proposal),
            amount_cents=data.amount_cents,
            payee=payee_for(proposal=proposal, circle=data.circle),
            justification=data.justification,
            # One filing per help (a refused or withdrawn one may be followed by another).
            idempotency_key=f"services.peer-help:{proposal.pk}:{proposal.payment_proposal_id or 0}",
            by=by,
        )
        proposal.payment_circle_id = data.circle.pk
        proposal.payment_proposal_id = filed.pk
        proposal.save(update_fields=["payment_circle_id", "payment_proposal_id"])
    return Payment(circle=data.circle, proposal=filed, granted_cents=0, paid_cents=0)


def default_justification(proposal: Proposal) -> str:
    request = proposal.request
    minutes = proposal.volunteer_minutes or request.time_spent_minutes or 0
    return _(
        "%(helper)s a aidé %(who)s sur « %(topic)s » (demande d'aide close le %(day)s, "
        "%(time)s). Issue : %(outcome)s — %(note)s"
    ) % {
        "helper": proposal.helper_name,
        "who": requester_name(request),
        "topic": Topic(request.topic).label,
        "day": volunteering_day(proposal).strftime("%d/%m/%Y"),
        "time": ngettext("%(m)d minute donnée", "%(m)d minutes données", minutes) % {"m": minutes},
        "outcome": request.get_outcome_display(),
        "note": request.outcome_note,
    }


def describe(payment: Payment) -> str:
    """One line for the request page: the circle, the proposal's state, granted and paid."""
    parts = [
        _("%(circle)s : %(status)s")
        % {"circle": payment.circle.name, "status": payment.proposal.get_status_display()}
    ]
    if payment.granted_cents:
        parts.append(_("accordé %(amount)s") % {"amount": format_cents(payment.granted_cents)})
    if payment.paid_cents:
        parts.append(_("payé %(amount)s") % {"amount": format_cents(payment.paid_cents)})
    return " · ".join(parts)


@dataclass(frozen=True)
class FollowUp:
    """What the request page shows and offers under one peer's help."""

    payment: Payment | None
    payment_text: str
    may_pay: bool
    may_log: bool


def follow_ups(
    *, user: Any, request: SupportRequest, proposals: list[Proposal]
) -> dict[int, FollowUp]:
    """For each peer's help of a closed request: its payment by a circle (if any) and what this
    person may do (declare the time, propose a payment)."""
    helped = [p for p in proposals if p.kind in PEER_KINDS and p.status == Proposal.Status.DONE]
    if request.status != SupportRequest.Status.CLOSED or not helped:
        return {}
    can_file = bool(payable_circles(user=user, request=request))
    found = {}
    for proposal in helped:
        proposal.request = request
        payment = payment_of(proposal)
        found[proposal.pk] = FollowUp(
            payment=payment,
            payment_text=describe(payment) if payment else "",
            may_pay=can_file and (payment is None or payment.ended),
            may_log=proposal.volunteer_logged_at is None
            and may_log_volunteering(user=user, proposal=proposal),
        )
    return found
