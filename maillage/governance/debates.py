"""Debates and collective proposals: opening, supports (people and places, counted apart),
the threshold that puts a proposal on the agenda of a governance meeting, comments and their
moderation (everything logged, authors kept), the meeting's decision and the published answer,
the steps taken to carry an adopted position, and consultations."""

import datetime
import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles.selectors import is_steward
from maillage.governance.charter import adopt_charter_change
from maillage.governance.models import (
    AgendaItem,
    CarryStep,
    Comment,
    Consultation,
    ConsultationAnswer,
    ConsultationQuestion,
    DebateSpace,
    GovernanceDecision,
    GovernanceMeeting,
    ModerationEntry,
    Proposal,
    Support,
    ThresholdKind,
)
from maillage.governance.selectors import (
    can_moderate,
    can_take_part,
    places_that_may_support,
    voting_places,
)
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network
from maillage.networks.selectors import coordinators, is_coordinator, member_places
from maillage.notifications.services import notify
from maillage.places.models import Place

MEETING_DELAY_DAYS = 14
QUORUM_SHARE = 0.5  # half of the places with voting rights, present or represented


class DebateError(Refusal):
    """A rule of debates refused the request; nothing changed."""


class NotAllowed(DebateError):
    status = 403


class AlreadySupported(DebateError):
    status = 409


class NotOpen(DebateError):
    status = 409


class NoQuorum(DebateError):
    status = 409


def _unique_slug(model: type, text: str) -> str:
    base = slugify(text)[:200] or "x"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():  # type: ignore[attr-defined]
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- spaces -----------------------------------------------------------------------------------


def create_space(
    *,
    by: User,
    network: Network,
    title: str,
    description: str = "",
    threshold_kind: str = ThresholdKind.PLACES,
    threshold_value: int = 10,
    circle: Model | None = None,
) -> DebateSpace:
    """Open a debate space for the network, or for one of its circles (coordinators; a
    circle's space also by those who run the circle); raise NotAllowed, DebateError."""
    if circle is not None:
        if getattr(circle, "network_id", None) != network.pk:
            raise DebateError(_("Ce cercle n'appartient pas à ce réseau."), field="circle")
        if not (
            is_coordinator(user=by, network=network) or is_steward(user=by, circle=circle)  # type: ignore[arg-type]
        ):
            raise NotAllowed(
                _(
                    "Seule la coordination du réseau ou les soucieux·ses du cercle ouvrent son espace de débat."
                )
            )
    elif not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seule la coordination du réseau ouvre un espace de débat."))
    _check_threshold(threshold_kind, threshold_value)
    title = title.strip()
    if not title:
        raise DebateError(_("Donnez un titre à l'espace."), field="title")
    return DebateSpace.objects.create(
        network=network,
        circle_id=circle.pk if circle is not None else None,
        title=title[:200],
        slug=_unique_slug(DebateSpace, title),
        description=description.strip(),
        threshold_kind=threshold_kind,
        threshold_value=threshold_value,
        created_by=by,
    )


def _check_threshold(kind: str, value: int) -> None:
    if kind not in ThresholdKind.values:
        raise DebateError(_("Choisissez un type de seuil."), field="threshold_kind")
    if not isinstance(value, int) or value <= 0:
        raise DebateError(
            _(
                "Un seuil de zéro mettrait toute proposition à l'ordre du jour : indiquez au moins 1."
            ),
            field="threshold_value",
        )
    if kind == ThresholdKind.SHARE and value > 100:
        raise DebateError(_("Une part ne dépasse pas 100 %."), field="threshold_value")


def set_threshold(*, by: User, space: DebateSpace, kind: str, value: int) -> DebateSpace:
    if not is_coordinator(user=by, network=space.network):
        raise NotAllowed(_("Seule la coordination du réseau fixe le seuil."))
    _check_threshold(kind, value)
    DebateSpace.objects.filter(pk=space.pk).update(threshold_kind=kind, threshold_value=value)
    space.refresh_from_db()
    return space


def required_places(space: DebateSpace) -> int:
    """How many places must support a proposal of this space."""
    if space.threshold_kind == ThresholdKind.SHARE:
        count = len(member_places(network=space.network))
        return max(1, math.ceil(count * space.threshold_value / 100))
    return space.threshold_value


# --- proposals --------------------------------------------------------------------------------


def open_proposal(
    *,
    by: User,
    space: DebateSpace,
    kind: str,
    title: str,
    body: str,
    place: Place | None = None,
    charter_text: str = "",
) -> Proposal:
    """Open a debate or a proposal (in one's name, or a managed member place's). A charter
    change carries the whole new text of the charter."""
    if not can_take_part(user=by, space=space):
        raise NotAllowed(_("Seul·es les membres du réseau ouvrent un débat ici."))
    if kind not in Proposal.Kind.values:
        raise DebateError(_("Choisissez la nature de la proposition."), field="kind")
    title, body = title.strip(), body.strip()
    if not title:
        raise DebateError(_("Donnez un titre."), field="title")
    if len(body) < 20:
        raise DebateError(_("Développez un peu : au moins 20 caractères."), field="body")
    if kind == Proposal.Kind.CHARTER:
        charter_text = check_charter_change(network=space.network, text=charter_text)
    else:
        charter_text = ""
    if place is not None and place.pk not in {
        p.pk for p in places_that_may_support(user=by, proposal=Proposal(space=space))
    }:
        raise NotAllowed(_("Vous ne pouvez parler qu'au nom d'un lieu adhérent que vous gérez."))
    proposal = Proposal.objects.create(
        space=space,
        kind=kind,
        title=title[:200],
        slug=_unique_slug(Proposal, title),
        body=body,
        charter_text=charter_text,
        author=by,
        place=place,
    )
    if place is not None:
        support(by=by, proposal=proposal, place=place)
    return proposal


def check_charter_change(*, network: Network, text: str) -> str:
    """The proposed charter text, stripped; refuse an empty one or one equal to the text in force."""
    text = text.strip()
    if not text:
        raise DebateError(
            _("Une modification de la charte propose le nouveau texte complet."),
            field="charter_text",
        )
    if text == network.charter.strip():
        raise DebateError(
            _("Ce texte est celui de la charte en vigueur : modifiez-le."), field="charter_text"
        )
    return text


def place_support_count(proposal: Proposal) -> int:
    return proposal.supports.exclude(place=None).count()


def support(*, by: User, proposal: Proposal, place: Place | None = None) -> Support:
    """Support in one's name, or for a place one manages (its support counts for the
    threshold). One support per person and per place. Raise NotAllowed, AlreadySupported,
    NotOpen."""
    space = proposal.space
    if not can_take_part(user=by, space=space):
        raise NotAllowed(_("Seul·es les membres du réseau soutiennent une proposition."))
    if proposal.status in (Proposal.Status.CLOSED, Proposal.Status.REJECTED):
        raise NotOpen(_("Cette proposition est close : elle garde ses soutiens."))
    if place is not None and place.pk not in {
        p.pk for p in places_that_may_support(user=by, proposal=proposal)
    }:
        raise NotAllowed(_("Vous ne gérez pas ce lieu, ou il n'est pas adhérent du réseau."))
    try:
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            row = Support.objects.create(proposal=locked, by=by, place=place)
            if (
                place is not None
                and locked.status == Proposal.Status.OPEN
                and locked.kind != Proposal.Kind.DEBATE
                and place_support_count(locked) >= required_places(space)
            ):
                _put_on_agenda(locked)
    except IntegrityError as exc:
        if place is not None:
            raise AlreadySupported(
                _("« %(p)s » soutient déjà cette proposition.") % {"p": place.name}
            ) from exc
        raise AlreadySupported(_("Vous soutenez déjà cette proposition.")) from exc
    proposal.refresh_from_db()
    return row


def _put_on_agenda(proposal: Proposal) -> AgendaItem:
    network = proposal.space.network
    meeting = (
        GovernanceMeeting.objects.filter(
            network=network,
            status=GovernanceMeeting.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        starts = timezone.now() + datetime.timedelta(days=MEETING_DELAY_DAYS)
        meeting = GovernanceMeeting.objects.create(
            network=network,
            title=_("Réunion de gouvernance du %(d)s") % {"d": starts.strftime("%d/%m/%Y")},
            starts_at=starts.replace(hour=18, minute=0, second=0, microsecond=0),
        )
    item = AgendaItem.objects.create(meeting=meeting, proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.ON_AGENDA, threshold_reached_at=timezone.now()
    )
    proposal.status = Proposal.Status.ON_AGENDA
    transaction.on_commit(lambda: _notify_agenda(proposal, meeting))
    return item


def _notify_agenda(proposal: Proposal, meeting: GovernanceMeeting) -> None:
    people = [role.user for role in coordinators(network=meeting.network)] + [proposal.author]
    notify(
        users=people,
        topic="governance.agenda",
        title=_("« %(t)s » a atteint son seuil : à l'ordre du jour") % {"t": proposal.title},
        body=meeting.title,
        url=reverse("governance:proposal-detail", args=[proposal.slug]),
    )


def withdraw_support(*, by: User, proposal: Proposal, place: Place | None = None) -> None:
    if proposal.status != Proposal.Status.OPEN:
        raise NotOpen(_("Les soutiens d'une proposition à l'ordre du jour ou close sont gardés."))
    Support.objects.filter(proposal=proposal, by=by, place=place).delete()


def close_debate(*, by: User, proposal: Proposal, conclusion: str) -> Proposal:
    """Close with a written conclusion (coordinators); supports are kept."""
    if not can_moderate(user=by, space=proposal.space):
        raise NotAllowed(_("Seule la coordination clôt un débat."))
    conclusion = conclusion.strip()
    if len(conclusion) < 10:
        raise DebateError(_("Écrivez la conclusion du débat."), field="conclusion")
    if proposal.status == Proposal.Status.CLOSED:
        raise NotOpen(_("Ce débat est déjà clos."))
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.CLOSED, conclusion=conclusion, closed_at=timezone.now()
    )
    proposal.refresh_from_db()
    return proposal


# --- comments and moderation ------------------------------------------------------------------


def comment(
    *,
    by: User,
    proposal: Proposal,
    body: str,
    parent: Comment | None = None,
    amendment: bool = False,
) -> Comment:
    if not can_take_part(user=by, space=proposal.space):
        raise NotAllowed(_("Seul·es les membres du réseau commentent ici."))
    if proposal.status == Proposal.Status.CLOSED:
        raise NotOpen(_("Ce débat est clos."))
    body = body.strip()
    if not body:
        raise DebateError(_("Écrivez votre commentaire."), field="body")
    if parent is not None and parent.proposal_id != proposal.pk:
        raise DebateError(_("On ne répond qu'à un commentaire de ce fil."))
    return Comment.objects.create(
        proposal=proposal, parent=parent, author=by, body=body[:5000], is_amendment=amendment
    )


def report_comment(*, by: User, comment: Comment, reason: str) -> ModerationEntry:
    if not can_take_part(user=by, space=comment.proposal.space):
        raise NotAllowed(_("Seul·es les membres du réseau signalent un commentaire."))
    reason = reason.strip()
    if not reason:
        raise DebateError(_("Dites ce qui pose problème."), field="reason")
    entry = ModerationEntry.objects.create(
        comment=comment, action=ModerationEntry.Action.REPORT, by=by, reason=reason[:300]
    )
    notify(
        users=[r.user for r in coordinators(network=comment.proposal.space.network)],
        topic="governance.moderation",
        title=_("Commentaire signalé sur « %(t)s »") % {"t": comment.proposal.title},
        body=reason[:300],
        url=reverse("governance:proposal-detail", args=[comment.proposal.slug]),
        exclude=by,
    )
    return entry


def hide_comment(*, by: User, comment: Comment, reason: str) -> Comment:
    """Hide with a reason (the author and text are kept, the log says who and why)."""
    if not can_moderate(user=by, space=comment.proposal.space):
        raise NotAllowed(_("Seule la coordination modère."))
    reason = reason.strip()
    if not reason:
        raise DebateError(_("Indiquez le motif du masquage : il est affiché."), field="reason")
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(
            hidden_at=timezone.now(), hidden_reason=reason[:300]
        )
        ModerationEntry.objects.create(
            comment=comment, action=ModerationEntry.Action.HIDE, by=by, reason=reason[:300]
        )
    comment.refresh_from_db()
    return comment


# --- governance meetings ----------------------------------------------------------------------


def schedule_meeting(
    *, by: User, network: Network, title: str, starts_at: datetime.datetime
) -> GovernanceMeeting:
    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seule la coordination convoque une réunion."))
    return GovernanceMeeting.objects.create(
        network=network, title=title.strip()[:200], starts_at=starts_at, created_by=by
    )


@dataclass(frozen=True)
class DecisionInput:
    method: str
    outcome: str
    present_places: int
    reasons: str = ""
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    answer: str = ""


def quorum_needed(*, network: Network) -> tuple[int, int]:
    """(places with voting rights, places needed present or represented)."""
    voters = len(voting_places(network=network))
    return voters, max(1, math.ceil(voters * QUORUM_SHARE))


def decide(
    *, by: User, meeting: GovernanceMeeting, proposal: Proposal, data: DecisionInput
) -> GovernanceDecision:
    """Record the meeting's decision on a proposal of its agenda and publish the answer.

    Quorum: half of the places with voting rights (accepted and up to date with their fee).
    A vote is adopted by more for than against; a rejection states its reasons."""
    if not is_coordinator(user=by, network=meeting.network):
        raise NotAllowed(_("Seule la coordination tient la réunion."))
    if meeting.status != GovernanceMeeting.Status.SCHEDULED:
        raise NotOpen(_("Cette réunion est close."))
    if not AgendaItem.objects.filter(meeting=meeting, proposal=proposal).exists():
        raise DebateError(_("Cette proposition n'est pas à l'ordre du jour de cette réunion."))
    if data.method not in GovernanceDecision.Method.values:
        raise DebateError(_("Choisissez consentement ou vote."), field="method")
    if data.outcome not in GovernanceDecision.Outcome.values:
        raise DebateError(_("Choisissez l'issue."), field="outcome")
    voters, needed = quorum_needed(network=meeting.network)
    if data.present_places > voters:
        raise DebateError(
            _("Le réseau compte %(n)s lieux à jour : pas plus de présents.") % {"n": voters},
            field="present_places",
        )
    if data.present_places < needed:
        raise NoQuorum(
            _("Quorum non atteint : %(p)s lieux présents ou représentés sur %(n)s nécessaires.")
            % {"p": data.present_places, "n": needed},
            field="present_places",
        )
    outcome = data.outcome
    if data.method == GovernanceDecision.Method.VOTE:
        cast = data.votes_for + data.votes_against + data.votes_abstain
        if cast > data.present_places:
            raise DebateError(_("Plus de voix que de lieux présents."), field="votes_for")
        if outcome == GovernanceDecision.Outcome.ADOPTED and data.votes_for <= data.votes_against:
            raise DebateError(
                _("Avec %(f)s pour et %(a)s contre, la proposition n'est pas adoptée.")
                % {"f": data.votes_for, "a": data.votes_against},
                field="outcome",
            )
    if outcome == GovernanceDecision.Outcome.REJECTED and not data.reasons.strip():
        raise DebateError(_("Un rejet s'explique : écrivez les motifs."), field="reasons")
    with transaction.atomic():
        try:
            decision = GovernanceDecision.objects.create(
                meeting=meeting,
                proposal=proposal,
                method=data.method,
                outcome=outcome,
                present_places=data.present_places,
                member_places=voters,
                votes_for=data.votes_for,
                votes_against=data.votes_against,
                votes_abstain=data.votes_abstain,
                reasons=data.reasons.strip(),
                decided_by=by,
            )
        except IntegrityError as exc:
            raise NotOpen(_("Cette proposition a déjà sa décision.")) from exc
        Proposal.objects.filter(pk=proposal.pk).update(
            status=outcome,
            answer=(data.answer or data.reasons).strip(),
            answered_at=timezone.now(),
        )
        if proposal.kind == Proposal.Kind.CHARTER and outcome == GovernanceDecision.Outcome.ADOPTED:
            adopt_charter_change(by=by, proposal=proposal)
    notify(
        users=[proposal.author, *[s.by for s in proposal.supports.select_related("by")]],
        topic="governance.answer",
        title=_("Réponse du réseau à « %(t)s » : %(o)s")
        % {"t": proposal.title, "o": GovernanceDecision.Outcome(outcome).label},
        url=reverse("governance:proposal-detail", args=[proposal.slug]),
        exclude=by,
    )
    proposal.refresh_from_db()
    return decision


def close_meeting(*, by: User, meeting: GovernanceMeeting, minutes: str) -> GovernanceMeeting:
    if not is_coordinator(user=by, network=meeting.network):
        raise NotAllowed(_("Seule la coordination tient la réunion."))
    if not minutes.strip():
        raise DebateError(_("Écrivez le compte rendu."), field="minutes")
    GovernanceMeeting.objects.filter(pk=meeting.pk).update(
        status=GovernanceMeeting.Status.CLOSED, minutes=minutes.strip()
    )
    meeting.refresh_from_db()
    return meeting


def add_step(*, by: User, proposal: Proposal, day: datetime.date, text: str) -> CarryStep:
    """Log a step taken to carry an adopted position (coordinators)."""
    if not is_coordinator(user=by, network=proposal.space.network):
        raise NotAllowed(_("Seule la coordination tient le journal des démarches."))
    if proposal.status != Proposal.Status.ADOPTED:
        raise NotOpen(_("Seule une position adoptée se porte auprès des institutions."))
    if day > timezone.localdate():
        raise DebateError(_("Une démarche faite ne se date pas dans le futur."), field="day")
    if not text.strip():
        raise DebateError(_("Décrivez la démarche."), field="text")
    return CarryStep.objects.create(proposal=proposal, day=day, text=text.strip()[:300], by=by)


# --- consultations ----------------------------------------------------------------------------


def create_consultation(
    *,
    by: User,
    space: DebateSpace,
    title: str,
    closes_at: datetime.datetime,
    questions: list[tuple[str, list[str]]],
    intro: str = "",
) -> Consultation:
    if not is_coordinator(user=by, network=space.network):
        raise NotAllowed(_("Seule la coordination lance une consultation."))
    if closes_at <= timezone.now():
        raise DebateError(_("La date limite doit être à venir."), field="closes_at")
    if not questions or any(len(choices) < 2 for _text, choices in questions):
        raise DebateError(_("Chaque question propose au moins deux réponses."), field="questions")
    with transaction.atomic():
        consultation = Consultation.objects.create(
            space=space, title=title.strip()[:200], intro=intro, closes_at=closes_at, created_by=by
        )
        for position, (text, choices) in enumerate(questions):
            ConsultationQuestion.objects.create(
                consultation=consultation,
                text=text[:300],
                choices="\n".join(choices),
                position=position,
            )
    return consultation


def answer_consultation(*, by: User, consultation: Consultation, choices: dict[int, int]) -> int:
    """Answer (or change one's answers) before the deadline; return the answers recorded."""
    if not can_take_part(user=by, space=consultation.space):
        raise NotAllowed(_("Seul·es les membres du réseau répondent."))
    if consultation.closes_at <= timezone.now():
        raise NotOpen(_("La consultation est close : voyez ses résultats."))
    questions = {q.pk: q for q in consultation.questions.all()}
    with transaction.atomic():
        for question_id, choice in choices.items():
            question = questions.get(question_id)
            if question is None or not 0 <= choice < len(question.choice_list()):
                raise DebateError(_("Réponse inconnue."))
            ConsultationAnswer.objects.update_or_create(
                question=question, person=by, defaults={"choice": choice, "at": timezone.now()}
            )
    return len(choices)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    share: float  # 0..1 of the answers to the question
    y: int


def results(*, consultation: Consultation) -> list[tuple[ConsultationQuestion, int, list[Bar]]]:
    """Per question: answers count and one bar per choice (for a server-drawn SVG chart)."""
    found = []
    for question in consultation.questions.all():
        counts = [0] * len(question.choice_list())
        for choice in question.answers.values_list("choice", flat=True):
            if 0 <= choice < len(counts):
                counts[choice] += 1
        total = sum(counts)
        found.append(
            (
                question,
                total,
                [
                    Bar(label, count, count / total if total else 0.0, index * 28)
                    for index, (label, count) in enumerate(
                        zip(question.choice_list(), counts, strict=True)
                    )
                ],
            )
        )
    return found
