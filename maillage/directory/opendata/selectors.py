"""Reads behind the open data pages and downloads: which places, how many, under which licence."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.networks.models import MembershipStatus, Network, OpenDataLicence
from maillage.places.models import Equipment, Place, Space

# The whole directory gathers places of networks under either licence. Data under the Licence
# Ouverte may be redistributed under the ODbL (Etalab lists the two as compatible), not the
# reverse, so the whole directory is published under the ODbL.
DIRECTORY_LICENCE = OpenDataLicence.ODBL
LICENCE_URLS = {
    OpenDataLicence.ETALAB: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    OpenDataLicence.ODBL: "https://opendatacommons.org/licenses/odbl/1-0/",
}
LICENCE_SHORT_NAMES = {
    OpenDataLicence.ETALAB: _("Licence Ouverte 2.0"),
    OpenDataLicence.ODBL: _("ODbL 1.0"),
}


def _published_with_details(places: QuerySet[Place]) -> QuerySet[Place]:
    return (
        places.filter(is_published=True)
        .select_related("commune")
        .prefetch_related("spaces", "equipment")
        .order_by("name", "pk")
    )


def export_places(*, network: Network | None = None) -> QuerySet[Place]:
    """The published places to export: the whole directory, or one network's accepted members.

    Commune joined, spaces and equipment prefetched: three queries per chunk of places when
    iterated with `.iterator(chunk_size=…)`.
    """
    places = Place.objects.all()
    if network is not None:
        places = places.filter(
            pk__in=network.memberships.filter(status=MembershipStatus.ACCEPTED).values("place_id")
        )
    return _published_with_details(places)


@dataclass(frozen=True)
class ExportSummary:
    places: int
    spaces: int
    equipment: int
    updated_at: datetime | None


def export_summary(*, network: Network | None = None) -> ExportSummary:
    """Counts of what the export of the network (or of the whole directory) holds, and its date."""
    places = export_places(network=network).order_by()
    totals = places.aggregate(count=Count("pk"), updated_at=Max("updated_at"))
    return ExportSummary(
        places=totals["count"],
        spaces=Space.objects.filter(place__in=places.values("pk")).count(),
        equipment=Equipment.objects.filter(place__in=places.values("pk")).count(),
        updated_at=totals["updated_at"],
    )


def open_data_networks() -> QuerySet[Network]:
    """Every network with its number of published member places, by name."""
    return Network.objects.annotate(
        place_count=Count(
            "memberships",
            filter=Q(
                memberships__status=MembershipStatus.ACCEPTED,
                memberships__place__is_published=True,
            ),
        )
    ).order_by("name")
