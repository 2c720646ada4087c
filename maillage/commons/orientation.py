"""Aiguillage: a need filed by anyone lands in the queue of the guides of the network that covers
its commune; a guide claims it and answers with an orientation (commons, people to call, places
that use them); the requester accepts or declines each suggestion, a person is introduced only
when both agreed; follow-ups at 30 and 90 days are answered in one click from the e-mail."""

import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.commons.models import Commons, Contact, FollowUp, OrientationRequest, Suggestion
from maillage.commons.orientation_selectors import skills_shown_to_both
from maillage.commons.services import CommonsError, InvalidCommons, NotAllowed
from maillage.lib.french import de
from maillage.lib.inputs import UNSET, Input, _Unset
from maillage.lib.urls import absolute_url
from maillage.networks.models import Network
from maillage.networks.selectors import networks_guided_by
from maillage.notifications.mail import Mail, send_emails
from maillage.notifications.services import mark_handled, notify
from maillage.places.models import Place
from maillage.territory.models import Commune

FOLLOW_UP_DAYS = (30, 90)
REMIND_GUIDE_AFTER = datetime.timedelta(days=7)
LEVEL_ORDER: dict[str, int] = {
    Network.Level.LOCAL: 0,
    Network.Level.DEPARTMENTAL: 1,
    Network.Level.REGIONAL: 2,
    Network.Level.NATIONAL: 3,
}


class AlreadyClaimed(CommonsError):
    status = 409


class NoNetwork(CommonsError):
    pass


@dataclass(frozen=True, kw_only=True)
class RequestData(Input):
    need: str | _Unset = UNSET
    action: str | _Unset = UNSET
    domain: str | _Unset = UNSET
    commune: Commune | _Unset | None = UNSET
    maturity: str | _Unset = UNSET
    team_skills: str | _Unset = UNSET
    time_available: str | _Unset = UNSET
    budget: str | _Unset = UNSET
    name: str | _Unset = UNSET
    email: str | _Unset = UNSET


def _request_key(request: OrientationRequest) -> str:
    return f"commons.orientation:{request.pk}"


def network_for(commune: Commune | None) -> Network | None:
    """The most local network with guides (or coordinators, who guide too) whose territory holds
    the commune; else a national one (the network of last resort)."""
    with_guides = Network.objects.filter(roles__role__in=["guide", "coordinator"]).distinct()
    candidates = list(with_guides.filter(communes=commune)) if commune is not None else []
    if not candidates:
        candidates = list(with_guides.filter(level=Network.Level.NATIONAL))
    if not candidates:
        candidates = list(with_guides)
    candidates.sort(key=lambda n: (LEVEL_ORDER.get(n.level, 9), n.pk))
    return candidates[0] if candidates else None


def guides_of(network: Network) -> list[User]:
    """Who hears of a new request: the network's guides, or its coordinators if it has none."""
    for role in ("guide", "coordinator"):
        people = list(
            User.objects.filter(
                network_roles__network=network, network_roles__role=role, is_active=True
            ).distinct()
        )
        if people:
            return people
    return []


def _notify_guides(request: OrientationRequest) -> None:
    notify(
        users=guides_of(request.network),
        topic="commons.orientation",
        title=_("Nouvelle demande d'orientation : %(need)s") % {"need": request.need[:80]},
        url=request.get_absolute_url(),
        key=_request_key(request),
    )


def file_request(*, by: User | None, data: RequestData) -> OrientationRequest:
    """File a need. Without an account the e-mail address must be confirmed by a link before
    the request reaches the guides."""
    request = OrientationRequest(requester=by, token=secrets.token_urlsafe(32))
    data.assign_to(request)
    if not request.need.strip():
        raise InvalidCommons(_("Décrivez votre besoin, avec vos mots."), field="need")
    if not request.maturity:
        raise InvalidCommons(_("Dites où en est votre projet."), field="maturity")
    if by is None and not request.email:
        raise InvalidCommons(
            _("Indiquez une adresse e-mail pour recevoir la réponse."), field="email"
        )
    network = network_for(request.commune)
    if network is None:
        raise NoNetwork(_("Aucun réseau n'a encore d'aiguilleur·se pour vous répondre."))
    request.network = network
    request.status = (
        OrientationRequest.Status.NEW if by is not None else OrientationRequest.Status.UNVERIFIED
    )
    with transaction.atomic():
        request.save()
        if by is None:
            link = absolute_url(f"/communs/aiguillage/confirmer/{request.token}/")
            send_emails(
                [
                    Mail(
                        subject=_("Confirmez votre demande d'orientation"),
                        body=_(
                            "Bonjour,\n\nPour que votre demande parvienne aux aiguilleur·ses "
                            "%(de_network)s, confirmez votre adresse en ouvrant ce lien :\n%(link)s\n\n"
                            "Si vous n'avez rien demandé, ignorez ce message."
                        )
                        % {"de_network": de(network.name), "link": link},
                        to=(request.email,),
                    )
                ]
            )
        else:
            _notify_guides(request)
    return request


def confirm_request(*, token: str) -> OrientationRequest | None:
    """The link of the confirmation e-mail: the request reaches the guides (once)."""
    request = OrientationRequest.objects.filter(token=token).first()
    if request is None:
        return None
    if request.status == OrientationRequest.Status.UNVERIFIED:
        request.status = OrientationRequest.Status.NEW
        request.save(update_fields=["status"])
        _notify_guides(request)
    return request


def may_guide(*, user: User, request: OrientationRequest) -> bool:
    return networks_guided_by(user=user).filter(pk=request.network_id).exists()


def claim(*, request: OrientationRequest, by: User) -> OrientationRequest:
    """A guide takes the request; another guide's claim is refused (they can see who has it)."""
    if not may_guide(user=by, request=request):
        raise NotAllowed(_("Cette demande est suivie par les aiguilleur·ses d'un autre réseau."))
    with transaction.atomic():
        locked = OrientationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.guide is not None and locked.guide.pk != by.pk:
            raise AlreadyClaimed(
                _("%(name)s suit déjà cette demande.") % {"name": locked.guide.public_name}
            )
        if locked.status == OrientationRequest.Status.UNVERIFIED:
            raise InvalidCommons(_("L'adresse de cette demande n'est pas encore confirmée."))
        locked.guide = by
        locked.claimed_at = locked.claimed_at or timezone.now()
        if locked.status == OrientationRequest.Status.NEW:
            locked.status = OrientationRequest.Status.CLAIMED
        locked.save(update_fields=["guide", "claimed_at", "status"])
    mark_handled(key=_request_key(request))
    request.refresh_from_db()
    return request


def answer(
    *,
    request: OrientationRequest,
    by: User,
    message: str,
    commons_ids: list[int],
    contact_ids: list[int],
    place_ids: list[int],
    skill_ids: list[int] | None = None,
    today: datetime.date | None = None,
) -> OrientationRequest:
    """Send the orientation: its suggestions, a message, and the two follow-ups scheduled.
    People of the skills directory (`skill_ids`) are kept only if both the guide and the
    requester may see that skill (its owner's choice of visibility)."""
    if not may_guide(user=by, request=request):
        raise NotAllowed(_("Cette demande est suivie par les aiguilleur·ses d'un autre réseau."))
    if request.status in (OrientationRequest.Status.UNVERIFIED, OrientationRequest.Status.CLOSED):
        raise InvalidCommons(_("Cette demande ne peut pas recevoir de réponse."))
    if request.status == OrientationRequest.Status.ANSWERED:
        raise AlreadyClaimed(_("Cette demande a déjà reçu son orientation."))
    skill_ids = skill_ids or []
    if not (commons_ids or contact_ids or place_ids or skill_ids):
        raise InvalidCommons(
            _("Choisissez au moins un commun, une personne ou un lieu à proposer."),
            field="commons",
        )
    if not message.strip():
        raise InvalidCommons(_("Écrivez un mot à la personne."), field="message")
    commons = list(Commons.objects.filter(pk__in=commons_ids, is_published=True))
    contacts = list(Contact.objects.filter(pk__in=contact_ids).select_related("user", "commons"))
    places = list(Place.objects.filter(pk__in=place_ids, is_published=True))
    skills = list(
        skills_shown_to_both(guide=by, request=request)
        .filter(pk__in=skill_ids)
        .select_related("user")
    )
    today = today or timezone.localdate()
    with transaction.atomic():
        Suggestion.objects.bulk_create(
            [Suggestion(request=request, commons=c) for c in commons]
            + [Suggestion(request=request, contact=c) for c in contacts]
            + [Suggestion(request=request, place=p) for p in places]
            + [Suggestion(request=request, skill=k) for k in skills]
        )
        FollowUp.objects.bulk_create(
            FollowUp(request=request, after_days=days, due_on=today + datetime.timedelta(days=days))
            for days in FOLLOW_UP_DAYS
        )
        request.status = OrientationRequest.Status.ANSWERED
        request.guide = request.guide or by
        request.claimed_at = request.claimed_at or timezone.now()
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "guide", "claimed_at", "answered_at"])
        link = absolute_url(f"/communs/aiguillage/suivi/{request.token}/")
        send_emails(
            [
                Mail(
                    subject=_("Votre orientation est prête"),
                    body=_(
                        "Bonjour %(name)s,\n\n%(guide)s a étudié votre demande et vous répond :"
                        "\n\n%(message)s\n\nVos pistes (communs, personnes, lieux) et vos choix :"
                        "\n%(link)s\n"
                    )
                    % {
                        "name": request.display_name,
                        "guide": by.public_name,
                        "message": message.strip(),
                        "link": link,
                    },
                    to=(request.contact_email,),
                )
            ]
        )
    mark_handled(key=_request_key(request))
    return request


def decide(*, suggestion: Suggestion, accept: bool) -> Suggestion:
    """The requester accepts or declines a suggestion. Accepting a person asks that person; the
    introduction happens once both agreed."""
    suggestion.decision = Suggestion.Decision.ACCEPTED if accept else Suggestion.Decision.DECLINED
    suggestion.save(update_fields=["decision"])
    person = suggestion.person
    if accept and person is not None and suggestion.contact_consent == Suggestion.Decision.PENDING:
        notify(
            users=[person],
            topic="commons.introduction",
            title=_("Quelqu'un aimerait votre aide sur %(commons)s")
            % {"commons": suggestion.topic},
            body=suggestion.request.need[:300],
            url=f"/communs/aiguillage/mises-en-relation/{suggestion.pk}/",
            key=f"commons.introduction:{suggestion.pk}",
        )
    _introduce_if_agreed(suggestion)
    return suggestion


def contact_decides(*, suggestion: Suggestion, by: User, accept: bool) -> Suggestion:
    person = suggestion.person
    if person is None or person.pk != by.pk:
        raise NotAllowed(_("Cette mise en relation ne vous concerne pas."))
    suggestion.contact_consent = (
        Suggestion.Decision.ACCEPTED if accept else Suggestion.Decision.DECLINED
    )
    suggestion.save(update_fields=["contact_consent"])
    mark_handled(key=f"commons.introduction:{suggestion.pk}")
    _introduce_if_agreed(suggestion)
    return suggestion


def _introduce_if_agreed(suggestion: Suggestion) -> None:
    agreed = Suggestion.Decision.ACCEPTED
    person = suggestion.person
    if (
        person is None
        or suggestion.introduced_at is not None
        or suggestion.decision != agreed
        or suggestion.contact_consent != agreed
    ):
        return
    request = suggestion.request
    body = _(
        "Bonjour,\n\nVous avez tous deux accepté d'être mis·es en relation au sujet de "
        "%(commons)s.\n\n%(requester)s <%(requester_email)s> : %(need)s\n\n%(person)s "
        "<%(person_email)s> peut aider : %(helps)s\n\nÉcrivez-vous directement.\n"
    ) % {
        "commons": suggestion.topic,
        "requester": request.display_name,
        "requester_email": request.contact_email,
        "need": request.need[:500],
        "person": person.public_name,
        "person_email": person.email,
        "helps": suggestion.helps_with,
    }
    send_emails(
        [
            Mail(
                subject=_("Mise en relation : %(commons)s") % {"commons": suggestion.topic},
                body=body,
                to=(request.contact_email, person.email),
            )
        ]
    )
    suggestion.introduced_at = timezone.now()
    suggestion.save(update_fields=["introduced_at"])


def send_due_follow_ups(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Send the follow-ups that are due; remind the guide of those left unanswered a week.
    Return (sent, reminders). Safe to run several times a day."""
    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    due = FollowUp.objects.filter(sent_at__isnull=True, due_on__lte=today).select_related("request")
    for follow_up in due:
        request = follow_up.request
        base = f"/communs/aiguillage/suivi/{request.token}/bilan/{follow_up.pk}/"
        links = "\n".join(
            f"  {label} : {absolute_url(base + value + '/')}"
            for value, label in FollowUp.Answer.choices
        )
        with transaction.atomic():
            claimed = FollowUp.objects.filter(pk=follow_up.pk, sent_at__isnull=True).update(
                sent_at=now
            )
            if not claimed:
                continue
            send_emails(
                [
                    Mail(
                        subject=_("%(days)s jours après : où en êtes-vous ?")
                        % {"days": follow_up.after_days},
                        body=_(
                            "Bonjour %(name)s,\n\nIl y a %(days)s jours, vous receviez une "
                            "orientation. Avez-vous pris contact, vous êtes-vous saisi·e d'un "
                            "commun, cela vous a-t-il aidé·e ? Répondez d'un clic :\n%(links)s\n"
                        )
                        % {
                            "name": request.display_name,
                            "days": follow_up.after_days,
                            "links": links,
                        },
                        to=(request.contact_email,),
                    )
                ]
            )
        sent += 1
    reminders = 0
    stale = FollowUp.objects.filter(
        sent_at__lte=now - REMIND_GUIDE_AFTER,
        answered_at__isnull=True,
        guide_reminded_at__isnull=True,
        request__guide__isnull=False,
    ).select_related("request", "request__guide")
    for follow_up in stale:
        request = follow_up.request
        if request.guide is None:
            continue
        notify(
            users=[request.guide],
            topic="commons.follow-up",
            title=_("Sans réponse au bilan à %(days)s jours : %(need)s")
            % {"days": follow_up.after_days, "need": request.need[:60]},
            url=request.get_absolute_url(),
        )
        follow_up.guide_reminded_at = now
        follow_up.save(update_fields=["guide_reminded_at"])
        reminders += 1
    return sent, reminders


def answer_follow_up(*, token: str, follow_up_id: int, answer: str) -> FollowUp | None:
    """The one-click answer from the e-mail (changing one's answer is allowed)."""
    if answer not in FollowUp.Answer.values:
        return None
    follow_up = (
        FollowUp.objects.filter(pk=follow_up_id, request__token=token, sent_at__isnull=False)
        .select_related("request")
        .first()
    )
    if follow_up is None:
        return None
    follow_up.answer = answer
    follow_up.answered_at = timezone.now()
    follow_up.save(update_fields=["answer", "answered_at"])
    return follow_up


def close(*, request: OrientationRequest, by: User) -> OrientationRequest:
    if not may_guide(user=by, request=request):
        raise NotAllowed(_("Cette demande est suivie par les aiguilleur·ses d'un autre réseau."))
    request.status = OrientationRequest.Status.CLOSED
    request.save(update_fields=["status"])
    mark_handled(key=_request_key(request))
    return request
