"""Reads of the permanences and who may do what with them.

- A rota, its slots and its permanences are public once planned (a place's page says when the
  facilitator comes); requested, declined and cancelled ones are seen by whom they concern.
- Coordinators of the rota's network (or of an ancestor) manage rotas, confirm requests and
  charge the shared cost.
- The facilitator (and a stand-in, for the permanences they take) keeps the visit log; the
  log is read by them and the coordinators.
- A place's managers request, decline and swap the permanences of their place, and record
  its closures.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from maillage.accounts.models import User
from maillage.communication.models import Closure, Permanence, Rota, Swap, Weekday
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator, member_places, networks_coordinated_by
from maillage.places.models import Place, PlaceRole
from maillage.places.selectors import can_edit_place

AnyUser = User | AnonymousUser

LIVE = [Permanence.Status.PLANNED]


def can_manage_rota(*, user: AnyUser, rota: Rota) -> bool:
    return is_coordinator(user=user, network=rota.network)


def can_manage_rotas_of(*, user: AnyUser, network: Network) -> bool:
    return is_coordinator(user=user, network=network)


def is_facilitator_of(*, user: AnyUser, permanence: Permanence) -> bool:
    """Who comes to this permanence (the facilitator or their stand-in)."""
    if not user.is_authenticated:
        return False
    return user.pk in (permanence.facilitator_id, permanence.rota.facilitator_id)


def can_log_visit(*, user: AnyUser, permanence: Permanence) -> bool:
    return is_facilitator_of(user=user, permanence=permanence) or (
        user.is_authenticated and user.is_superuser
    )


def can_read_visit(*, user: AnyUser, permanence: Permanence) -> bool:
    return can_log_visit(user=user, permanence=permanence) or can_manage_rota(
        user=user, rota=permanence.rota
    )


def manages_place(*, user: AnyUser, place: Place) -> bool:
    return can_edit_place(user=user, place=place)


def rotas_of_network(*, network: Network) -> QuerySet[Rota]:
    return Rota.objects.filter(network=network).select_related("facilitator")


def rotas_run_by(*, user: AnyUser) -> QuerySet[Rota]:
    """The rotas a person manages (coordinator) or facilitates."""
    if not user.is_authenticated:
        return Rota.objects.none()
    coordinated = networks_coordinated_by(user=user).values("pk")
    return (
        Rota.objects.filter(Q(network_id__in=coordinated) | Q(facilitator=user))
        .select_related("network", "facilitator")
        .distinct()
    )


def get_rota(*, pk: int) -> Rota:
    return get_object_or_404(Rota.objects.select_related("network", "facilitator"), pk=pk)


def get_rota_for_manager(*, user: AnyUser, pk: int) -> Rota:
    rota = get_rota(pk=pk)
    if not can_manage_rota(user=user, rota=rota):
        raise PermissionDenied
    return rota


def rota_places(*, rota: Rota) -> list[Place]:
    """The places of a rota's slots, by name."""
    ids = rota.slots.values("place_id")
    return list(Place.objects.filter(pk__in=ids).order_by("name"))


def candidate_places(*, network: Network) -> list[Place]:
    """The places a rota of the network may visit: its accepted members."""
    return member_places(network=network)


def _permanences() -> QuerySet[Permanence]:
    return Permanence.objects.select_related(
        "place", "facilitator", "stands_in_for", "rota", "rota__network"
    )


def get_permanence(*, pk: int) -> Permanence:
    return get_object_or_404(_permanences(), pk=pk)


def get_permanence_for_facilitator(*, user: AnyUser, pk: int) -> Permanence:
    permanence = get_permanence(pk=pk)
    if not can_log_visit(user=user, permanence=permanence):
        raise PermissionDenied
    return permanence


def get_permanence_for_reader(*, user: AnyUser, pk: int) -> Permanence:
    permanence = get_permanence(pk=pk)
    if permanence.status == Permanence.Status.PLANNED:
        return permanence
    if (
        can_manage_rota(user=user, rota=permanence.rota)
        or is_facilitator_of(user=user, permanence=permanence)
        or manages_place(user=user, place=permanence.place)
    ):
        return permanence
    raise PermissionDenied


def upcoming_for_place(
    *, place: Place, today: datetime.date | None = None, limit: int = 3
) -> list[Permanence]:
    today = today or timezone.localdate()
    return list(_permanences().filter(place=place, status__in=LIVE, date__gte=today)[:limit])


def upcoming_for_network(
    *, network: Network, today: datetime.date | None = None, days: int = 42
) -> list[Permanence]:
    today = today or timezone.localdate()
    return list(
        _permanences().filter(
            rota__network=network,
            status__in=LIVE,
            date__gte=today,
            date__lte=today + datetime.timedelta(days=days),
        )
    )


def permanences_of_rota(*, rota: Rota, since: datetime.date | None = None) -> list[Permanence]:
    queryset = _permanences().filter(rota=rota)
    if since is not None:
        queryset = queryset.filter(date__gte=since)
    return list(queryset)


def permanences_of_facilitator(
    *, user: AnyUser, since: datetime.date | None = None
) -> list[Permanence]:
    """The permanences a person comes to (their own or as a stand-in), with their log."""
    if not user.is_authenticated:
        return []
    queryset = _permanences().filter(facilitator=user, status__in=LIVE)
    if since is not None:
        queryset = queryset.filter(date__gte=since)
    return list(queryset.prefetch_related("visit__needs"))


def visits_to_log(*, user: AnyUser, today: datetime.date | None = None) -> list[Permanence]:
    """Past permanences of this facilitator (last 60 days) without a log yet."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    return list(
        _permanences().filter(
            facilitator=user,
            status__in=LIVE,
            date__lte=today,
            date__gte=today - datetime.timedelta(days=60),
            visit__isnull=True,
        )
    )


def places_managed_in_rotas(*, user: AnyUser) -> list[Place]:
    """The places this person manages that a rota visits."""
    if not user.is_authenticated:
        return []
    managed = PlaceRole.objects.filter(user=user, role=PlaceRole.Role.MANAGER).values("place_id")
    return list(
        Place.objects.filter(pk__in=managed)
        .filter(pk__in=Permanence.objects.values("place_id"))
        .order_by("name")
    )


def permanences_of_place(*, place: Place, since: datetime.date | None = None) -> list[Permanence]:
    queryset = _permanences().filter(place=place)
    if since is not None:
        queryset = queryset.filter(date__gte=since)
    return list(queryset)


def swap_targets(*, permanence: Permanence, today: datetime.date | None = None) -> list[Permanence]:
    """The permanences of other places in the same rota a place may ask to swap with."""
    today = today or timezone.localdate()
    return list(
        _permanences()
        .filter(rota=permanence.rota, status__in=LIVE, date__gt=today)
        .exclude(place=permanence.place)
    )


def pending_swaps_for(*, place: Place) -> QuerySet[Swap]:
    """Swaps other places ask of this place (it must consent)."""
    return Swap.objects.filter(wanted__place=place, status=Swap.Status.PENDING).select_related(
        "offered__place", "wanted__place", "asked_by"
    )


def swaps_asked_by(*, place: Place) -> QuerySet[Swap]:
    return Swap.objects.filter(offered__place=place).select_related(
        "offered__place", "wanted__place"
    )


def get_swap(*, pk: int) -> Swap:
    return get_object_or_404(
        Swap.objects.select_related("offered__place", "wanted__place", "offered__rota"), pk=pk
    )


def closures_of(*, place: Place) -> QuerySet[Closure]:
    return Closure.objects.filter(place=place)


def requests_to_confirm(*, rota: Rota) -> list[Permanence]:
    return list(_permanences().filter(rota=rota, status=Permanence.Status.REQUESTED))


def presence_sentence(permanence: Permanence) -> str:
    """ "l'animatrice est là jeudi 10 décembre (matin)" — the words a place page shows."""
    from django.utils.translation import gettext as _

    day = Weekday(permanence.date.weekday()).label
    return _("%(who)s est là %(day)s %(date)s (%(half)s)") % {
        "who": permanence.facilitator.public_name,
        "day": day,
        "date": permanence.date.strftime("%d/%m"),
        "half": permanence.get_half_display(),
    }
