"""Peer programmes: codéveloppement groups (5–8 people from different places, a facilitator,
sessions scheduled as events of the agenda, notes private to the group) and compagnonnage (an
experienced place beside a new place or a project holder: goals, check-ins, a closing review;
pairs suggested by similarity and distance). Project holders are followed until their place opens
(its status in the directory moves from "en projet" to "ouvert")."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.events import services as events_services
from maillage.lib.geo import distance_km
from maillage.networks.models import Network
from maillage.notifications.services import notify
from maillage.places.audiences import place_in_audience
from maillage.places.models import Place, PlaceStatus
from maillage.places.selectors import can_edit_place, places_managed_by
from maillage.services import selectors
from maillage.services.models import (
    CODEV_STEPS,
    CheckIn,
    CodevSession,
    Pairing,
    PeerAudience,
    PeerGroup,
    PeerGroupMember,
    PeerProfile,
    PlaceFeatures,
    ProjectHolder,
    Topic,
)
from maillage.services.services import Conflict, NotAllowed, ServicesError
from maillage.services.similar import similar_places

GROUP_MIN = 5
GROUP_MAX = 8


def _require_team(by: User, network: Network | int) -> None:
    if not selectors.is_team(user=by, network=network):
        raise NotAllowed(_("Seule l'équipe du réseau peut faire cela."))


# --- audiences ---------------------------------------------------------------------------------


def fits_audience(*, place: Place, audience: str, today: datetime.date | None = None) -> bool:
    """Peer-only audiences (big places, rural places, young places): the directory's
    classification, shared with the events reserved to peers."""
    return place_in_audience(place=place, audience=audience, today=today)


def opening_years(place_ids: list[int]) -> dict[int, int]:
    """The opening years the places' peer profiles give (registered with the audiences)."""
    rows = PeerProfile.objects.filter(place_id__in=place_ids, opened_year__isnull=False)
    return {pk: year for pk, year in rows.values_list("place_id", "opened_year") if year}


# --- codéveloppement ---------------------------------------------------------------------------


def create_group(
    *, by: User, network: Network, name: str, audience: str, facilitator: User
) -> PeerGroup:
    _require_team(by, network)
    if not name.strip():
        raise ServicesError(_("Donnez un nom au groupe."), field="name")
    if audience not in PeerAudience.values:
        raise ServicesError(_("Choisissez à qui le groupe est réservé."), field="audience")
    return PeerGroup.objects.create(
        network=network, name=name.strip(), audience=audience, facilitator=facilitator
    )


def add_member(*, by: User, group: PeerGroup, user: User, place: Place) -> PeerGroupMember:
    if not (selectors.is_team(user=by, network=group.network_id) or group.facilitator_id == by.pk):
        raise NotAllowed(_("Seul·es l'équipe et le ou la facilitateur·rice composent le groupe."))
    if group.members.count() >= GROUP_MAX:
        raise Conflict(_("Un groupe de codéveloppement compte 8 personnes au plus."), field="email")
    if group.members.filter(place=place).exists():
        raise ServicesError(
            _(
                "Une personne de ce lieu est déjà dans le groupe : les membres viennent de lieux différents."
            ),
            field="place",
        )
    if group.members.filter(user=user).exists():
        raise Conflict(_("Cette personne est déjà dans le groupe."), field="email")
    if not fits_audience(place=place, audience=group.audience):
        raise ServicesError(
            _("Ce lieu n'entre pas dans le public du groupe (%(audience)s).")
            % {"audience": group.get_audience_display()},
            field="place",
        )
    member = PeerGroupMember.objects.create(group=group, user=user, place=place)
    notify(
        users=[user],
        topic="services.group",
        title=_("Vous rejoignez le groupe de codéveloppement « %(name)s »") % {"name": group.name},
        url=group.get_absolute_url(),
    )
    return member


def schedule_session(
    *,
    by: User,
    group: PeerGroup,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    online_url: str = "",
) -> CodevSession:
    """A session of the cycle: an invitation-only codev event of the network's agenda."""
    _require_team(by, group.network_id)
    count = group.members.count()
    if count < GROUP_MIN:
        raise Conflict(
            _("Le groupe compte %(n)s personnes : il en faut au moins 5 pour commencer.")
            % {"n": count}
        )
    number = (group.sessions.count() or 0) + 1
    with transaction.atomic():
        event = events_services.create_event(
            by=by,
            owner=group.network,
            data=events_services.EventData(
                kind="codev",
                title=_("%(group)s — séance %(n)s") % {"group": group.name, "n": number},
                starts_at=starts_at,
                ends_at=ends_at,
                online_url=online_url,
                audience="invited",
                capacity=GROUP_MAX + 1,
                organisers=[group.facilitator],
            ),
        )
        session = CodevSession.objects.create(group=group, number=number, event=event)
        if group.status == PeerGroup.Status.FORMING:
            group.status = PeerGroup.Status.RUNNING
            group.save(update_fields=["status"])
    return session


def record_session(
    *,
    by: User,
    session: CodevSession,
    client: User | None,
    problem: str,
    steps: list[str],
    notes: str,
) -> CodevSession:
    group = session.group
    if not selectors.is_group_insider(user=by, group=group):
        raise NotAllowed(_("Seul·es les membres du groupe écrivent ses notes."))
    known = {code for code, _label in CODEV_STEPS}
    if any(step not in known for step in steps):
        raise ServicesError(_("Étape inconnue."), field="steps_done")
    if client is not None and not group.members.filter(user=client).exists():
        raise ServicesError(_("Le ou la client·e est un membre du groupe."), field="client")
    session.client = client
    session.problem = problem.strip()
    session.steps_done = [code for code, _label in CODEV_STEPS if code in steps]
    session.notes = notes
    session.save()
    return session


# --- compagnonnage -----------------------------------------------------------------------------


@dataclass
class PairSuggestion:
    mentor: Place
    score: float
    distance_km: float | None
    reasons: list[str]


def suggest_mentors(
    *, mentee: Place | None = None, holder: ProjectHolder | None = None, limit: int = 5
) -> list[PairSuggestion]:
    """Experienced places willing to pair, by similarity to the new place and distance."""
    mentor_ids = set(
        PeerProfile.objects.filter(mentor_available=True).values_list("place_id", flat=True)
    )
    mentors = Place.objects.filter(pk__in=mentor_ids, is_published=True, status=PlaceStatus.OPEN)
    if mentee is not None:
        mentors = mentors.exclude(pk=mentee.pk)
        similar = {s.place_id: s for s in similar_places(mentee, limit=200)}
    else:
        similar = {}
    centre: tuple[float, float] | None = None
    if mentee is not None and mentee.latitude is not None and mentee.longitude is not None:
        centre = (mentee.latitude, mentee.longitude)
    elif holder is not None and holder.commune.latitude is not None:
        centre = (holder.commune.latitude, holder.commune.longitude)  # type: ignore[assignment]
    positions = dict(
        (pk, (lat, lon))
        for pk, lat, lon in PlaceFeatures.objects.filter(place_id__in=mentor_ids).values_list(
            "place_id", "latitude", "longitude"
        )
    )
    found = []
    for mentor in mentors:
        km = None
        lat, lon = positions.get(mentor.pk, (mentor.latitude, mentor.longitude))
        if centre and lat is not None and lon is not None:
            km = distance_km(centre[0], centre[1], lat, lon)
        match = similar.get(mentor.pk)
        reasons = list(match.reasons[:3]) if match else []
        if km is not None:
            reasons.append(_("à %(km)s km") % {"km": max(1, round(km))})
        value = (match.score if match else 0.3) + max(0.0, 1 - (km or 100) / 100) * 0.5
        found.append(PairSuggestion(mentor=mentor, score=value, distance_km=km, reasons=reasons))
    found.sort(key=lambda s: (-s.score, s.mentor.pk))
    return found[:limit]


@dataclass(frozen=True, kw_only=True)
class PairingData:
    mentor_place: Place
    mentee_place: Place | None
    mentee_holder: ProjectHolder | None
    goals: str
    starts_on: datetime.date
    ends_on: datetime.date


def create_pairing(*, by: User, network: Network, data: PairingData) -> Pairing:
    _require_team(by, network)
    if data.mentee_place is None and data.mentee_holder is None:
        raise ServicesError(
            _("Choisissez le nouveau lieu ou le porteur de projet accompagné."),
            field="mentee_place",
        )
    if data.mentee_place is not None and data.mentee_place.pk == data.mentor_place.pk:
        raise ServicesError(_("Un lieu ne s'accompagne pas lui-même."), field="mentee_place")
    if not data.goals.strip():
        raise ServicesError(_("Écrivez les objectifs du compagnonnage."), field="goals")
    if data.ends_on <= data.starts_on:
        raise ServicesError(_("La fin doit suivre le début."), field="ends_on")
    pairing = Pairing.objects.create(
        network=network,
        mentor_place=data.mentor_place,
        mentee_place=data.mentee_place,
        mentee_holder=data.mentee_holder,
        goals=data.goals.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=by,
    )
    return pairing


def _is_pair_side(user: User, pairing: Pairing) -> bool:
    places = selectors.managed_place_ids(user=user)
    return (
        pairing.mentor_place_id in places
        or (pairing.mentee_place_id in places)
        or (pairing.mentee_holder is not None and pairing.mentee_holder.user_id == user.pk)
    )


def check_in(*, by: User, pairing: Pairing, happened_on: datetime.date, note: str) -> CheckIn:
    if not (_is_pair_side(by, pairing) or selectors.is_team(user=by, network=pairing.network_id)):
        raise NotAllowed(_("Seul·es le binôme et l'équipe notent les points d'étape."))
    if pairing.status != Pairing.Status.ACTIVE:
        raise Conflict(_("Ce compagnonnage est terminé."))
    if not note.strip():
        raise ServicesError(_("Notez ce qui s'est dit."), field="note")
    if happened_on > timezone.localdate():
        raise ServicesError(_("Un point d'étape se note une fois passé."), field="happened_on")
    return CheckIn.objects.create(
        pairing=pairing, happened_on=happened_on, note=note.strip(), by=by
    )


def close_pairing(*, by: User, pairing: Pairing, goals_met: str, review: str) -> Pairing:
    if not (_is_pair_side(by, pairing) or selectors.is_team(user=by, network=pairing.network_id)):
        raise NotAllowed(_("Seul·es le binôme et l'équipe font le bilan."))
    if pairing.status != Pairing.Status.ACTIVE:
        raise Conflict(_("Ce compagnonnage est déjà terminé."))
    if not review.strip():
        raise ServicesError(_("Écrivez le bilan."), field="closing_review")
    pairing.status = Pairing.Status.CLOSED
    pairing.goals_met = goals_met
    pairing.closing_review = review.strip()
    pairing.save(update_fields=["status", "goals_met", "closing_review"])
    return pairing


# --- project holders ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HolderData:
    project_name: str
    stage: str
    commune: Any
    needs: list[str]
    description: str


def register_holder(*, by: User, data: HolderData) -> ProjectHolder:
    """A project holder's intake: the network of their territory follows them."""
    from maillage.services.requests import network_for, team_of

    if not data.project_name.strip():
        raise ServicesError(
            _("Donnez un nom à votre projet, même provisoire."), field="project_name"
        )
    if data.stage not in ProjectHolder.Stage.values:
        raise ServicesError(_("Dites où en est votre projet."), field="stage")
    if not data.needs or any(n not in Topic.values for n in data.needs):
        raise ServicesError(_("Choisissez au moins un besoin."), field="needs")
    if not data.description.strip():
        raise ServicesError(_("Décrivez votre projet en quelques lignes."), field="description")
    network = network_for(place=None, commune=data.commune)
    if network is None:
        raise ServicesError(_("Aucun réseau n'a encore d'équipe pour vous suivre."))
    with transaction.atomic():
        holder = ProjectHolder.objects.create(
            network=network,
            user=by,
            project_name=data.project_name.strip(),
            stage=data.stage,
            commune=data.commune,
            needs=list(dict.fromkeys(data.needs)),
            description=data.description.strip(),
        )
        notify(
            users=team_of(network),
            topic="services.holder",
            title=_("Nouveau porteur de projet : %(name)s") % {"name": holder.project_name},
            url=holder.get_absolute_url(),
        )
    return holder


def link_place(*, by: User, holder: ProjectHolder, place: Place) -> ProjectHolder:
    """The project's place in the directory (created "en projet" by the holder)."""
    if holder.user_id != by.pk and not selectors.is_team(user=by, network=holder.network_id):
        raise NotAllowed(_("Seul·es le porteur de projet et l'équipe relient le lieu."))
    if not can_edit_place(user=holder.user, place=place):
        raise ServicesError(
            _("Le porteur de projet doit gérer ce lieu dans l'annuaire."), field="place"
        )
    holder.place = place
    fields = ["place"]
    if place.status == PlaceStatus.OPEN and holder.status == ProjectHolder.Status.FOLLOWED:
        holder.status = ProjectHolder.Status.OPENED
        holder.opened_at = timezone.now()
        fields += ["status", "opened_at"]
    with transaction.atomic():
        holder.save(update_fields=fields)
        if "status" in fields:
            _tell_opened(holder)
    return holder


def _tell_opened(holder: ProjectHolder) -> None:
    from maillage.services.requests import team_of

    notify(
        users=[holder.user, *team_of(holder.network)],
        topic="services.holder-opened",
        title=_("« %(name)s » est ouvert : le projet est devenu un lieu")
        % {"name": holder.project_name},
        url=holder.get_absolute_url(),
    )


def places_to_link(*, holder: ProjectHolder) -> list[Place]:
    """The places of the directory the holder manages: those their project may be."""
    return list(places_managed_by(user=holder.user))


def follow_place(place: Place) -> int:
    """The directory changed a place: the followed holders whose place it is are marked opened
    as soon as it shows "ouvert" (called by the place_changed receiver)."""
    if place.status != PlaceStatus.OPEN:
        return 0
    opened = 0
    for holder in ProjectHolder.objects.filter(
        place=place, status=ProjectHolder.Status.FOLLOWED
    ).select_related("network", "user"):
        holder.status = ProjectHolder.Status.OPENED
        holder.opened_at = timezone.now()
        holder.save(update_fields=["status", "opened_at"])
        _tell_opened(holder)
        opened += 1
    return opened


def refresh_holders() -> int:
    """Followed holders whose place now shows "ouvert" in the directory are marked opened (run
    by the periodic command; the place's status is the directory's)."""
    opened = ProjectHolder.objects.filter(
        status=ProjectHolder.Status.FOLLOWED, place__status=PlaceStatus.OPEN
    )
    return opened.update(status=ProjectHolder.Status.OPENED, opened_at=timezone.now())


def routes_for(holder: ProjectHolder, *, limit: int = 5) -> dict[str, Any]:
    """Where a project holder is routed: nearby places welcoming holders, mentors, services."""
    centre = holder.commune
    welcoming = []
    for place in selectors.places_welcoming_holders()[:200]:
        lat = (
            place.latitude
            if place.latitude is not None
            else (place.commune.latitude if place.commune else None)
        )
        lon = (
            place.longitude
            if place.longitude is not None
            else (place.commune.longitude if place.commune else None)
        )
        km = (
            distance_km(centre.latitude, centre.longitude, lat, lon)
            if centre.latitude is not None
            and centre.longitude is not None
            and lat is not None
            and lon is not None
            else None
        )
        welcoming.append((km if km is not None else 1e9, place.pk, place, km))
    welcoming.sort(key=lambda row: (row[0], row[1]))
    services = [
        s
        for s in selectors.published_services(network=holder.network)
        if s.audience in ("holders", "anyone")
        and (set(s.topics) & set(holder.needs) or not s.topics)
    ]
    return {
        "places": [(place, km) for _d, _pk, place, km in welcoming[:limit]],
        "mentors": suggest_mentors(holder=holder, limit=limit),
        "services": services[:limit],
    }
