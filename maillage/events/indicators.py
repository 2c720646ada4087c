"""The events' contribution to the observatory: sessions held and attendance.

Events count for a scope when a network or circle of the scope owns them, or one of its places.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.events.models import Event, Occurrence, Registration
from maillage.observatory.registry import Period, Row, Scope, indicator

SCOPES = ("network", "circle", "department", "region", "epci")


def _occurrences(scope: Scope, period: Period) -> QuerySet[Occurrence]:
    owned = Q(event__place_id__in=scope.place_ids)
    if scope.kind == "network":
        owned |= Q(event__network_id=scope.network_id) | Q(
            event__circle__network_id=scope.network_id
        )
    elif scope.kind == "circle":
        owned |= Q(event__circle_id=scope.circle_id)
    return Occurrence.objects.filter(
        owned,
        event__status=Event.Status.PUBLISHED,
        cancelled=False,
        starts_at__gte=period.start_moment,
        starts_at__lt=period.end_moment,
    )


@indicator(
    key="events.sessions",
    label=_("Animations"),
    description=_("Séances d'animations publiées et tenues pendant le mois (hors annulées)."),
    scopes=SCOPES,
    history=True,
)
def sessions(scope: Scope, period: Period) -> list[Row]:
    occurrences = _occurrences(scope, period)
    return [
        (_("Séances"), occurrences.count()),
        (_("Animations différentes"), occurrences.values("event_id").distinct().count()),
    ]


@indicator(
    key="events.attendance",
    label=_("Participation aux animations"),
    description=_(
        "Inscriptions confirmées aux séances du mois, et présences constatées par les "
        "organisateurs. De 1 à 4, le chiffre est masqué (« < 5 »)."
    ),
    people=True,
    scopes=SCOPES,
    history=True,
)
def attendance(scope: Scope, period: Period) -> list[Row]:
    registrations = Registration.objects.filter(
        occurrence__in=_occurrences(scope, period), status=Registration.Status.CONFIRMED
    )
    return [
        (_("Inscrits"), registrations.count()),
        (_("Présents"), registrations.filter(attended=True).count()),
    ]
