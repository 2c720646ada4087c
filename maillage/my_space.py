"""Mon espace: what a person has to do and every page of their roles, gathered from the
features' selectors (this module sits above the features, like the home page's view).

The profile view (people) stays below the features: its template asks for this through the
`{% my_space %}` tag, as the place page asks networks for its memberships.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.models import User
from maillage.circles.selectors import expenses_to_review, roles_of_person
from maillage.commons.campaign_selectors import campaign_tasks
from maillage.communication.selectors import visits_to_log
from maillage.events.registration import Status as RegistrationStatus
from maillage.events.registration import occurrence_path, registrations_of
from maillage.governance.selectors import (
    calls_for_person,
    entries_to_validate,
    networks_treasured_by,
)
from maillage.mobility.selectors import (
    bookings_to_accept,
    passes_of,
    upcoming_bookings_of,
    visits_to_check_in,
)
from maillage.networks.selectors import by_level, networks_coordinated_by, pending_applications
from maillage.notifications.selectors import unread_count
from maillage.opportunities.selectors import invitation_tasks
from maillage.places.selectors import places_managed_by
from maillage.services.selectors import work_of

REGISTRATIONS_SHOWN = 5
STEWARD = "steward"  # circles.models.CircleRole.STEWARD, whose models a feature may not import


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass
class Task:
    label: str
    url: str


@dataclass
class Tools:
    """A place, network or circle of the person with the links to its pages."""

    obj: Any
    links: list[Link] = field(default_factory=list)
    note: str = ""


@dataclass
class MySpace:
    tasks: list[Task]
    bookings: list[Any]
    passes: list[Any]
    registrations: list[Any]
    places: list[Tools]
    networks: list[Tools]
    circles: list[Tools]


def last_month(today: datetime.date) -> datetime.date:
    """The first day of the month before `today`'s: the month to close and to look back on."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def place_tools(place: Any) -> Tools:
    slug = place.slug
    return Tools(
        obj=place,
        links=[
            Link(_("Sa page"), place.get_absolute_url()),
            Link(_("Modifier la fiche"), reverse("places:place-edit", args=[slug])),
            Link(_("Ajouter un espace"), reverse("places:space-create", args=[slug])),
            Link(_("Ajouter un équipement"), reverse("places:equipment-create", args=[slug])),
            Link(_("Ajouter une photo"), reverse("places:photo-add", args=[slug])),
            Link(_("Gestionnaires"), reverse("places:place-managers", args=[slug])),
            Link(_("Offre d'accueil (mobilité)"), reverse("mobility:offer-edit", args=[slug])),
            Link(_("Accueil du jour et relevés"), reverse("mobility:host-day", args=[slug])),
            Link(_("Importer son calendrier"), reverse("events:feed-sources", args=[slug])),
            Link(
                _("Permanences d'animation"),
                reverse("communication:place-permanences", args=[slug]),
            ),
            Link(_("Cotisations"), reverse("governance:my-fees")),
            Link(
                _("Appels à projets pour ce lieu"),
                reverse("opportunities:place-calls", args=[slug]),
            ),
            Link(_("Besoins prioritaires"), reverse("commons:place-needs", args=[slug])),
        ],
    )


def network_tools(network: Any, month: datetime.date) -> Tools:
    slug = network.slug
    ym = [slug, month.year, month.month]
    return Tools(
        obj=network,
        links=[
            Link(_("Sa page"), network.get_absolute_url()),
            Link(_("Modifier"), reverse("networks:network-edit", args=[slug])),
            Link(_("Adhésions et candidatures"), reverse("networks:membership-list", args=[slug])),
            Link(_("Rôles"), reverse("networks:network-roles", args=[slug])),
            Link(_("Territoire"), reverse("networks:network-territory", args=[slug])),
            Link(_("Cercles"), reverse("circles:network-circles", args=[slug])),
            Link(_("Accompagnement : tableau de bord"), reverse("services:dashboard", args=[slug])),
            Link(_("Formules de mobilité"), reverse("mobility:scheme-list", args=[slug])),
            Link(_("Flux du mois dernier"), reverse("mobility:flows", args=ym)),
            Link(_("Clôture du mois dernier"), reverse("mobility:close-month", args=ym)),
            Link(_("Simulateur"), reverse("mobility:simulator", args=[slug])),
            Link(_("Fraîcheur des fiches"), reverse("freshness:network-dashboard", args=[slug])),
            Link(_("Données ouvertes"), reverse("opendata:network", args=[slug])),
            Link(_("Carte à intégrer"), reverse("search:embed-code", args=[slug])),
            Link(_("Observatoire"), reverse("observatory:scope", args=["reseau", slug])),
            Link(
                _("Couverture et zones blanches"),
                reverse("observatory:coverage", args=["reseau", slug]),
            ),
            Link(
                _("Permanences d'animation"),
                reverse("communication:network-permanences", args=[slug]),
            ),
            Link(_("Trésorerie"), reverse("governance:treasury", args=[slug])),
            Link(_("Réunions de gouvernance"), reverse("governance:meeting-list", args=[slug])),
            Link(_("Économie du réseau"), reverse("governance:economy", args=[slug])),
            Link(_("Appels : tableau de bord"), reverse("opportunities:dashboard")),
        ],
    )


def circle_tools(mine: Any) -> Tools:
    circle = mine.circle
    slug = circle.slug
    current = mine.current
    links = [Link(_("Sa page"), reverse("circles:circle-detail", args=[slug]))]
    if current:
        links += [
            Link(_("Personnes"), reverse("circles:circle-people", args=[slug])),
            Link(_("Budget"), reverse("circles:budget", args=[slug])),
            Link(_("Réunions"), reverse("circles:meeting-list", args=[slug])),
            Link(_("Transparence"), reverse("circles:transparency", args=[slug])),
        ]
        if current.member.role == STEWARD:  # the queue of expenses is the soucieux·ses'
            links.insert(
                3, Link(_("Dépenses à valider"), reverse("circles:expense-list", args=[slug]))
            )
    return Tools(
        obj=circle,
        note=current.member.get_role_display() if current else _("Ancien rôle"),
        links=links,
    )


def _tasks(
    *,
    coordinated: Any,
    unread: int,
    to_accept: list[Any],
    to_check_in: list[Any],
    expenses: list[Any],
) -> list[Task]:
    tasks = []
    if unread:
        tasks.append(
            Task(
                ngettext("%(n)d notification non lue", "%(n)d notifications non lues", unread)
                % {"n": unread},
                reverse("notifications:list"),
            )
        )
    for network in pending_applications(networks=coordinated):
        count = network.pending_count  # type: ignore[attr-defined]
        tasks.append(
            Task(
                ngettext(
                    "%(n)d candidature à examiner — %(network)s",
                    "%(n)d candidatures à examiner — %(network)s",
                    count,
                )
                % {"n": count, "network": network.name},
                reverse("networks:membership-list", args=[network.slug]),
            )
        )
    for booking in to_accept:
        place = booking.offer.place
        tasks.append(
            Task(
                _("Réservation à accepter — %(place)s, %(day)s")
                % {"place": place.name, "day": date_format(booking.day, "SHORT_DATE_FORMAT")},
                reverse("mobility:host-day", args=[place.slug]) + f"?day={booking.day.isoformat()}",
            )
        )
    for place in to_check_in:
        count = place.to_check_in
        tasks.append(
            Task(
                ngettext(
                    "%(n)d visite à pointer aujourd'hui — %(place)s",
                    "%(n)d visites à pointer aujourd'hui — %(place)s",
                    count,
                )
                % {"n": count, "place": place.name},
                reverse("mobility:host-day", args=[place.slug]),
            )
        )
    for expense in expenses:
        circle = expense.proposal.circle
        tasks.append(
            Task(
                _("Dépense à valider — %(circle)s") % {"circle": circle.name},
                reverse("circles:expense-detail", args=[circle.slug, expense.pk]),
            )
        )
    return tasks


def permanence_tasks(*, user: User, today: datetime.date) -> list[Task]:
    """The facilitator's permanences of the last weeks whose visit is not logged yet."""
    return [
        Task(
            _("Visite à consigner — %(place)s, %(day)s")
            % {"place": p.place.name, "day": date_format(p.date, "SHORT_DATE_FORMAT")},
            reverse("communication:permanence-detail", args=[p.pk]),
        )
        for p in visits_to_log(user=user, today=today)
    ]


def _governance_tasks(*, user: User, coordinated: Any) -> list[Task]:
    """Fees to pay, hours to validate, and the treasury of networks one keeps without
    coordinating them."""
    tasks = []
    for call in calls_for_person(user=user).exclude(status__in=["paid", "refunded"]):
        tasks.append(
            Task(
                _("Cotisation %(year)s à régler — %(payer)s")
                % {"year": call.schedule.year, "payer": call.payer_name},
                reverse("governance:call-detail", args=[call.pk]),
            )
        )
    hours = entries_to_validate(user=user).count()
    if hours:
        tasks.append(
            Task(
                ngettext(
                    "%(n)d déclaration de bénévolat à valider",
                    "%(n)d déclarations de bénévolat à valider",
                    hours,
                )
                % {"n": hours},
                reverse("governance:volunteering-review"),
            )
        )
    for network in networks_treasured_by(user=user).exclude(pk__in=coordinated.values("pk")):
        tasks.append(
            Task(
                _("Trésorerie — %(network)s") % {"network": network.name},
                reverse("governance:treasury", args=[network.slug]),
            )
        )
    return tasks


def my_space(*, user: User) -> MySpace:
    """Everything Mon espace shows for this person."""
    today = timezone.localdate()
    coordinated = by_level(networks_coordinated_by(user=user))
    places = list(places_managed_by(user=user))
    registrations = [
        r
        for r in registrations_of(user=user).filter(occurrence__ends_at__gte=timezone.now())
        if r.status != RegistrationStatus.CANCELLED
    ][:REGISTRATIONS_SHOWN]
    for registration in registrations:
        registration.path = occurrence_path(registration.occurrence)  # type: ignore[attr-defined]
    month = last_month(today)
    return MySpace(
        tasks=_tasks(
            coordinated=coordinated,
            unread=unread_count(user=user),
            to_accept=bookings_to_accept(user=user),
            to_check_in=visits_to_check_in(user=user),
            expenses=expenses_to_review(user=user),
        )
        + permanence_tasks(user=user, today=today)
        + _governance_tasks(user=user, coordinated=coordinated)
        + [Task(label, url) for label, url in campaign_tasks(user=user)]
        + [Task(label, url) for label, url in work_of(user=user)]
        + [Task(label, url) for label, url in invitation_tasks(user=user)],
        bookings=upcoming_bookings_of(user=user),
        passes=passes_of(user=user),
        registrations=registrations,
        places=[place_tools(place) for place in places],
        networks=[network_tools(network, month) for network in coordinated],
        circles=[circle_tools(mine) for mine in roles_of_person(user=user)],
    )
