"""Support requests: a place or a project holder asks for help on a topic; the network's team
(coordinators, guides) proposes helpers from the ranking (peers first); each helper answers from
the signed link of their e-mail, without an account (proposed → under study → taken on → done,
or "not for me"). `run_follow_ups` (the periodic command) reminds a silent helper at 7 days —
never more than one reminder a week per person —, tells the team at 10 and marks the proposal
"sans suite" at 30; it asks the requester's satisfaction at 30 and 90 days. The request closes
with its outcome and the time spent."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.lib.urls import absolute_url
from maillage.networks.models import Network, NetworkRole
from maillage.networks.selectors import accepted_memberships_of
from maillage.notifications.mail import Mail, send_emails
from maillage.notifications.services import mark_handled, notify
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, place_managers
from maillage.services import selectors
from maillage.services.models import (
    Accompanist,
    HelperKind,
    ProjectHolder,
    Proposal,
    Satisfaction,
    Service,
    SupportRequest,
    Topic,
)
from maillage.services.ranking import Candidate, ranked_helpers
from maillage.services.services import Conflict, NotAllowed, ServicesError
from maillage.territory.models import Commune

REMIND_AFTER = datetime.timedelta(days=7)
ESCALATE_AFTER = datetime.timedelta(days=10)
LAPSE_AFTER = datetime.timedelta(days=30)
ONE_REMINDER_PER = datetime.timedelta(days=7)
SATISFACTION_DAYS = (30, 90)
PROPOSAL_SALT = "services.proposal"
SATISFACTION_SALT = "services.satisfaction"
TOKEN_MAX_AGE = 60 * 60 * 24 * 180
LEVEL_ORDER = {"local": 0, "departmental": 1, "regional": 2, "national": 3}
TRANSITIONS = {
    Proposal.Status.PROPOSED: {"studying", "taken", "declined"},
    Proposal.Status.STUDYING: {"taken", "declined"},
    Proposal.Status.TAKEN: {"done"},
}
FAMILY = {
    HelperKind.PEER_PLACE: "peer",
    HelperKind.PEER_PERSON: "peer",
    HelperKind.PROFESSIONAL: "professional",
    HelperKind.SERVICE: "service",
}


def _key(request: SupportRequest) -> str:
    return f"services.request:{request.pk}"


def network_for(*, place: Place | None, commune: Commune | None) -> Network | None:
    """The most local network that can answer: the place's (accepted membership), else the one
    whose territory holds the commune and that has a team, else a national one."""
    candidates: list[Network] = []
    if place is not None:
        candidates = [m.network for m in accepted_memberships_of(place=place)]
    with_team = Network.objects.filter(
        roles__role__in=[NetworkRole.Role.COORDINATOR, NetworkRole.Role.GUIDE]
    ).distinct()
    if not candidates and commune is not None:
        candidates = list(with_team.filter(communes=commune))
    if not candidates:
        candidates = list(with_team.filter(level=Network.Level.NATIONAL)) or list(with_team)
    candidates.sort(key=lambda n: (LEVEL_ORDER.get(n.level, 9), n.pk))
    return candidates[0] if candidates else None


def team_of(network: Network) -> list[User]:
    return list(
        User.objects.filter(
            network_roles__network=network,
            network_roles__role__in=[NetworkRole.Role.COORDINATOR, NetworkRole.Role.GUIDE],
            is_active=True,
        ).distinct()
    )


@dataclass(frozen=True, kw_only=True)
class RequestData:
    topic: str
    description: str
    place: Place | None = None
    holder: ProjectHolder | None = None


def file_request(*, by: User, data: RequestData) -> SupportRequest:
    if data.topic not in Topic.values:
        raise ServicesError(_("Choisissez le sujet de votre demande."), field="topic")
    if not data.description.strip():
        raise ServicesError(_("Décrivez votre besoin, avec vos mots."), field="description")
    if data.place is not None and not can_edit_place(user=by, place=data.place):
        raise NotAllowed(_("Vous ne gérez pas ce lieu."), field="place")
    if data.holder is not None and data.holder.user_id != by.pk:
        raise NotAllowed(_("Ce projet n'est pas le vôtre."))
    commune = (
        data.place.commune
        if data.place is not None
        else (data.holder.commune if data.holder is not None else by.commune)
    )
    network = (
        data.holder.network
        if data.holder is not None
        else network_for(place=data.place, commune=commune)
    )
    if network is None:
        raise ServicesError(_("Aucun réseau n'a encore d'équipe pour vous répondre."))
    with transaction.atomic():
        request = SupportRequest.objects.create(
            network=network,
            requester=by,
            place=data.place,
            holder=data.holder,
            commune=commune,
            topic=data.topic,
            description=data.description.strip(),
        )
        notify(
            users=team_of(network),
            topic="services.request",
            title=_("Demande d'aide : %(topic)s — %(who)s")
            % {
                "topic": Topic(data.topic).label,
                "who": data.place.name if data.place else by.public_name,
            },
            url=request.get_absolute_url(),
            key=_key(request),
        )
    return request


def proposal_token(proposal: Proposal) -> str:
    return signing.dumps({"p": proposal.pk}, salt=PROPOSAL_SALT)


def proposal_by_token(token: str) -> Proposal | None:
    try:
        data = signing.loads(token, salt=PROPOSAL_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Proposal.objects.select_related("request", "request__network", "request__place")
        .filter(pk=data.get("p"))
        .first()
    )


def satisfaction_token(satisfaction: Satisfaction) -> str:
    return signing.dumps({"s": satisfaction.pk}, salt=SATISFACTION_SALT)


def satisfaction_by_token(token: str) -> Satisfaction | None:
    try:
        data = signing.loads(token, salt=SATISFACTION_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return Satisfaction.objects.select_related("request").filter(pk=data.get("s")).first()


def _contact_emails(proposal: Proposal) -> list[str]:
    if proposal.person is not None:
        return [proposal.person.email]
    if proposal.accompanist is not None:
        return [proposal.accompanist.user.email]
    if proposal.place is not None:
        return [m.email for m in place_managers(place=proposal.place) if m.email]
    if proposal.service is not None:
        return [u.email for u in team_of(proposal.service.network)]
    return []


def _helper_users(proposal: Proposal) -> list[User]:
    if proposal.person is not None:
        return [proposal.person]
    if proposal.accompanist is not None:
        return [proposal.accompanist.user]
    if proposal.place is not None:
        return list(place_managers(place=proposal.place))
    return []


def _mail_helper(proposal: Proposal, *, reminder: bool = False) -> None:
    request = proposal.request
    link = absolute_url(f"/services/reponse/{proposal_token(proposal)}/")
    who = request.place.name if request.place else request.requester.public_name
    subject = (
        _("Rappel : %(who)s attend votre réponse")
        if reminder
        else _("%(who)s aurait besoin de vous")
    ) % {"who": who}
    body = _(
        "Bonjour,\n\n%(team)s pense que vous pourriez aider %(who)s sur « %(topic)s » :\n\n"
        "%(need)s\n\nPourquoi vous : %(reason)s\n\nRépondez d'un clic, sans compte : je regarde, "
        "je prends en charge, ou pas pour moi.\n%(link)s\n"
    ) % {
        "team": request.network.name,
        "who": who,
        "topic": Topic(request.topic).label,
        "need": request.description[:800],
        "reason": proposal.reason,
        "link": link,
    }
    emails = _contact_emails(proposal)
    if emails:
        send_emails([Mail(subject=subject, body=body, to=tuple(emails))])


def propose(
    *,
    by: User,
    request: SupportRequest,
    keys: list[str],
    today: datetime.date | None = None,
) -> list[Proposal]:
    """The team proposes helpers chosen among the ranked candidates (by their key, so each
    keeps the reason it was ranked for). A professional must be an accepted member of the
    cercle; the request must be open."""
    if not selectors.is_team(user=by, network=request.network_id):
        raise NotAllowed(_("Seule l'équipe du réseau propose des aidant·es."))
    if not request.is_open:
        raise Conflict(_("Cette demande est close."))
    if not keys:
        raise ServicesError(
            _("Choisissez au moins une personne, un lieu ou un service."), field="keys"
        )
    ranked = {c.key: c for c in ranked_helpers(request, viewer=by)}
    chosen: list[Candidate] = []
    for key in keys:
        if key.startswith("professional:"):
            profile = Accompanist.objects.filter(pk=_id(key)).first()
            if profile is None or profile.status != Accompanist.Status.ACCEPTED:
                raise ServicesError(
                    _(
                        "Un·e professionnel·le qui n'est pas accepté·e dans le cercle ne peut pas être proposé·e."
                    ),
                    field="keys",
                )
        if key not in ranked:
            raise ServicesError(
                _("Cette proposition n'est plus parmi les aides possibles."), field="keys"
            )
        chosen.append(ranked[key])
    now = timezone.now()
    today = today or timezone.localdate()
    with transaction.atomic():
        proposals = []
        for candidate in chosen:
            proposal = Proposal.objects.create(
                request=request,
                kind=candidate.kind,
                place=candidate.place,
                person=candidate.person,
                accompanist=candidate.accompanist,
                service=candidate.service,
                reason=candidate.reason[:300],
                proposed_by=by,
                proposed_at=now,
                changed_at=now,
            )
            proposals.append(proposal)
            _mail_helper(proposal)
            notify(
                users=_helper_users(proposal),
                topic="services.proposal",
                title=_("Une demande d'aide vous est proposée : %(topic)s")
                % {"topic": Topic(request.topic).label},
                url=request.get_absolute_url(),
                key=f"services.proposal:{proposal.pk}",
                email=False,  # the e-mail with the signed link is sent just above
            )
        request.assignee = request.assignee or by
        if request.status == SupportRequest.Status.NEW:
            request.status = SupportRequest.Status.PROPOSED
        if request.first_proposed_at is None:
            request.first_proposed_at = now
            Satisfaction.objects.bulk_create(
                Satisfaction(
                    request=request, after_days=days, due_on=today + datetime.timedelta(days=days)
                )
                for days in SATISFACTION_DAYS
            )
        request.save(update_fields=["assignee", "status", "first_proposed_at"])
        notify(
            users=[request.requester],
            topic="services.request-proposed",
            title=_("Des aides vous sont proposées pour votre demande"),
            url=request.get_absolute_url(),
        )
    mark_handled(key=_key(request))
    return proposals


def _id(key: str) -> int:
    try:
        return int(key.split(":", 1)[1])
    except (IndexError, ValueError):
        return 0


def assign(*, by: User, request: SupportRequest, assignee: User) -> SupportRequest:
    """Who in the team follows the request."""
    if not selectors.is_team(user=by, network=request.network_id):
        raise NotAllowed(_("Seule l'équipe du réseau répartit les demandes."))
    if not selectors.is_team(user=assignee, network=request.network_id):
        raise ServicesError(
            _("Cette personne ne fait pas partie de l'équipe du réseau."), field="assignee"
        )
    request.assignee = assignee
    request.save(update_fields=["assignee"])
    return request


def answer(
    *,
    proposal: Proposal,
    status: str,
    note: str = "",
    volunteer_minutes: int | None = None,
) -> Proposal:
    """The helper's answer (from the signed link, or their page when signed in)."""
    allowed = TRANSITIONS.get(Proposal.Status(proposal.status), set())
    if status not in allowed:
        raise Conflict(
            _("Cette réponse n'est plus possible : la proposition est « %(state)s ».")
            % {"state": proposal.get_status_display()}
        )
    request = proposal.request
    if not request.is_open:
        raise Conflict(_("Cette demande est close."))
    now = timezone.now()
    with transaction.atomic():
        proposal.status = status
        proposal.changed_at = now
        proposal.answered_at = proposal.answered_at or now
        if note.strip():
            proposal.helper_note = note.strip()[:500]
        if volunteer_minutes is not None:
            proposal.volunteer_minutes = volunteer_minutes
        proposal.save()
        if status == Proposal.Status.TAKEN:
            fields = ["status"]
            request.status = SupportRequest.Status.TAKEN
            if request.first_taken_at is None:
                request.first_taken_at = now
                request.answered_by_kind = FAMILY[HelperKind(proposal.kind)]
                fields += ["first_taken_at", "answered_by_kind"]
            request.save(update_fields=fields)
        notify(
            users=[u for u in (request.requester, request.assignee) if u is not None],
            topic="services.proposal-answer",
            title=_("%(helper)s : %(status)s")
            % {"helper": proposal.helper_name, "status": proposal.get_status_display()},
            body=proposal.helper_note,
            url=request.get_absolute_url(),
        )
    mark_handled(key=f"services.proposal:{proposal.pk}")
    return proposal


def close(
    *,
    by: User,
    request: SupportRequest,
    outcome: str,
    note: str,
    time_spent_minutes: int | None,
) -> SupportRequest:
    """Close with its outcome and the time spent (the team or the requester)."""
    if not (
        request.requester_id == by.pk or selectors.is_team(user=by, network=request.network_id)
    ):
        raise NotAllowed(_("Seule l'équipe du réseau ou l'auteur·rice de la demande la clôture."))
    if not request.is_open:
        raise Conflict(_("Cette demande est déjà close."))
    if outcome not in SupportRequest.Outcome.values:
        raise ServicesError(_("Choisissez l'issue de la demande."), field="outcome")
    if not note.strip():
        raise ServicesError(_("Dites en quelques mots ce qui s'est passé."), field="outcome_note")
    if time_spent_minutes is None or time_spent_minutes < 0:
        raise ServicesError(_("Indiquez le temps passé, en minutes."), field="time_spent_minutes")
    now = timezone.now()
    with transaction.atomic():
        request.status = SupportRequest.Status.CLOSED
        request.outcome = outcome
        request.outcome_note = note.strip()
        request.time_spent_minutes = time_spent_minutes
        request.closed_at = now
        request.save(
            update_fields=["status", "outcome", "outcome_note", "time_spent_minutes", "closed_at"]
        )
        Proposal.objects.filter(request=request, status__in=["proposed", "studying"]).update(
            status=Proposal.Status.LAPSED, changed_at=now
        )
        Proposal.objects.filter(request=request, status="taken").update(
            status=Proposal.Status.DONE, changed_at=now
        )
        _offer_volunteering(request)
    mark_handled(key=_key(request))
    return request


def _offer_volunteering(request: SupportRequest) -> None:
    """Tell the peers who helped that they may declare that time as volunteer hours (it is
    logged only with their consent, from the request's page)."""
    helped = request.proposals.filter(
        status=Proposal.Status.DONE, kind__in=[HelperKind.PEER_PLACE, HelperKind.PEER_PERSON]
    ).select_related("person", "place")
    for proposal in helped:
        notify(
            users=_helper_users(proposal),
            topic="services.volunteering",
            title=_("Merci pour votre aide : déclarez-la comme bénévolat si vous le souhaitez"),
            body=_("La demande « %(topic)s » est close. Votre temps peut compter au réseau.")
            % {"topic": Topic(request.topic).label},
            url=reverse("services:volunteering", args=[request.pk, proposal.pk]),
            key=f"services.volunteering:{proposal.pk}",
        )


@dataclass
class FollowUpCounts:
    reminded: int = 0
    escalated: int = 0
    lapsed: int = 0
    satisfactions: int = 0


def run_follow_ups(*, now: datetime.datetime | None = None) -> FollowUpCounts:
    """The periodic job (safe to run several times a day)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = FollowUpCounts()
    silent = Proposal.objects.filter(
        status__in=[Proposal.Status.PROPOSED, Proposal.Status.STUDYING],
        request__status__in=[SupportRequest.Status.PROPOSED, SupportRequest.Status.TAKEN],
    ).select_related(
        "request",
        "request__network",
        "request__requester",
        "request__place",
        "person",
        "accompanist__user",
        "place",
        "service__network",
    )
    reminded_emails: set[str] = set()
    for proposal in silent:
        idle = now - proposal.changed_at
        if idle >= LAPSE_AFTER:
            with transaction.atomic():
                proposal.status = Proposal.Status.LAPSED
                proposal.changed_at = now
                proposal.save(update_fields=["status", "changed_at"])
                request = proposal.request
                if not request.proposals.filter(
                    status__in=[
                        Proposal.Status.PROPOSED,
                        Proposal.Status.STUDYING,
                        Proposal.Status.TAKEN,
                        Proposal.Status.DONE,
                    ]
                ).exists():
                    request.status = SupportRequest.Status.LAPSED
                    request.closed_at = now
                    request.save(update_fields=["status", "closed_at"])
            counts.lapsed += 1
            continue
        if idle >= ESCALATE_AFTER and proposal.escalated_at is None:
            request = proposal.request
            notify(
                users=team_of(request.network),
                topic="services.escalation",
                title=_("Sans réponse depuis 10 jours : %(helper)s, sur « %(topic)s »")
                % {"helper": proposal.helper_name, "topic": Topic(request.topic).label},
                url=request.get_absolute_url(),
            )
            proposal.escalated_at = now
            proposal.save(update_fields=["escalated_at"])
            counts.escalated += 1
        if idle >= REMIND_AFTER and proposal.reminders == 0:
            emails = _contact_emails(proposal)
            recent = Proposal.objects.filter(last_reminder_at__gt=now - ONE_REMINDER_PER)
            if any(e in reminded_emails for e in emails) or any(
                set(_contact_emails(other)) & set(emails)
                for other in recent.select_related(
                    "person", "accompanist__user", "place", "service__network"
                )
            ):
                continue  # never more than one reminder a week to the same person
            _mail_helper(proposal, reminder=True)
            reminded_emails.update(emails)
            proposal.reminders += 1
            proposal.last_reminder_at = now
            proposal.save(update_fields=["reminders", "last_reminder_at"])
            counts.reminded += 1
    for satisfaction in Satisfaction.objects.filter(
        sent_at__isnull=True, due_on__lte=today
    ).select_related("request", "request__requester"):
        claimed = Satisfaction.objects.filter(pk=satisfaction.pk, sent_at__isnull=True).update(
            sent_at=now
        )
        if not claimed:
            continue
        request = satisfaction.request
        link = absolute_url(f"/services/satisfaction/{satisfaction_token(satisfaction)}/")
        send_emails(
            [
                Mail(
                    subject=_("%(days)s jours après votre demande d'aide : où en êtes-vous ?")
                    % {"days": satisfaction.after_days},
                    body=_(
                        "Bonjour %(name)s,\n\nIl y a %(days)s jours, le réseau vous proposait de "
                        "l'aide sur « %(topic)s ». Avez-vous été contacté·e ? Cela vous a-t-il "
                        "aidé·e ? Trois questions, une minute :\n%(link)s\n"
                    )
                    % {
                        "name": request.requester.public_name,
                        "days": satisfaction.after_days,
                        "topic": Topic(request.topic).label,
                        "link": link,
                    },
                    to=(request.requester.email,),
                )
            ]
        )
        counts.satisfactions += 1
    return counts


def answer_satisfaction(*, satisfaction: Satisfaction, data: dict[str, Any]) -> Satisfaction:
    for name in ("contacted", "useful", "acted"):
        if not data.get(name):
            raise ServicesError(_("Répondez à chaque question."), field=name)
    satisfaction.contacted = data["contacted"]
    satisfaction.useful = data["useful"]
    satisfaction.acted = data["acted"]
    satisfaction.comment = (data.get("comment") or "")[:1000]
    satisfaction.answered_at = timezone.now()
    satisfaction.save()
    return satisfaction


def service_of(proposal: Proposal) -> Service | None:
    return proposal.service
