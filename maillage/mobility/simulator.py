"""The scheme simulator: replay a period's visits under each model and see who would pay what.

The arithmetic is `booking.visit_amount`, the same function the ledger uses for real visits, fed
with terms typed in a form (or taken from one of the network's schemes) instead of a saved
version. Nothing is written: `simulate` is a pure function over a list of visits.

Who pays the host for one visit, per model:
- pass: the network pool pays the host the day (or half-day) rate;
- rétrocession: the member's home place pays the host its share of the member's fee per day;
- tarif préférentiel: the member pays the host the rate less the discount.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.lib.csvio import csv_response, delimiter_from_query
from maillage.lib.forms import EurosField
from maillage.lib.money import format_cents
from maillage.mobility.booking import visit_amount
from maillage.mobility.models import (
    Booking,
    Half,
    QuotaPeriod,
    Scheme,
    SchemeModel,
    SchemeVersion,
)
from maillage.mobility.selectors import network_schemes, version_on
from maillage.mobility.services import today
from maillage.networks.models import Network
from maillage.networks.selectors import get_network_for_coordinator

MODELS = [SchemeModel.PASS, SchemeModel.RETROCESSION, SchemeModel.PREFERENTIAL]
MAX_MONTHS = 36

# --- pure arithmetic --------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """One visit to replay: a member of `home` spent a day (or half day) at `host`."""

    home_id: int
    home_name: str
    host_id: int
    host_name: str
    half: str = Half.FULL
    no_show: bool = False


@dataclass(frozen=True)
class Terms:
    """The parameters of a simulation, amounts in cents, shares in basis points (2500 = 25 %)."""

    monthly_price_cents: int
    quota_days: int
    day_rate_cents: int
    half_day_rate_cents: int
    share_bp: int
    discount_bp: int
    quota_period: str = QuotaPeriod.MONTH
    count_no_shows: bool = True

    def as_version(self) -> SchemeVersion:
        """An unsaved scheme version carrying these terms, for `visit_amount`."""
        return SchemeVersion(
            monthly_price_cents=self.monthly_price_cents,
            quota_days=self.quota_days,
            quota_period=self.quota_period,
            day_rate_cents=self.day_rate_cents,
            half_day_rate_cents=self.half_day_rate_cents,
            retrocession_share_bp=self.share_bp,
            preferential_discount_bp=self.discount_bp,
        )


@dataclass
class Position:
    """What one party would pay and receive under one model, in cents."""

    paid_cents: int = 0
    received_cents: int = 0

    @property
    def net_cents(self) -> int:
        return self.received_cents - self.paid_cents


@dataclass
class PlaceResult:
    place_id: int
    name: str
    hosted: int = 0  # visits received
    made: int = 0  # visits its members made elsewhere
    by_model: dict[str, Position] = field(default_factory=lambda: {m: Position() for m in MODELS})

    def models(self) -> list[tuple[str, Position]]:
        return [(m, self.by_model[m]) for m in MODELS]


@dataclass
class Simulation:
    terms: Terms
    places: list[PlaceResult]
    visits: int
    pool: dict[str, Position]  # the network pool (pays the hosts under the pass model)
    members: dict[str, Position]  # the visiting members (pay the hosts under tarif préférentiel)

    def total(self, model: str) -> Position:
        """What all places together would pay and receive under `model`."""
        total = Position()
        for place in self.places:
            total.paid_cents += place.by_model[model].paid_cents
            total.received_cents += place.by_model[model].received_cents
        return total

    def totals(self) -> list[tuple[str, Position, Position, Position]]:
        return [(m, self.total(m), self.pool[m], self.members[m]) for m in MODELS]


def simulate(*, visits: list[Visit], terms: Terms) -> Simulation:
    """Replay `visits` under each model with `terms`; the places sorted by name.

    For every model, places + pool + members sum to zero: each payment is paid once and received
    once.
    """
    version = terms.as_version()
    places: dict[int, PlaceResult] = {}
    pool = {m: Position() for m in MODELS}
    members = {m: Position() for m in MODELS}
    counted = 0
    for visit in visits:
        if visit.no_show and not terms.count_no_shows:
            continue
        counted += 1
        home = places.setdefault(visit.home_id, PlaceResult(visit.home_id, visit.home_name))
        host = places.setdefault(visit.host_id, PlaceResult(visit.host_id, visit.host_name))
        home.made += 1
        host.hosted += 1
        for model in MODELS:
            amount = visit_amount(version=version, model=model, half=visit.half)
            host.by_model[model].received_cents += amount
            if model == SchemeModel.PASS:
                pool[model].paid_cents += amount
            elif model == SchemeModel.RETROCESSION:
                home.by_model[model].paid_cents += amount
            else:
                members[model].paid_cents += amount
    ordered = sorted(places.values(), key=lambda p: (p.name.lower(), p.place_id))
    return Simulation(terms, ordered, counted, pool, members)


# --- reads ------------------------------------------------------------------------------------


def month_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[start, end) from the first day of `first`'s month to the day after `last`'s month."""
    start = first.replace(day=1)
    end = (last.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def visits_of_period(*, network: Network, start: datetime.date, end: datetime.date) -> list[Visit]:
    """The network's visits in [start, end): check-ins, and no-shows (the terms say whether a
    no-show is paid), whatever scheme they were booked under."""
    rows = (
        Booking.objects.filter(
            member_pass__scheme__network=network,
            day__gte=start,
            day__lt=end,
            status__in=[Booking.Status.CHECKED_IN, Booking.Status.NO_SHOW],
        )
        .order_by("day", "pk")
        .values_list(
            "member_pass__home_place_id",
            "member_pass__home_place__name",
            "offer__place_id",
            "offer__place__name",
            "half",
            "status",
        )
    )
    return [
        Visit(home_id, home, host_id, host, half, status == Booking.Status.NO_SHOW)
        for home_id, home, host_id, host, half, status in rows
    ]


# --- form -------------------------------------------------------------------------------------


def _month_text(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker); cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})

    def to_python(self, value: object) -> datetime.date | None:
        text = super().to_python(value)
        if not text:
            return None
        match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text.strip())
        try:
            if match is None:
                raise ValueError(text)
            return datetime.date(int(match[1]), int(match[2]), 1)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Indiquez un mois sous la forme AAAA-MM (par exemple 2026-03).")
            ) from exc


MAX_SIMULATED_CENTS = 100_000_00
EUROS_ERRORS = {"invalid": gettext_lazy("Indiquez un montant en euros, par exemple 12,50.")}


def _percent_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        error_messages={
            "min_value": gettext_lazy("Une part ne peut pas être négative."),
            "max_value": gettext_lazy("Une part ne peut pas dépasser 100 %%."),
            "invalid": gettext_lazy("Indiquez un pourcentage, par exemple 25."),
            "max_decimal_places": gettext_lazy("Deux décimales au plus."),
        },
        localize=True,
    )


class SimulatorForm(forms.Form):
    date_from = MonthField(label=gettext_lazy("Du mois"))
    date_to = MonthField(label=gettext_lazy("Au mois (inclus)"))
    monthly_price = EurosField(
        max_cents=MAX_SIMULATED_CENTS,
        error_messages=EUROS_ERRORS,
        label=gettext_lazy("Prix mensuel du pass (€)"),
        help_text=gettext_lazy("Ce que paie un membre par mois ; sert à la rétrocession."),
    )
    quota_days = forms.IntegerField(
        label=gettext_lazy("Jours inclus par mois"),
        min_value=1,
        max_value=31,
        error_messages={
            "min_value": gettext_lazy("Au moins un jour."),
            "max_value": gettext_lazy("Un mois compte 31 jours au plus."),
            "invalid": gettext_lazy("Indiquez un nombre entier de jours."),
        },
    )
    day_rate = EurosField(
        max_cents=MAX_SIMULATED_CENTS,
        error_messages=EUROS_ERRORS,
        label=gettext_lazy("Tarif journée du lieu d'accueil (€)"),
    )
    half_day_rate = EurosField(
        max_cents=MAX_SIMULATED_CENTS,
        error_messages=EUROS_ERRORS,
        label=gettext_lazy("Tarif demi-journée du lieu d'accueil (€)"),
    )
    share = _percent_field(
        gettext_lazy("Part rétrocédée (%)"),
        gettext_lazy("Part du prix par jour inclus versée au lieu d'accueil."),
    )
    discount = _percent_field(
        gettext_lazy("Remise du tarif préférentiel (%)"),
        gettext_lazy("Remise sur le tarif du lieu d'accueil."),
    )
    count_no_shows = forms.BooleanField(
        label=gettext_lazy("Compter les absences comme des visites payées"), required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last:
            if last < first:
                self.add_error("date_to", _("Le mois de fin précède le mois de début."))
            elif (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
                self.add_error(
                    "date_to",
                    _("Simulez au plus %(n)s mois à la fois.") % {"n": MAX_MONTHS},
                )
        for name in ("monthly_price", "day_rate", "half_day_rate"):
            if name in data and data[name] is None:
                self.add_error(name, _("Ce champ est obligatoire."))
        return data

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(
            monthly_price_cents=data["monthly_price"],
            quota_days=data["quota_days"],
            day_rate_cents=data["day_rate"],
            half_day_rate_cents=data["half_day_rate"],
            share_bp=int(data["share"] * 100),
            discount_bp=int(data["discount"] * 100),
            count_no_shows=data["count_no_shows"],
        )


def _euros_text(cents: int) -> str:
    return format_cents(cents).replace("\u00a0€", "").replace("\u202f", " ")


def initial_from(*, version: SchemeVersion | None, day: datetime.date) -> dict:
    """Form values for a period of the last three months and the terms of `version`."""
    start = (day.replace(day=1) - datetime.timedelta(days=60)).replace(day=1)
    initial: dict = {
        "date_from": _month_text(start),
        "date_to": _month_text(day),
        "count_no_shows": True,
    }
    if version is not None:
        months = 12 if version.quota_period == QuotaPeriod.YEAR else 1
        initial.update(
            monthly_price=_euros_text(version.monthly_price_cents),
            # A yearly quota is shown per month; the price per day included stays the same.
            quota_days=max(round(version.quota_days / months), 1),
            day_rate=_euros_text(version.day_rate_cents),
            half_day_rate=_euros_text(version.half_day_rate_cents),
            share=Decimal(version.retrocession_share_bp) / 100,
            discount=Decimal(version.preferential_discount_bp) / 100,
            count_no_shows=version.no_show_charged,
        )
    return initial


# --- page -------------------------------------------------------------------------------------


def _csv(simulation: Simulation, network: Network, start: datetime.date, end: datetime.date, sep):
    labels = {m: str(SchemeModel(m).label) for m in MODELS}
    header = [_("Lieu"), _("Visites reçues"), _("Visites faites")]
    for m in MODELS:
        header += [
            _("%(model)s : payé (€)") % {"model": labels[m]},
            _("%(model)s : reçu (€)") % {"model": labels[m]},
            _("%(model)s : solde (€)") % {"model": labels[m]},
        ]

    def row(name, hosted, made, positions):
        cells = [name, hosted, made]
        for position in positions:
            cells += [
                position.paid_cents / 100,
                position.received_cents / 100,
                position.net_cents / 100,
            ]
        return cells

    rows = [
        row(p.name, p.hosted, p.made, [pos for _m, pos in p.models()]) for p in simulation.places
    ]
    rows.append(
        row(
            _("Total des lieux"),
            simulation.visits,
            simulation.visits,
            [simulation.total(m) for m in MODELS],
        )
    )
    rows.append(row(_("Caisse du réseau"), "", "", [simulation.pool[m] for m in MODELS]))
    rows.append(row(_("Membres visiteurs"), "", "", [simulation.members[m] for m in MODELS]))
    last = end - datetime.timedelta(days=1)
    return csv_response(
        rows,
        filename=f"simulation-{network.slug}-{start:%Y-%m}-{last:%Y-%m}.csv",
        header=header,
        delimiter=sep,
    )


@login_required
def simulator_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators of the network: replay a period's visits under the three models."""
    network = get_network_for_coordinator(user=request.user, slug=slug)
    schemes: list[Scheme] = network_schemes(network=network)
    now = today()
    chosen = None
    if request.GET.get("scheme"):
        chosen = next((s for s in schemes if str(s.pk) == request.GET["scheme"]), None)
    elif schemes:
        chosen = schemes[0]
    submitted = "date_from" in request.GET
    version = version_on(scheme=chosen, day=now) if chosen else None
    form = SimulatorForm(
        request.GET if submitted else None, initial=initial_from(version=version, day=now)
    )
    simulation = start = end = None
    status = 200
    if submitted and form.is_valid():
        start, end = month_bounds(form.cleaned_data["date_from"], form.cleaned_data["date_to"])
        visits = visits_of_period(network=network, start=start, end=end)
        simulation = simulate(visits=visits, terms=form.terms())
        if request.GET.get("format") == "csv":
            return _csv(
                simulation, network, start, end, delimiter_from_query(request.GET.get("sep"))
            )
    elif submitted:
        status = 400
    return render(
        request,
        "mobility/simulator.html",
        {
            "network": network,
            "form": form,
            "schemes": schemes,
            "chosen": chosen,
            "simulation": simulation,
            "start": start,
            "last": end - datetime.timedelta(days=1) if end else None,
            "models": [(m, SchemeModel(m).label) for m in MODELS],
            "csv_query": request.GET.urlencode(),
        },
        status=status,
    )
