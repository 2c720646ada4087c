"""Writes of the circles area: circles, their people and roles, the programme of actions.

Budget, meetings and transparency have their own services modules; the meetings engineer calls
`assign_role` when a regulation meeting names someone to a paid role.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.circles.models import (
    PAID_ROLES,
    Action,
    ActionReport,
    Circle,
    CircleMember,
    CircleRole,
    CircleStatus,
    CircleStatusChange,
    Decision,
    RoleRequest,
    Transparency,
)
from maillage.circles.selectors import (
    can_manage_circle,
    current_members,
    current_role,
    is_circle_member,
    is_network_member,
    is_steward,
    stewards_of,
)
from maillage.lib.refusals import Refusal
from maillage.networks.models import Membership, MembershipStatus, Network
from maillage.networks.selectors import is_coordinator
from maillage.notifications.services import notify
from maillage.places.models import Place
from maillage.territory.models import Commune

# Words used by fixed URLs under /cercles/: no circle may take them as its slug.
RESERVED_SLUGS = {"nouveau", "reseau", "actions"}


class CircleError(Refusal):
    """A rule of the circles area refused the request; `message` says why, in French by default."""


class NotAllowed(CircleError):
    """The person has no right to do this."""


class NotNetworkMember(CircleError):
    """Only members of the circle's network may join it."""


class AlreadyMember(CircleError):
    """The person already holds a role in the circle."""


class NotCircleMember(CircleError):
    """The person holds no role in the circle."""


class DecisionRequired(CircleError):
    """Paid roles are named by a decision of a regulation meeting, and only by one."""

    field = "decision"


class InvalidPeriod(CircleError):
    field = "ends_on"


class SameRole(CircleError):
    """The person asked for the role they already hold."""

    field = "role"


class PendingRequestExists(CircleError):
    """One pending role request at a time."""

    field = "role"


class RequestNotPending(CircleError):
    """The role request was already decided or withdrawn."""


class UnknownCommuneCodes(CircleError):
    """Some codes of a perimeter match no commune (INSEE or postal code)."""

    field = "commune_codes"

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(
            _("Codes inconnus : %(codes)s. Le périmètre n'a pas été enregistré.")
            % {"codes": ", ".join(codes)}
        )


class PlaceNotInNetwork(CircleError):
    """A member place must be an accepted member of the circle's network."""

    field = "places"


class SlugTaken(CircleError):
    field = "slug"


class InvalidStatus(CircleError):
    field = "status"


class InvalidCost(CircleError):
    field = "expected_cost"


class InvalidOwner(CircleError):
    field = "owners"


class ReasonRequired(CircleError):
    field = "reason"


# --- roles ------------------------------------------------------------------------------------


def lock_circle(circle: Circle) -> Circle:
    """Lock the circle's row (inside a transaction) and return it fresh.

    Every change of the circle's people, and every grant or envelope cancellation, locks the
    circle row first: two requests (a double click on "join", a meeting naming someone while they
    leave, a cancellation slipping between a grant's check of the remainder and its insert) are
    applied one after the other.
    """
    return Circle.objects.select_for_update().get(pk=circle.pk)


def _open_row(*, circle: Circle, user: User) -> CircleMember | None:
    return (
        CircleMember.objects.select_for_update()
        .filter(circle=circle, user=user, ended_at__isnull=True)
        .first()
    )


def _close_row(*, row: CircleMember, reason: str, last_day: datetime.date) -> None:
    row.ended_at = timezone.now()
    row.ended_reason = reason[:250]
    # The period shown in the history stops the day before the next role (never before it began).
    ends_on = max(row.starts_on, last_day)
    if row.ends_on is None or row.ends_on > ends_on:
        row.ends_on = ends_on
    row.save(update_fields=["ended_at", "ended_reason", "ends_on"])


def assign_role(
    *,
    circle: Circle,
    user: User,
    role: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    decision: Decision | None = None,
    by: User | None,
) -> CircleMember:
    """End the person's open role in the circle and open the new one, in one transaction.

    Paid roles (contributeur·rice, soucieux·se) need the adopted `decision` of a meeting of this
    circle: raise DecisionRequired otherwise; raise InvalidPeriod if the period ends before it starts.
    """
    if role not in CircleRole.values:
        raise CircleError(_("Ce rôle n'existe pas."), field="role")
    if role in PAID_ROLES:
        if decision is None:
            raise DecisionRequired(
                _(
                    "Un rôle rémunéré (contributeur·rice ou soucieux·se) ne peut être attribué "
                    "que par une décision d'une réunion de régulation du cercle."
                )
            )
        if decision.meeting.circle_id != circle.pk or decision.outcome != Decision.Outcome.ADOPTED:
            raise DecisionRequired(
                _("Cette décision n'a pas été adoptée par une réunion de régulation de ce cercle.")
            )
    if ends_on is not None and ends_on < starts_on:
        raise InvalidPeriod(_("La fin de la période doit suivre son début."))
    with transaction.atomic():
        lock_circle(circle)
        current = _open_row(circle=circle, user=user)
        if current is not None:
            _close_row(
                row=current,
                reason=_("Nouveau rôle : %(role)s") % {"role": CircleRole(role).label},
                last_day=starts_on - datetime.timedelta(days=1),
            )
        return CircleMember.objects.create(
            circle=circle,
            user=user,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            decision=decision,
            created_by=by,
        )


def join_circle(*, circle: Circle, user: User) -> CircleMember:
    """Make a member of the circle's network a participant; raise NotNetworkMember or AlreadyMember."""
    already = AlreadyMember(_("Vous faites déjà partie de ce cercle."))
    if CircleMember.objects.filter(circle=circle, user=user, ended_at__isnull=True).exists():
        raise already
    if not is_network_member(user=user, network=circle.network):
        raise NotNetworkMember(
            _("Seul·es les membres du réseau %(network)s peuvent rejoindre ce cercle.")
            % {"network": circle.network.name}
        )
    try:
        with transaction.atomic():
            lock_circle(circle)
            if CircleMember.objects.filter(
                circle=circle, user=user, ended_at__isnull=True
            ).exists():
                raise already
            return CircleMember.objects.create(
                circle=circle,
                user=user,
                role=CircleRole.PARTICIPANT,
                starts_on=timezone.localdate(),
                created_by=user,
            )
    except IntegrityError as exc:  # the open-role constraint caught a concurrent join
        raise already from exc


def leave_circle(*, circle: Circle, user: User) -> CircleMember:
    """End the person's own open role (and withdraw their pending request); raise NotCircleMember."""
    with transaction.atomic():
        lock_circle(circle)
        row = _open_row(circle=circle, user=user)
        if row is None:
            raise NotCircleMember(_("Vous ne faites pas partie de ce cercle."))
        _close_row(row=row, reason=_("À quitté le cercle"), last_day=timezone.localdate())
        RoleRequest.objects.filter(
            circle=circle, user=user, status=RoleRequest.Status.PENDING
        ).update(status=RoleRequest.Status.WITHDRAWN, decided_at=timezone.now())
        return row


def end_role(*, member: CircleMember, reason: str, by: User) -> CircleMember:
    """A coordinator ends someone's role, with a reason; raise NotAllowed or ReasonRequired."""
    circle = member.circle
    if not can_manage_circle(user=by, circle=circle):
        raise NotAllowed(_("Seule la coordination du réseau peut mettre fin à un rôle."))
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(_("Indiquez le motif de la fin de ce rôle."))
    with transaction.atomic():
        lock_circle(circle)
        row = CircleMember.objects.select_for_update().get(pk=member.pk)
        if row.ended_at is not None:
            raise NotCircleMember(_("Ce rôle est déjà terminé."))
        _close_row(row=row, reason=reason, last_day=timezone.localdate())
        return row


def request_role(
    *,
    circle: Circle,
    user: User,
    role: str,
    motivation: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> RoleRequest:
    """Ask to change role; a regulation meeting decides. Raise SameRole, PendingRequestExists."""
    if role not in CircleRole.values:
        raise CircleError(_("Ce rôle n'existe pas."), field="role")
    if not is_circle_member(user=user, circle=circle):
        raise NotCircleMember(_("Rejoignez d'abord le cercle comme participant·e."))
    if current_role(user=user, circle=circle) == role:
        raise SameRole(
            _("Vous êtes déjà %(role)s dans ce cercle.") % {"role": CircleRole(role).label}
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidPeriod(_("La fin de la période doit suivre son début."))
    pending = PendingRequestExists(
        _("Vous avez déjà une demande de rôle en attente : retirez-la avant d'en faire une autre.")
    )
    try:
        with transaction.atomic():
            lock_circle(circle)
            if RoleRequest.objects.filter(
                circle=circle, user=user, status=RoleRequest.Status.PENDING
            ).exists():
                raise pending
            request = RoleRequest.objects.create(
                circle=circle,
                user=user,
                role=role,
                motivation=motivation.strip(),
                starts_on=starts_on,
                ends_on=ends_on,
            )
            _notify_role_request(request=request, stewards=stewards_of(circle=circle))
            return request
    except IntegrityError as exc:
        raise pending from exc


def _notify_role_request(*, request: RoleRequest, stewards: list[User]) -> None:
    notify(
        users=stewards,
        topic="circles.role_request",
        title=_("%(person)s demande le rôle %(role)s dans %(circle)s")
        % {
            "person": request.user.display_name or request.user.email,
            "role": request.get_role_display(),
            "circle": request.circle.name,
        },
        body=request.motivation,
        url=reverse("circles:circle-detail", kwargs={"slug": request.circle.slug}),
        exclude=request.user,
    )


def withdraw_role_request(*, request: RoleRequest, by: User) -> RoleRequest:
    """The person withdraws their own pending request; raise NotAllowed or RequestNotPending."""
    if request.user_id != by.pk:
        raise NotAllowed(_("Seule la personne qui a fait la demande peut la retirer."))
    with transaction.atomic():
        row = RoleRequest.objects.select_for_update().get(pk=request.pk)
        if row.status != RoleRequest.Status.PENDING:
            raise RequestNotPending(_("Cette demande n'est plus en attente."))
        row.status = RoleRequest.Status.WITHDRAWN
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "decided_at"])
        return row


# --- circles ----------------------------------------------------------------------------------

_CODE = re.compile(r"^(\d[0-9AB]\d{3})$")


def parse_commune_codes(text: str) -> list[str]:
    """Split pasted codes on commas, semicolons and whitespace, upper-case, drop duplicates."""
    seen: dict[str, None] = {}
    for token in re.split(r"[\s,;]+", text.upper()):
        if token:
            seen.setdefault(token, None)
    return list(seen)


def resolve_communes(codes: list[str]) -> list[Commune]:
    """Communes designated by INSEE codes or postal codes; raise UnknownCommuneCodes listing misses.

    A postal code shared by several communes designates all of them.
    """
    communes: dict[str, Commune] = {}
    unknown: list[str] = []
    wellformed = [code for code in codes if _CODE.match(code)]
    by_insee = {c.code_insee: c for c in Commune.objects.filter(code_insee__in=wellformed)}
    for code in codes:
        if not _CODE.match(code):
            unknown.append(code)
        elif code in by_insee:
            communes[code] = by_insee[code]
        else:
            matches = list(Commune.objects.with_postal_code(code))
            if not matches:
                unknown.append(code)
            for commune in matches:
                communes[commune.code_insee] = commune
    if unknown:
        raise UnknownCommuneCodes(unknown)
    return list(communes.values())


@dataclass(frozen=True, kw_only=True)
class CircleData:
    """What a coordinator types in the circle form (codes and ids are checked by the service)."""

    network: Network
    name: str
    status: str = CircleStatus.EMERGING
    status_note: str = ""
    slug: str = ""
    summary: str = ""
    description: str = ""
    commune_codes: list[str] = field(default_factory=list)
    place_ids: list[int] = field(default_factory=list)
    contact_email: str = ""
    contact_phone: str = ""
    quorum_minimum: int = 3
    quorum_percent: int = 0
    receipts_required: bool = True
    transparency: str = Transparency.PUBLIC


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "cercle"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Circle.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_circle_data(*, data: CircleData, by: User, circle: Circle | None) -> tuple[list, list]:
    if not is_coordinator(user=by, network=data.network):
        raise NotAllowed(
            _("Seule la coordination du réseau %(network)s peut gérer ses cercles.")
            % {"network": data.network.name},
            field="network",
        )
    if data.status not in CircleStatus.values:
        raise InvalidStatus(_("Ce statut n'existe pas."))
    if data.transparency not in Transparency.values:
        raise CircleError(_("Ce choix de transparence n'existe pas."), field="transparency")
    if not 0 <= data.quorum_percent <= 100:
        raise CircleError(
            _("La part des membres présents doit être comprise entre 0 et 100 %."),
            field="quorum_percent",
        )
    if data.slug:
        taken = Circle.objects.filter(slug=data.slug)
        if circle is not None:
            taken = taken.exclude(pk=circle.pk)
        if data.slug in RESERVED_SLUGS or taken.exists():
            raise SlugTaken(
                _("L'identifiant d'adresse « %(slug)s » est déjà pris.") % {"slug": data.slug}
            )
    communes = resolve_communes(data.commune_codes)
    accepted = set(
        Membership.objects.filter(
            network=data.network, status=MembershipStatus.ACCEPTED, place_id__in=data.place_ids
        ).values_list("place_id", flat=True)
    )
    outsiders = [pk for pk in data.place_ids if pk not in accepted]
    if outsiders:
        names = sorted(Place.objects.filter(pk__in=outsiders).values_list("name", flat=True))
        raise PlaceNotInNetwork(
            _("Ces lieux ne sont pas membres du réseau %(network)s : %(places)s.")
            % {"network": data.network.name, "places": ", ".join(names) or outsiders}
        )
    return communes, sorted(accepted)


def create_circle(*, data: CircleData, by: User) -> Circle:
    """Create a circle of a network the person coordinates, with its first status in the history.

    Raise NotAllowed, SlugTaken, UnknownCommuneCodes, PlaceNotInNetwork, InvalidStatus.
    """
    communes, place_ids = _check_circle_data(data=data, by=by, circle=None)
    try:
        with transaction.atomic():
            circle = Circle.objects.create(
                network=data.network,
                name=data.name.strip(),
                slug=data.slug or _unique_slug(data.name),
                status=data.status,
                summary=data.summary.strip(),
                description=data.description,
                contact_email=data.contact_email,
                contact_phone=data.contact_phone.strip(),
                quorum_minimum=data.quorum_minimum,
                quorum_percent=data.quorum_percent,
                receipts_required=data.receipts_required,
                transparency=data.transparency,
            )
            circle.communes.set(communes)
            circle.places.set(place_ids)
            CircleStatusChange.objects.create(
                circle=circle, from_status="", to_status=data.status, note=data.status_note, by=by
            )
            return circle
    except IntegrityError as exc:  # another coordinator took the slug meanwhile
        raise SlugTaken(_("Cet identifiant d'adresse est déjà pris.")) from exc


def update_circle(*, circle: Circle, data: CircleData, by: User) -> Circle:
    """Change a circle; a new status is recorded in its history with the note.

    Raise NotAllowed (also when moving it to a network the person does not coordinate), SlugTaken,
    UnknownCommuneCodes, PlaceNotInNetwork, InvalidStatus.
    """
    if not can_manage_circle(user=by, circle=circle):
        raise NotAllowed(_("Seule la coordination du réseau peut modifier ce cercle."))
    communes, place_ids = _check_circle_data(data=data, by=by, circle=circle)
    try:
        with transaction.atomic():
            row = lock_circle(circle)
            previous_status = row.status
            row.network = data.network
            row.name = data.name.strip()
            row.slug = data.slug or row.slug
            row.status = data.status
            row.summary = data.summary.strip()
            row.description = data.description
            row.contact_email = data.contact_email
            row.contact_phone = data.contact_phone.strip()
            row.quorum_minimum = data.quorum_minimum
            row.quorum_percent = data.quorum_percent
            row.receipts_required = data.receipts_required
            row.transparency = data.transparency
            row.save()
            row.communes.set(communes)
            row.places.set(place_ids)
            if previous_status != data.status:
                CircleStatusChange.objects.create(
                    circle=row,
                    from_status=previous_status,
                    to_status=data.status,
                    note=data.status_note,
                    by=by,
                )
            return row
    except IntegrityError as exc:
        raise SlugTaken(_("Cet identifiant d'adresse est déjà pris.")) from exc


# --- programme --------------------------------------------------------------------------------

# Which statuses an action may move to from each status (dropped and done can be reopened).
ACTION_TRANSITIONS: dict[str, set[str]] = {
    Action.Status.PROPOSED: {Action.Status.ADOPTED, Action.Status.DROPPED},
    Action.Status.ADOPTED: {Action.Status.IN_PROGRESS, Action.Status.DROPPED},
    Action.Status.IN_PROGRESS: {Action.Status.DONE, Action.Status.DROPPED},
    Action.Status.DONE: {Action.Status.IN_PROGRESS},
    Action.Status.DROPPED: {Action.Status.PROPOSED},
}


def allowed_action_statuses(status: str) -> list[str]:
    """The status itself and those it may move to, in the order of the choices."""
    nexts = ACTION_TRANSITIONS.get(status, set()) | {status}
    return [value for value in Action.Status.values if value in nexts]


@dataclass(frozen=True, kw_only=True)
class ActionData:
    title: str
    description: str = ""
    owner_ids: list[int] = field(default_factory=list)
    status: str = Action.Status.PROPOSED
    expected_cost_cents: int = 0
    outcomes: str = ""


def _require_member(*, circle: Circle, by: User) -> None:
    if not (is_circle_member(user=by, circle=circle) or can_manage_circle(user=by, circle=circle)):
        raise NotAllowed(_("Seul·es les membres du cercle peuvent modifier son programme."))


def _check_action_data(*, circle: Circle, data: ActionData) -> list[User]:
    if not data.title.strip():
        raise CircleError(_("Donnez un titre à l'action."), field="title")
    if data.expected_cost_cents < 0:
        raise InvalidCost(_("Le coût prévu ne peut pas être négatif."))
    members = {
        row.user_id: row.user
        for row in current_members(circle=circle).filter(user_id__in=data.owner_ids)
    }
    strangers = [pk for pk in data.owner_ids if pk not in members]
    if strangers:
        names = User.objects.filter(pk__in=strangers).values_list("display_name", flat=True)
        raise InvalidOwner(
            _("Les porteur·ses doivent être membres du cercle : %(people)s.")
            % {"people": ", ".join(name or "?" for name in names)}
        )
    return list(members.values())


def create_action(*, circle: Circle, data: ActionData, by: User) -> Action:
    """Add an action to the programme (proposed or any first status a coordinator picks).

    Raise NotAllowed, InvalidCost, InvalidOwner, InvalidStatus.
    """
    _require_member(circle=circle, by=by)
    owners = _check_action_data(circle=circle, data=data)
    if data.status not in (Action.Status.PROPOSED, Action.Status.ADOPTED):
        raise InvalidStatus(_("Une nouvelle action est proposée ou adoptée."))
    with transaction.atomic():
        action = Action.objects.create(
            circle=circle,
            title=data.title.strip(),
            description=data.description,
            status=data.status,
            expected_cost_cents=data.expected_cost_cents,
            outcomes=data.outcomes,
            created_by=by,
        )
        action.owners.set(owners)
        return action


def update_action(*, action: Action, data: ActionData, by: User) -> Action:
    """Change an action; the status moves only along ACTION_TRANSITIONS.

    Raise NotAllowed, InvalidCost, InvalidOwner, InvalidStatus.
    """
    _require_member(circle=action.circle, by=by)
    owners = _check_action_data(circle=action.circle, data=data)
    with transaction.atomic():
        # Lock the action: two members editing the status at once must not skip a transition.
        row = Action.objects.select_for_update().get(pk=action.pk)
        if data.status not in allowed_action_statuses(row.status):
            raise InvalidStatus(
                _("Une action « %(from)s » ne peut pas passer à « %(to)s ».")
                % {
                    "from": Action.Status(row.status).label,
                    "to": Action.Status(data.status).label
                    if data.status in Action.Status.values
                    else data.status,
                }
            )
        row.title = data.title.strip()
        row.description = data.description
        row.status = data.status
        row.expected_cost_cents = data.expected_cost_cents
        row.outcomes = data.outcomes
        row.save()
        row.owners.set(owners)
        return row


def report_on_action(*, action: Action, text: str, by: User) -> ActionReport:
    """An owner of the action (or a soucieux·se, a coordinator) reports back; raise NotAllowed."""
    circle = action.circle
    if not (
        action.owners.filter(pk=by.pk).exists()
        or is_steward(user=by, circle=circle)
        or can_manage_circle(user=by, circle=circle)
    ):
        raise NotAllowed(_("Seul·es les porteur·ses de l'action peuvent en rendre compte."))
    if not text.strip():
        raise CircleError(_("Le compte rendu est vide."), field="text")
    with transaction.atomic():
        report = ActionReport.objects.create(action=action, author=by, text=text.strip())
        notify(
            users=[row.user for row in current_members(circle=circle)],
            topic="circles.action_report",
            title=_("Compte rendu sur l'action « %(action)s »") % {"action": action.title},
            body=report.text[:500],
            url=reverse("circles:action-detail", kwargs={"slug": circle.slug, "pk": action.pk}),
            email=False,
            exclude=by,
        )
        return report
