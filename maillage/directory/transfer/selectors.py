"""Reads of imports, and the permission checkpoints every transfer view goes through."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator, networks_coordinated_by
from maillage.places.models import ImportProfile, ImportRun

AnyUser = User | AnonymousUser


def import_networks(*, user: AnyUser) -> QuerySet[Network]:
    """The networks this person may import places into (all, for an admin), by name."""
    return networks_coordinated_by(user=user).order_by("name")


def import_profiles(*, user: AnyUser) -> QuerySet[ImportProfile]:
    """The column profiles of the networks this person may import into."""
    return ImportProfile.objects.filter(network__in=import_networks(user=user)).select_related(
        "network"
    )


def can_import(*, user: AnyUser) -> bool:
    """Whether this person may use imports at all: an admin, or a coordinator of a network."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or import_networks(user=user).exists()


def require_importer(*, user: AnyUser) -> None:
    """Raise PermissionDenied unless the person may import."""
    if not can_import(user=user):
        raise PermissionDenied(
            _(
                "L'import de lieux est réservé aux personnes qui coordonnent un réseau : "
                "elles importent les fiches de tous les lieux du réseau d'un coup. Pour mettre "
                "à jour la fiche de votre lieu, modifiez-la depuis sa page ; pour un import, "
                "demandez à la coordination de votre réseau."
            )
        )


def can_view_run(*, user: AnyUser, run: ImportRun) -> bool:
    """An admin, the person who uploaded it, or a coordinator of its network."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or run.created_by_id == user.pk:
        return True
    return run.network is not None and is_coordinator(user=user, network=run.network)


def get_run_for_importer(*, user: AnyUser, pk: int) -> ImportRun:
    """Return an import run; Http404 if unknown, PermissionDenied if not this person's to see."""
    run = get_object_or_404(ImportRun.objects.select_related("network", "created_by"), pk=pk)
    if not can_view_run(user=user, run=run):
        raise PermissionDenied
    return run


def recent_runs(*, user: AnyUser, limit: int = 20) -> list[ImportRun]:
    """The latest imports this person may see."""
    runs = ImportRun.objects.select_related("network", "created_by").defer("report")
    if not user.is_superuser:
        networks = list(import_networks(user=user).values_list("pk", flat=True))

        runs = runs.filter(Q(created_by=user) | Q(network_id__in=networks))
    return list(runs.order_by("-created_at")[:limit])


def profile_by_name(*, network: Network, name: str) -> ImportProfile | None:
    return ImportProfile.objects.filter(network=network, name=name).first()


def report_rows(*, run: ImportRun, outcome: str = "") -> list[dict[str, Any]]:
    """The report's rows, optionally only those with one outcome."""
    rows = run.report or []
    if outcome:
        rows = [row for row in rows if row.get("outcome") == outcome]
    return rows
