"""The observatory's own indicators: the directory and the networks (layers below the features).

The features declare theirs in their own `indicators.py` (mobility, circles, events, commons).
"""

import datetime
from collections import Counter

from django.utils.translation import gettext_lazy as _

from maillage.networks.models import Membership, MembershipEvent, MembershipStatus, Network
from maillage.places.models import Place, PlaceRole, PlaceStatus, PlaceType

from . import scopes  # noqa: F401  (registers the network, département, région and EPCI scopes)
from .registry import COORDINATORS, Period, Row, Scope, indicator

ALL_SCOPES = ("network", "circle", "department", "region", "epci")
DEFAULT_STALE_AFTER_DAYS = 180


def _places(scope: Scope, period: Period):
    return Place.objects.filter(pk__in=scope.place_ids, created_at__lt=period.end_moment)


@indicator(
    key="places.by_type",
    label=_("Lieux par type"),
    description=_(
        "Lieux du périmètre existant à la fin du mois, par type déclaré (un lieu peut en "
        "avoir plusieurs ; sans type : « Non précisé »)."
    ),
    scopes=ALL_SCOPES,
    history=True,
)
def places_by_type(scope: Scope, period: Period) -> list[Row]:
    counts: Counter[str] = Counter()
    for types in _places(scope, period).values_list("types", flat=True):
        counts.update(types or ["_none"])
    labels = dict(PlaceType.choices)
    rows: list[Row] = [(labels[code], counts[code]) for code in labels if counts.get(code)]
    if counts.get("_none"):
        rows.append((_("Non précisé"), counts["_none"]))
    return rows


@indicator(
    key="places.by_status",
    label=_("Lieux par statut"),
    description=_("Lieux du périmètre par statut (en projet, ouvert, fermé), aujourd'hui."),
    scopes=ALL_SCOPES,
)
def places_by_status(scope: Scope, period: Period) -> list[Row]:
    counts = Counter(_places(scope, period).values_list("status", flat=True))
    return [(label, counts.get(code, 0)) for code, label in PlaceStatus.choices]


def _accepted_at(network_id: int, moment: datetime.datetime) -> dict[int, datetime.datetime]:
    """Membership id → when its last step before `moment` was made, for those then accepted."""
    last: dict[int, tuple[str, datetime.datetime]] = {}
    events = MembershipEvent.objects.filter(
        membership__network_id=network_id, at__lt=moment
    ).order_by("at", "pk")
    for membership_id, status, at in events.values_list("membership_id", "to_status", "at"):
        last[membership_id] = (status, at)
    # Memberships written without their history (older data): their decision date stands in.
    without_history = (
        Membership.objects.filter(network_id=network_id, status=MembershipStatus.ACCEPTED)
        .exclude(pk__in=list(last))
        .values_list("pk", "decided_at", "applied_at")
    )
    for pk, decided_at, applied_at in without_history:
        at = decided_at or applied_at
        if at is not None and at < moment:
            last[pk] = (MembershipStatus.ACCEPTED, at)
    return {pk: at for pk, (status, at) in last.items() if status == MembershipStatus.ACCEPTED}


@indicator(
    key="members.places",
    label=_("Lieux adhérents"),
    description=_(
        "Lieux dont l'adhésion était acceptée à la fin du mois (historique des adhésions)."
    ),
    scopes=("network",),
    history=True,
)
def member_places(scope: Scope, period: Period) -> list[Row]:
    assert scope.network_id is not None
    return [(_("Lieux adhérents"), len(_accepted_at(scope.network_id, period.end_moment)))]


@indicator(
    key="members.new",
    label=_("Nouvelles adhésions"),
    description=_("Adhésions acceptées pendant le mois."),
    scopes=("network",),
    history=True,
)
def new_members(scope: Scope, period: Period) -> list[Row]:
    assert scope.network_id is not None
    count = MembershipEvent.objects.filter(
        membership__network_id=scope.network_id,
        to_status=MembershipStatus.ACCEPTED,
        at__gte=period.start_moment,
        at__lt=period.end_moment,
    ).exclude(from_status=MembershipStatus.SUSPENDED)
    return [(_("Nouvelles adhésions"), count.count())]


@indicator(
    key="members.people",
    label=_("Personnes des lieux"),
    description=_(
        "Personnes rattachées aux lieux du périmètre (gestionnaires, membres), chacune comptée "
        "une fois. De 1 à 4, le chiffre est masqué (« < 5 »)."
    ),
    people=True,
    scopes=ALL_SCOPES,
    history=True,
)
def people(scope: Scope, period: Period) -> list[Row]:
    roles = PlaceRole.objects.filter(place_id__in=scope.place_ids, created_at__lt=period.end_moment)
    managers = roles.filter(role=PlaceRole.Role.MANAGER).values("user_id").distinct().count()
    members = (
        roles.filter(role=PlaceRole.Role.MEMBER)
        .exclude(user_id__in=roles.filter(role=PlaceRole.Role.MANAGER).values("user_id"))
        .values("user_id")
        .distinct()
        .count()
    )
    return [(_("Gestionnaires"), managers), (_("Membres (coworkers…)"), members)]


@indicator(
    key="directory.freshness",
    label=_("Fraîcheur des fiches"),
    description=_(
        "Fiches des lieux ouverts ou en projet confirmées dans le délai du réseau (180 jours par "
        "défaut), à la fin du mois."
    ),
    scopes=ALL_SCOPES,
    audience=COORDINATORS,
)
def freshness(scope: Scope, period: Period) -> list[Row]:
    days = DEFAULT_STALE_AFTER_DAYS
    if scope.network_id is not None:
        days = (
            Network.objects.filter(pk=scope.network_id)
            .values_list("stale_after_days", flat=True)
            .first()
            or days
        )
    limit = period.end_moment - datetime.timedelta(days=days)
    places = _places(scope, period).exclude(status=PlaceStatus.CLOSED)
    fresh = places.filter(last_confirmed_at__gte=limit, last_confirmed_at__lt=period.end_moment)
    fresh_count = fresh.count()
    return [(_("À jour"), fresh_count), (_("À revoir"), places.count() - fresh_count)]
