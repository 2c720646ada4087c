"""Volunteer time: hours logged by people, validated by a coordinator or a soucieux·se, valued
at the network's hourly rate of the year, totalled as contributions volontaires en nature
(accounts 86 — emplois, 87 — contributions: 864 personnel bénévole / 875 bénévolat)."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.governance.models import Activity, VolunteerEntry, VolunteerRate
from maillage.governance.selectors import can_validate_volunteering, is_member, is_treasurer
from maillage.lib.inputs import UNSET, Input
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network

# SMIC horaire brut on 1 January 2026 (12,02 €) with the employer's charges at the rate the
# associations' valuation guides use (about 42 %): 17,07 € an hour. Each network sets its own.
SMIC_HOURLY_CENTS = 1202
EMPLOYER_CHARGES_RATE = 0.42
DEFAULT_HOURLY_CENTS = round(SMIC_HOURLY_CENTS * (1 + EMPLOYER_CHARGES_RATE))
MINUTES_A_DAY = 24 * 60


class VolunteeringError(Refusal):
    """A rule of volunteer time refused the request; nothing changed."""


class NotAllowed(VolunteeringError):
    status = 403


@dataclass(frozen=True, kw_only=True)
class EntryData(Input):
    network: Network = UNSET  # type: ignore[assignment]
    activity: str = UNSET  # type: ignore[assignment]
    label: str = UNSET  # type: ignore[assignment]
    day: datetime.date = UNSET  # type: ignore[assignment]
    minutes: int = UNSET  # type: ignore[assignment]
    note: str = UNSET  # type: ignore[assignment]


def log_hours(*, by: User, data: EntryData) -> VolunteerEntry:
    """Log hours for oneself. Refused: not a member, a day in the future, nothing or more than
    24 hours in a day (counting what is already logged that day)."""
    network = data.network
    if not is_member(user=by, network=network):
        raise NotAllowed(_("Seul·es les membres du réseau déclarent du bénévolat pour lui."))
    if data.activity not in Activity.values:
        raise VolunteeringError(_("Choisissez une activité de la liste."), field="activity")
    label = (data.label or "").strip()
    if not label:
        raise VolunteeringError(_("Dites pour quoi (le cercle, l'événement…)."), field="label")
    day = data.day
    if day > timezone.localdate():
        raise VolunteeringError(
            _("On ne déclare pas des heures à venir : revenez le %(d)s.")
            % {"d": day.strftime("%d/%m/%Y")},
            field="day",
        )
    minutes = data.minutes
    if not isinstance(minutes, int) or minutes <= 0:
        raise VolunteeringError(_("Indiquez une durée positive."), field="hours")
    with transaction.atomic():
        # Serialise one person's declarations so two at once cannot pass 24 hours together.
        User.objects.select_for_update().filter(pk=by.pk).first()
        already = (
            VolunteerEntry.objects.filter(person=by, day=day)
            .exclude(status=VolunteerEntry.Status.REFUSED)
            .aggregate(t=Sum("minutes"))["t"]
            or 0
        )
        if already + minutes > MINUTES_A_DAY:
            raise VolunteeringError(
                _("Une journée n'a que 24 heures : %(h)s h déjà déclarées le %(d)s.")
                % {"h": f"{already / 60:g}", "d": day.strftime("%d/%m/%Y")},
                field="hours",
            )
        return VolunteerEntry.objects.create(
            network=network,
            person=by,
            activity=data.activity,
            label=label[:200],
            day=day,
            minutes=minutes,
            note=(data.note or "").strip(),
        )


def review_entry(
    *, by: User, entry: VolunteerEntry, validate: bool, note: str = ""
) -> VolunteerEntry:
    """Validate or refuse hours (never one's own); refuse needs a reason."""
    if not can_validate_volunteering(user=by, network=entry.network):
        raise NotAllowed(_("Seul·es la coordination et les soucieux·ses valident les heures."))
    if entry.person_id == by.pk:
        raise NotAllowed(_("On ne valide pas ses propres heures."))
    if not validate and not note.strip():
        raise VolunteeringError(_("Dites pourquoi ces heures sont refusées."), field="note")
    with transaction.atomic():
        locked = VolunteerEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != VolunteerEntry.Status.PENDING:
            raise VolunteeringError(_("Ces heures ont déjà été examinées."))
        locked.status = (
            VolunteerEntry.Status.VALIDATED if validate else VolunteerEntry.Status.REFUSED
        )
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.review_note = note.strip()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return locked


def rate_for(*, network: Network, year: int) -> int:
    """The hourly value (cents) of the year: the network's, else the default (SMIC + charges)."""
    rate = VolunteerRate.objects.filter(network=network, year=year).first()
    return rate.hourly_cents if rate else DEFAULT_HOURLY_CENTS


def set_rate(
    *, by: User, network: Network, year: int, hourly_cents: int, basis: str = ""
) -> VolunteerRate:
    if not is_treasurer(user=by, network=network):
        raise NotAllowed(_("Seule la trésorerie ou la coordination fixe la valorisation."))
    if hourly_cents <= 0:
        raise VolunteeringError(_("La valeur d'une heure doit être positive."), field="hourly")
    rate, _created = VolunteerRate.objects.update_or_create(
        network=network, year=year, defaults={"hourly_cents": hourly_cents, "basis": basis[:250]}
    )
    return rate


@dataclass(frozen=True)
class YearTotal:
    year: int
    minutes: int
    hourly_cents: int
    people: int

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def value_cents(self) -> int:
        return round(self.minutes * self.hourly_cents / 60)


def totals_by_year(*, network: Network) -> list[YearTotal]:
    """Validated hours per year with their value (contributions volontaires en nature)."""
    rows: dict[int, tuple[int, set[int]]] = {}
    for day, minutes, person in VolunteerEntry.objects.filter(
        network=network, status=VolunteerEntry.Status.VALIDATED
    ).values_list("day", "minutes", "person_id"):
        total, people = rows.setdefault(day.year, (0, set()))
        people.add(person)
        rows[day.year] = (total + minutes, people)
    return [
        YearTotal(year, total, rate_for(network=network, year=year), len(people))
        for year, (total, people) in sorted(rows.items())
    ]


def by_activity(*, network: Network, year: int) -> list[tuple[str, int]]:
    labels = dict(Activity.choices)
    rows = (
        VolunteerEntry.objects.filter(
            network=network, status=VolunteerEntry.Status.VALIDATED, day__year=year
        )
        .values_list("activity")
        .annotate(t=Sum("minutes"))
        .order_by("activity")
    )
    return [(str(labels.get(a, a)), t) for a, t in rows]


@dataclass(frozen=True)
class Certificate:
    person: User
    network: Network
    year: int
    entries: list[VolunteerEntry]
    minutes: int


def certificate(*, person: User, network: Network, year: int) -> Certificate:
    entries = list(
        VolunteerEntry.objects.filter(
            person=person, network=network, day__year=year, status=VolunteerEntry.Status.VALIDATED
        ).order_by("day")
    )
    return Certificate(person, network, year, entries, sum(e.minutes for e in entries))
