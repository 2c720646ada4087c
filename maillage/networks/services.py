"""Every write of the networks app: networks, their territory, roles of people, memberships of places."""

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.lib.inputs import UNSET, Input, _Unset
from maillage.lib.refusals import Refusal
from maillage.networks.models import (
    OPEN_STATUSES,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Network,
    NetworkRole,
)
from maillage.networks.selectors import (
    LEVEL_RANK,
    ancestor_ids,
    coordinators,
    is_coordinator,
)
from maillage.notifications.services import mark_handled, notify
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, place_managers
from maillage.territory.models import Commune, FormerCommuneCode

# Words used by fixed URLs under /reseaux/: no network may take them as its slug.
RESERVED_SLUGS = {"nouveau", "mes-adhesions"}


class NetworkError(Refusal):
    """A rule of the networks app refused the request; `message` says why, in the user's language."""


class NotAllowed(NetworkError):
    """The person has no right to do this."""


class InvalidHierarchy(NetworkError):
    """The parent would make a cycle, or the levels are not strictly decreasing."""

    field = "parent"


class UnknownTerritoryCodes(NetworkError):
    """Some codes of a territory match no commune, department or EPCI."""

    field = "codes"

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(
            _("Codes inconnus : %(codes)s. Le territoire n'a pas été modifié.")
            % {"codes": ", ".join(codes)}
        )


class UnknownPerson(NetworkError):
    field = "email"


class DuplicateRole(NetworkError):
    field = "role"


class LastCoordinator(NetworkError):
    """Removing this role would leave the network without a coordinator."""


class CharterNotAccepted(NetworkError):
    field = "accept_charter"


class MembershipAlreadyOpen(NetworkError):
    field = "place"


class ReasonRequired(NetworkError):
    field = "reason"


class InvalidTransition(NetworkError):
    """The membership's current status does not allow this step."""


# --- networks ---------------------------------------------------------------------------------


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200] or "reseau"
    slug, n = base, 2
    taken = Network.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_hierarchy(*, network: Network | None, parent: Network | None, level: str) -> None:
    """Refuse a parent that is the network itself or one of its descendants, and levels out of order."""
    if parent is not None:
        if network is not None and (
            parent.pk == network.pk or network.pk in ancestor_ids(network=parent)
        ):
            raise InvalidHierarchy(
                _("Un réseau ne peut pas être rattaché à lui-même ni à l'un de ses sous-réseaux.")
            )
        if LEVEL_RANK[level] >= LEVEL_RANK[parent.level]:
            raise InvalidHierarchy(
                _(
                    "Un réseau %(level)s ne peut pas faire partie d'un réseau %(parent_level)s : "
                    "l'échelon doit être plus local que celui du réseau parent."
                )
                % {
                    "level": Network.Level(level).label.lower(),
                    "parent_level": parent.get_level_display().lower(),
                },
                field="level",
            )
    if network is not None and network.pk is not None:
        for child in network.children.all():
            if LEVEL_RANK[child.level] >= LEVEL_RANK[level]:
                raise InvalidHierarchy(
                    _(
                        "Le sous-réseau « %(child)s » est %(child_level)s : l'échelon de ce réseau "
                        "doit rester au-dessus."
                    )
                    % {"child": child.name, "child_level": child.get_level_display().lower()},
                    field="level",
                )


def _check_may_attach(*, by: User, parent: Network | None) -> None:
    if parent is not None and not is_coordinator(user=by, network=parent):
        raise NotAllowed(
            _("Seul·e un·e coordinateur·rice de « %(parent)s » peut y rattacher un réseau.")
            % {"parent": parent.name},
            field="parent",
        )


@dataclass(frozen=True, kw_only=True)
class NetworkData(Input):
    """What the network form sets (UNSET: left as it is, or the model's default)."""

    name: str | _Unset = UNSET
    level: str | _Unset = UNSET
    parent: Network | _Unset | None = UNSET
    summary: str | _Unset = UNSET
    description: str | _Unset = UNSET
    charter: str | _Unset = UNSET
    email: str | _Unset = UNSET
    phone: str | _Unset = UNSET
    website: str | _Unset = UNSET
    transparency_people: str | _Unset = UNSET


def create_network(*, by: User, data: NetworkData) -> Network:
    """Create a network with its author as coordinator; raise NotAllowed or InvalidHierarchy.
    Its name and level are required."""
    if isinstance(data.name, _Unset) or isinstance(data.level, _Unset):
        raise TypeError("create_network() needs the network's name and level")
    parent = None if isinstance(data.parent, _Unset) else data.parent
    _check_may_attach(by=by, parent=parent)
    _check_hierarchy(network=None, parent=parent, level=data.level)
    with transaction.atomic():
        network = Network(slug=_unique_slug(data.name))
        data.assign_to(network)
        network.save()
        NetworkRole.objects.create(network=network, user=by, role=NetworkRole.Role.COORDINATOR)
    return network


def update_network(*, network: Network, by: User, data: NetworkData) -> Network:
    """Change a network's fields; raise NotAllowed or InvalidHierarchy and change nothing then."""
    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seul·e un·e coordinateur·rice peut modifier ce réseau."))
    changes = data.given()
    parent = changes.get("parent", network.parent)
    level = changes.get("level", network.level)
    if "parent" in changes and parent is not None and parent.pk != network.parent_id:
        _check_may_attach(by=by, parent=parent)
    _check_hierarchy(network=network, parent=parent, level=level)
    fields = [*changes, "updated_at"]
    if "charter" in changes and changes["charter"] != network.charter:
        network.charter_version += 1  # the memberships keep the version they accepted
        fields.append("charter_version")
    with transaction.atomic():
        data.assign_to(network)
        network.save(update_fields=fields)
    return network


@dataclass(frozen=True)
class TerritoryChange:
    commune_count: int


_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_DEPARTMENT = re.compile(r"^(\d{2}|2[AB]|97\d)$")
_EPCI = re.compile(r"^\d{9}$")


def parse_territory_codes(text: str) -> list[str]:
    """Split pasted codes on commas, semicolons and whitespace, upper-case, drop duplicates."""
    seen: dict[str, None] = {}
    for token in re.split(r"[\s,;]+", text.upper()):
        if token:
            seen.setdefault(token, None)
    return list(seen)


def set_territory(*, network: Network, by: User, codes_text: str) -> TerritoryChange:
    """Replace the network's communes by those the codes designate (INSEE, department or EPCI SIREN).

    Raise UnknownTerritoryCodes, listing every code that matches nothing, and change nothing then.
    """
    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seul·e un·e coordinateur·rice peut modifier ce territoire."))
    codes = parse_territory_codes(codes_text)
    insee = [c for c in codes if _INSEE.match(c)]
    departments = [c for c in codes if _DEPARTMENT.match(c)]
    epcis = [c for c in codes if _EPCI.match(c)]
    malformed = [c for c in codes if c not in {*insee, *departments, *epcis}]

    found_insee = set(
        Commune.objects.filter(code_insee__in=insee).values_list("code_insee", flat=True)
    )
    # An INSEE code that disappeared in a merger still designates today's commune.
    former = dict(
        FormerCommuneCode.objects.filter(old_code__in=set(insee) - found_insee).values_list(
            "old_code", "commune_id"
        )
    )
    found_departments = set(
        Commune.objects.filter(department_code__in=departments)
        .values_list("department_code", flat=True)
        .distinct()
    )
    found_epcis = set(
        Commune.objects.filter(epci_code__in=epcis).values_list("epci_code", flat=True).distinct()
    )
    unknown = [
        c
        for c in codes
        if c in malformed
        or (c in insee and c not in found_insee and c not in former)
        or (c in departments and c not in found_departments)
        or (c in epcis and c not in found_epcis)
    ]
    if unknown:
        raise UnknownTerritoryCodes(unknown)

    commune_ids = set(
        Commune.objects.filter(
            _any_of(
                code_insee__in=[*found_insee, *former.values()],
                department_code__in=found_departments,
                epci_code__in=found_epcis,
            )
        ).values_list("code_insee", flat=True)
    )
    with transaction.atomic():
        network.communes.set(commune_ids)
        network.save(update_fields=["updated_at"])
    return TerritoryChange(commune_count=len(commune_ids))


def _any_of(**lookups: object) -> Q:
    """OR together the lookups whose value is not empty (an empty `__in` would match nothing)."""
    query = Q(pk__in=[])
    for lookup, value in lookups.items():
        if value:
            query |= Q(**{lookup: value})
    return query


# --- roles ------------------------------------------------------------------------------------


def add_role(*, network: Network, by: User, email: str, role: str) -> NetworkRole:
    """Give a role in the network to the person with this e-mail; raise NotAllowed, UnknownPerson or DuplicateRole."""
    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seul·e un·e coordinateur·rice peut attribuer des rôles."))
    person = User.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise UnknownPerson(
            _("Aucun compte n'utilise l'adresse %(email)s : la personne doit d'abord s'inscrire.")
            % {"email": email.strip()}
        )
    try:
        with transaction.atomic():
            return NetworkRole.objects.create(network=network, user=person, role=role)
    except IntegrityError:
        raise DuplicateRole(
            _("%(person)s a déjà le rôle « %(role)s » dans ce réseau.")
            % {"person": person, "role": NetworkRole.Role(role).label}
        ) from None


def remove_role(*, role: NetworkRole, by: User) -> None:
    """Remove a role; raise NotAllowed, or LastCoordinator rather than leave the network without one."""
    network = role.network
    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seul·e un·e coordinateur·rice peut retirer des rôles."))
    with transaction.atomic():
        # Lock the network's coordinator rows: two coordinators removing each other at the same
        # time must not both succeed and leave the network with nobody to run it.
        coordinator_ids = list(
            NetworkRole.objects.select_for_update()
            .filter(network=network, role=NetworkRole.Role.COORDINATOR)
            .values_list("pk", flat=True)
        )
        if role.role == NetworkRole.Role.COORDINATOR and coordinator_ids == [role.pk]:
            raise LastCoordinator(
                _(
                    "%(person)s est le ou la dernière coordinatrice de ce réseau : "
                    "nommez quelqu'un d'autre avant de retirer ce rôle."
                )
                % {"person": role.user}
            )
        NetworkRole.objects.filter(pk=role.pk).delete()


# --- memberships ------------------------------------------------------------------------------


def apply_for_membership(
    *, place: Place, network: Network, by: User, accept_charter: bool, motivation: str = ""
) -> Membership:
    """Apply for the place to join the network, charter accepted.

    Raise NotAllowed (not a manager of the place), CharterNotAccepted or MembershipAlreadyOpen.
    """
    if not can_edit_place(user=by, place=place):
        raise NotAllowed(
            _("Seul·e un·e gestionnaire de « %(place)s » peut demander son adhésion.")
            % {"place": place.name},
            field="place",
        )
    if not accept_charter:
        raise CharterNotAccepted(_("Il faut accepter la charte du réseau pour adhérer."))
    already_open = MembershipAlreadyOpen(
        _("« %(place)s » a déjà une adhésion en cours avec ce réseau.") % {"place": place.name}
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            # Lock the place row: two managers applying at the same moment must not both pass
            # the check below (the partial unique constraint would then reject the second).
            Place.objects.select_for_update().filter(pk=place.pk).first()
            if Membership.objects.filter(
                place=place, network=network, status__in=OPEN_STATUSES
            ).exists():
                raise already_open
            membership = Membership.objects.create(
                network=network,
                place=place,
                status=MembershipStatus.APPLIED,
                motivation=motivation.strip(),
                applied_by=by,
                charter_accepted_at=now,
                charter_accepted_by=by,
                charter_text=network.charter,
                charter_version=network.charter_version,
            )
            MembershipEvent.objects.create(
                membership=membership,
                from_status="",
                to_status=MembershipStatus.APPLIED,
                by=by,
                note=motivation.strip(),
            )
            _notify_application(membership=membership, by=by)
    except IntegrityError:
        raise already_open from None
    return membership


def _application_key(membership: Membership) -> str:
    """The key of the coordinators' notifications of an application awaiting their decision."""
    return f"networks.membership-application:{membership.pk}"


def _coordinator_users(network: Network) -> list[User]:
    """Who decides on the network's applications: its coordinators, or, if it has none, those
    of its nearest ancestor that has some."""
    people = [role.user for role in coordinators(network=network)]
    if people:
        return people
    nearest_first = ancestor_ids(network=network)
    ancestors = Network.objects.in_bulk(nearest_first)
    for ancestor_id in nearest_first:
        people = [role.user for role in coordinators(network=ancestors[ancestor_id])]
        if people:
            return people
    return []


def _membership_url(membership: Membership) -> str:
    return reverse("networks:membership-detail", args=[membership.network.slug, membership.pk])


def _notify_application(*, membership: Membership, by: User) -> None:
    names = {"place": membership.place.name, "network": membership.network.name}
    motivation = membership.motivation
    notify(
        users=_coordinator_users(membership.network),
        topic="networks.membership",
        title=_("Demande d'adhésion : « %(place)s » souhaite rejoindre « %(network)s »") % names,
        body=_("Motivation : %(motivation)s") % {"motivation": motivation}
        if motivation
        else _("La demande attend votre décision."),
        url=_membership_url(membership),
        exclude=by,
        key=_application_key(membership),
    )


def _notify_decision(*, membership: Membership, by: User, note: str = "") -> None:
    """Tell the place's managers (and whoever applied) of the decision; the coordinators have
    nothing left to do about the application."""
    mark_handled(key=_application_key(membership))
    names = {"place": membership.place.name, "network": membership.network.name}
    if membership.status == MembershipStatus.ACCEPTED:
        title = _("Adhésion acceptée : « %(place)s » a rejoint « %(network)s »") % names
        body = note
    else:
        title = _("Adhésion refusée : « %(place)s » ne rejoint pas « %(network)s »") % names
        body = _("Motif : %(reason)s") % {"reason": membership.reason}
    notify(
        users=_place_people(membership),
        topic="networks.membership",
        title=title,
        body=body,
        url=_membership_url(membership),
        exclude=by,
    )


def _place_people(membership: Membership) -> list[User]:
    """Who speaks for the place in the network: its managers and whoever applied."""
    people = place_managers(place=membership.place)
    if membership.applied_by is not None:
        people.append(membership.applied_by)
    return people


def _notify_suspension(*, membership: Membership, by: User) -> None:
    names = {"place": membership.place.name, "network": membership.network.name}
    notify(
        users=_place_people(membership),
        topic="networks.membership",
        title=_("Adhésion suspendue : « %(place)s » dans « %(network)s »") % names,
        body=_("Motif : %(reason)s") % {"reason": membership.reason},
        url=_membership_url(membership),
        exclude=by,
    )


def _notify_reinstatement(*, membership: Membership, by: User) -> None:
    names = {"place": membership.place.name, "network": membership.network.name}
    notify(
        users=_place_people(membership),
        topic="networks.membership",
        title=_("Adhésion rétablie : « %(place)s » est de nouveau membre de « %(network)s »")
        % names,
        url=_membership_url(membership),
        exclude=by,
    )


def _notify_departure(*, membership: Membership, by: User) -> None:
    """The coordinators and the place's people all hear of it, except who did it."""
    names = {"place": membership.place.name, "network": membership.network.name}
    notify(
        users=[*_coordinator_users(membership.network), *_place_people(membership)],
        topic="networks.membership",
        title=_("Départ : « %(place)s » a quitté « %(network)s »") % names,
        body=_("Enregistré par %(who)s.") % {"who": by.public_name},
        url=_membership_url(membership),
        exclude=by,
    )


def _transition(
    *,
    membership: Membership,
    by: User,
    allowed_from: set[str],
    to: str,
    note: str = "",
    decides: bool = False,
    sets_reason: bool = False,
) -> Membership:
    with transaction.atomic():
        # Lock the membership row and read its status afresh: two coordinators clicking
        # "accept" and "refuse" at once must not both apply from the same old status.
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.status not in allowed_from:
            raise InvalidTransition(
                _(
                    "Impossible de passer à « %(to)s » : cette adhésion est actuellement "
                    "« %(current)s »."
                )
                % {"to": MembershipStatus(to).label, "current": locked.get_status_display()}
            )
        from_status = locked.status
        locked.status = to
        fields = ["status", "updated_at"]
        if decides:
            locked.decided_at = timezone.now()
            locked.decided_by = by
            fields += ["decided_at", "decided_by"]
        if sets_reason:
            locked.reason = note
            fields.append("reason")
        locked.save(update_fields=fields)
        MembershipEvent.objects.create(
            membership=locked, from_status=from_status, to_status=to, by=by, note=note
        )
    # Keep the caller's object in step with the database.
    for field in ("status", "decided_at", "decided_by_id", "reason", "updated_at"):
        setattr(membership, field, getattr(locked, field))
    return membership


def _require_coordinator(*, membership: Membership, by: User) -> None:
    if not is_coordinator(user=by, network=membership.network):
        raise NotAllowed(_("Seul·e un·e coordinateur·rice du réseau peut décider des adhésions."))


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(_("Indiquez le motif : le lieu le recevra avec la décision."))
    return reason


def start_review(*, membership: Membership, by: User, note: str = "") -> Membership:
    """Move an application into review; raise NotAllowed or InvalidTransition."""
    _require_coordinator(membership=membership, by=by)
    return _transition(
        membership=membership,
        by=by,
        allowed_from={MembershipStatus.APPLIED},
        to=MembershipStatus.IN_REVIEW,
        note=note.strip(),
    )


def accept_membership(*, membership: Membership, by: User, note: str = "") -> Membership:
    """Accept an application; raise NotAllowed or InvalidTransition."""
    _require_coordinator(membership=membership, by=by)
    with transaction.atomic():
        _transition(
            membership=membership,
            by=by,
            allowed_from={MembershipStatus.APPLIED, MembershipStatus.IN_REVIEW},
            to=MembershipStatus.ACCEPTED,
            note=note.strip(),
            decides=True,
        )
        _notify_decision(membership=membership, by=by, note=note.strip())
    return membership


def refuse_membership(*, membership: Membership, by: User, reason: str) -> Membership:
    """Refuse an application with a reason; raise NotAllowed, ReasonRequired or InvalidTransition."""
    _require_coordinator(membership=membership, by=by)
    reason = _require_reason(reason)
    with transaction.atomic():
        _transition(
            membership=membership,
            by=by,
            allowed_from={MembershipStatus.APPLIED, MembershipStatus.IN_REVIEW},
            to=MembershipStatus.REFUSED,
            note=reason,
            decides=True,
            sets_reason=True,
        )
        _notify_decision(membership=membership, by=by)
    return membership


def suspend_membership(*, membership: Membership, by: User, reason: str) -> Membership:
    """Suspend an accepted member with a reason; raise NotAllowed, ReasonRequired or InvalidTransition."""
    _require_coordinator(membership=membership, by=by)
    reason = _require_reason(reason)
    with transaction.atomic():
        _transition(
            membership=membership,
            by=by,
            allowed_from={MembershipStatus.ACCEPTED},
            to=MembershipStatus.SUSPENDED,
            note=reason,
            sets_reason=True,
        )
        _notify_suspension(membership=membership, by=by)
    return membership


def reinstate_membership(*, membership: Membership, by: User, note: str = "") -> Membership:
    """Lift a suspension; raise NotAllowed or InvalidTransition."""
    _require_coordinator(membership=membership, by=by)
    with transaction.atomic():
        _transition(
            membership=membership,
            by=by,
            allowed_from={MembershipStatus.SUSPENDED},
            to=MembershipStatus.ACCEPTED,
            note=note.strip(),
        )
        _notify_reinstatement(membership=membership, by=by)
    return membership


def leave_network(*, membership: Membership, by: User, note: str = "") -> Membership:
    """Record that the place left the network (by its manager or a coordinator); raise NotAllowed or InvalidTransition."""
    if not (
        can_edit_place(user=by, place=membership.place)
        or is_coordinator(user=by, network=membership.network)
    ):
        raise NotAllowed(
            _("Seul·e un·e gestionnaire du lieu ou un·e coordinateur·rice du réseau peut le faire.")
        )
    with transaction.atomic():
        _transition(
            membership=membership,
            by=by,
            allowed_from={MembershipStatus.ACCEPTED, MembershipStatus.SUSPENDED},
            to=MembershipStatus.LEFT,
            note=note.strip(),
        )
        _notify_departure(membership=membership, by=by)
    return membership


def accept_places_in_bulk(
    *, network: Network, place_ids: list[int], by: User | None, note: str
) -> list[Membership]:
    """Accept these places into the network at once, each with its history event (an import
    the network's coordinators apply: the file is the decision). Places already applying,
    member or suspended keep their membership. For thousands of places: bulk inserts, no
    per-place notification."""
    already = set(
        Membership.objects.filter(
            network=network, place_id__in=place_ids, status__in=OPEN_STATUSES
        ).values_list("place_id", flat=True)
    )
    now = timezone.now()
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                network=network,
                place_id=pk,
                status=MembershipStatus.ACCEPTED,
                applied_by=by,
                decided_at=now,
                decided_by=by,
            )
            for pk in dict.fromkeys(place_ids)
            if pk not in already
        ],
        batch_size=500,
    )
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(
                membership=membership,
                from_status="",
                to_status=MembershipStatus.ACCEPTED,
                by=by,
                note=note,
            )
            for membership in memberships
        ],
        batch_size=500,
    )
    return memberships
