"""What the coordination of the soucieux·ses and the tours' logbooks hold about a person, for
their download and their account's deletion.

An agreement with the network is an accounting record: it stays, naming the person "compte
supprimé" once the account is deleted. A person's onboarding ticks go with their account; their
logbook notes stay in the tour's story without their name (`User.public_name`).
"""

from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.accounts.personal_data import Rows, Section, register
from maillage.communication.models import AgendaPoint, Agreement, LogbookEntry, OnboardingCheck


def _logbook(user: User) -> Rows:
    entries = LogbookEntry.objects.filter(written_by=user).select_related(
        "stop__event", "stop__place"
    )
    return [
        {
            "tour": entry.stop.event.title,
            "place": entry.stop.place.name,
            "text": entry.text,
            "photo": bool(entry.photo),
            "created_at": entry.created_at,
        }
        for entry in entries.order_by("created_at")
    ]


def _points(user: User) -> Rows:
    points = AgendaPoint.objects.filter(proposed_by=user).select_related("circle")
    return [
        {
            "circle": point.circle.name,
            "title": point.title,
            "details": point.details,
            "status": point.get_status_display(),
            "created_at": point.created_at,
        }
        for point in points.order_by("created_at")
    ]


def _onboarding(user: User) -> Rows:
    checks = OnboardingCheck.objects.filter(person=user).select_related("item__group__network")
    return [
        {
            "network": check.item.group.network.name,
            "step": check.item.label,
            "checked_at": check.checked_at,
        }
        for check in checks.order_by("checked_at")
    ]


def _erase_onboarding(user: User) -> None:
    OnboardingCheck.objects.filter(person=user).delete()


def _agreements(user: User) -> Rows:
    agreements = Agreement.objects.filter(person=user).select_related("group__network", "circle")
    return [
        {
            "network": agreement.group.network.name,
            "circle": agreement.circle.name if agreement.circle else "",
            "amount_cents": agreement.amount_cents,
            "funding_source": agreement.get_funding_source_display(),
            "funder": agreement.funder,
            "starts_on": agreement.starts_on,
            "ends_on": agreement.ends_on,
        }
        for agreement in agreements.order_by("starts_on")
    ]


def register_sections() -> None:
    register(Section("carnets_de_route", _("Notes de carnets de route"), export=_logbook))
    register(Section("points_coordination", _("Points apportés à la coordination"), export=_points))
    register(
        Section(
            "accueil_soucieux",
            _("Liste d'accueil des soucieux·ses"),
            export=_onboarding,
            erase=_erase_onboarding,
        )
    )
    register(Section("conventions", _("Conventions avec le réseau"), export=_agreements))
