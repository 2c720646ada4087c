"""Writes of mobility: schemes and their versions, host offers, passes. Bookings: `booking.py`."""

import datetime
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.ledger import services as ledger
from maillage.ledger.models import Account, Transfer
from maillage.lib.french import date_format, de
from maillage.lib.money import format_cents
from maillage.lib.refusals import Refusal
from maillage.mobility.models import (
    WEEKDAY_FIELDS,
    HostOffer,
    MobilityReason,
    Pass,
    QuotaPeriod,
    Scheme,
    SchemeModel,
    SchemeVersion,
)
from maillage.mobility.selectors import is_place_in_network, version_on
from maillage.networks.models import Network
from maillage.places.models import Place, PlaceRole

MAX_PRICE_CENTS = 1_000_000  # 10,000 € a month or a day is already absurd for a desk.
MAX_DESKS = 500


class MobilityError(Refusal):
    """A rule of mobility refused the request; `message` says why, in the user's language."""

    # The API names the pass and the day as its JSON does.
    api_fields = {"pass_": "pass_id", "day": "date"}


class InvalidTerms(MobilityError):
    pass


class RetroactiveChange(MobilityError):
    field = "effective_from"


class InvalidOffer(MobilityError):
    pass


class NotAMember(MobilityError):
    field = "home_place"


class PlaceOutsideNetwork(MobilityError):
    field = "home_place"


class SchemeNotInForce(MobilityError):
    pass


class PassAlreadyHeld(MobilityError):
    pass


def today() -> datetime.date:
    return timezone.localdate()


# --- schemes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemeTerms:
    """The terms a scheme version carries (money in cents, shares in basis points)."""

    quota_days: int
    quota_period: str = QuotaPeriod.MONTH
    monthly_price_cents: int = 0
    day_rate_cents: int = 0
    half_day_rate_cents: int = 0
    retrocession_share_bp: int = 0
    preferential_discount_bp: int = 0
    cancellation_deadline_hours: int = 24
    no_show_charged: bool = True
    valid_until: datetime.date | None = None


def _check_terms(*, model: str, terms: SchemeTerms, effective_from: datetime.date) -> None:
    for field in ("monthly_price_cents", "day_rate_cents", "half_day_rate_cents"):
        value = getattr(terms, field)
        if value < 0:
            raise InvalidTerms(_("Un prix ne peut pas être négatif."), field=field)
        if value > MAX_PRICE_CENTS:
            raise InvalidTerms(
                _("Ce montant est hors de proportion (au plus %(max)s).")
                % {"max": format_cents(MAX_PRICE_CENTS)},
                field=field,
            )
    limit = 31 if terms.quota_period == QuotaPeriod.MONTH else 366
    if not 1 <= terms.quota_days <= limit:
        raise InvalidTerms(
            _("Le nombre de jours inclus doit être compris entre 1 et %(limit)s.")
            % {"limit": limit},
            field="quota_days",
        )
    for field in ("retrocession_share_bp", "preferential_discount_bp"):
        if not 0 <= getattr(terms, field) <= 10000:
            raise InvalidTerms(
                _("Une part s'exprime entre 0 et 10 000 points de base (0 à 100 %)."), field=field
            )
    if terms.half_day_rate_cents > terms.day_rate_cents:
        raise InvalidTerms(
            _("Le tarif demi-journée ne peut pas dépasser le tarif journée."),
            field="half_day_rate_cents",
        )
    if not 0 <= terms.cancellation_deadline_hours <= 720:
        raise InvalidTerms(
            _("Le délai d'annulation doit être compris entre 0 et 720 heures."),
            field="cancellation_deadline_hours",
        )
    if terms.valid_until is not None and terms.valid_until < effective_from:
        raise InvalidTerms(
            _("La fin de validité doit suivre la date d'entrée en vigueur."), field="valid_until"
        )
    if model == SchemeModel.PASS and terms.day_rate_cents == 0:
        raise InvalidTerms(
            _(
                "Avec le pass réseau, le réseau paie au lieu d'accueil un tarif journée : indiquez-le."
            ),
            field="day_rate_cents",
        )
    if model == SchemeModel.RETROCESSION and (
        terms.retrocession_share_bp == 0 or terms.monthly_price_cents == 0
    ):
        raise InvalidTerms(
            _("Une rétrocession demande un prix mensuel et une part rétrocédée non nulle."),
            field="retrocession_share_bp",
        )
    if model == SchemeModel.PREFERENTIAL and terms.day_rate_cents == 0:
        raise InvalidTerms(
            _("Le tarif préférentiel se calcule sur un tarif journée : indiquez-le."),
            field="day_rate_cents",
        )


def create_scheme(
    *,
    network: Network,
    by: User,
    name: str,
    model: str,
    effective_from: datetime.date,
    terms: SchemeTerms,
    description: str = "",
) -> Scheme:
    """Create a scheme and its first version; raise InvalidTerms or RetroactiveChange."""
    if model not in SchemeModel.values:
        raise InvalidTerms(_("Modèle de formule inconnu."), field="model")
    if effective_from < today():
        raise RetroactiveChange(
            _(
                "Une formule ne peut pas entrer en vigueur dans le passé : choisissez une date à partir d'aujourd'hui."
            )
        )
    return open_scheme(
        network=network,
        by=by,
        name=name,
        model=model,
        effective_from=effective_from,
        terms=terms,
        description=description,
    )


def open_scheme(
    *,
    network: Network,
    by: User,
    name: str,
    model: str,
    effective_from: datetime.date,
    terms: SchemeTerms,
    description: str = "",
) -> Scheme:
    """Check the terms and the name, then write the scheme and its first version, whatever the
    date (`create_scheme` refuses the past; `history.record_scheme_since` requires it)."""
    if model not in SchemeModel.values:
        raise InvalidTerms(_("Modèle de formule inconnu."), field="model")
    _check_terms(model=model, terms=terms, effective_from=effective_from)
    name = name.strip()
    if Scheme.objects.filter(network=network, name__iexact=name).exists():
        raise InvalidTerms(_("Le réseau a déjà une formule de ce nom."), field="name")
    with transaction.atomic():
        scheme = Scheme.objects.create(
            network=network, name=name, model=model, description=description, created_by=by
        )
        SchemeVersion.objects.create(
            scheme=scheme, effective_from=effective_from, created_by=by, **asdict(terms)
        )
    return scheme


def change_scheme(
    *, scheme: Scheme, by: User, effective_from: datetime.date, terms: SchemeTerms
) -> SchemeVersion:
    """Add a version of the terms from a future date (never retroactive); raise RetroactiveChange."""
    if effective_from <= today():
        raise RetroactiveChange(
            _(
                "Un changement de formule ne s'applique qu'à partir de demain au plus tôt : les visites déjà réservées gardent leurs conditions."
            )
        )
    _check_terms(model=scheme.model, terms=terms, effective_from=effective_from)
    try:
        with transaction.atomic():
            return SchemeVersion.objects.create(
                scheme=scheme, effective_from=effective_from, created_by=by, **asdict(terms)
            )
    except IntegrityError as exc:
        raise RetroactiveChange(
            _("Une version de cette formule commence déjà le %(day)s.")
            % {"day": date_format(effective_from, "j F Y")}
        ) from exc


# --- host offers ------------------------------------------------------------------------------


def save_host_offer(
    *,
    place: Place,
    by: User,
    desks: list[int],
    closed_dates: list[datetime.date],
    half_days_allowed: bool,
    instructions: str,
    approval_required: bool,
    approval_hours: int,
    is_active: bool,
) -> HostOffer:
    """Create or update the host offer of a place; raise InvalidOffer."""
    if len(desks) != 7 or any(not 0 <= n <= MAX_DESKS for n in desks):
        raise InvalidOffer(
            _("Indiquez pour chaque jour un nombre de postes entre 0 et %(max)s.")
            % {"max": MAX_DESKS}
        )
    if approval_required and not 1 <= approval_hours <= 168:
        raise InvalidOffer(
            _("Le délai de validation doit être compris entre 1 et 168 heures."),
            field="approval_hours",
        )
    values = dict(zip(WEEKDAY_FIELDS, desks, strict=True))
    values.update(
        closed_dates=sorted({d.isoformat() for d in closed_dates}),
        half_days_allowed=half_days_allowed,
        instructions=instructions,
        approval_required=approval_required,
        approval_hours=approval_hours,
        is_active=is_active,
    )
    with transaction.atomic():
        offer, _created = HostOffer.objects.update_or_create(place=place, defaults=values)
    return offer


# --- passes -----------------------------------------------------------------------------------


def fee_account(*, pass_: Pass) -> Account:
    """Where the member's fee goes: the home place under rétrocession, the network pool otherwise."""
    network = pass_.scheme.network
    if pass_.scheme.model == SchemeModel.RETROCESSION:
        return ledger.place_account(network=network, place=pass_.home_place)
    return ledger.pool_account(network=network)


def charge_pass_fee(*, pass_: Pass, month: datetime.date) -> Transfer | None:
    """Post the member's fee for the month holding `month` (once: keyed by pass and month)."""
    version = version_on(scheme=pass_.scheme, day=month)
    if version is None or version.monthly_price_cents == 0:
        return None
    network = pass_.scheme.network
    return ledger.post_transfer(
        debit=ledger.member_account(network=network, user=pass_.holder),
        credit=fee_account(pass_=pass_),
        amount_cents=version.monthly_price_cents,
        reason=MobilityReason.PASS_FEE,
        idempotency_key=f"pass-fee:{pass_.pk}:{month:%Y-%m}",
        memo=_("Cotisation %(scheme)s, %(month)s")
        % {"scheme": pass_.scheme.name, "month": date_format(month, "F Y")},
        cause=pass_,
    )


def _check_pass(*, scheme: Scheme, holder: User, home_place: Place, on: datetime.date) -> None:
    if not is_place_in_network(place=home_place, network=scheme.network):
        raise PlaceOutsideNetwork(
            _("%(place)s n'est pas adhérent du réseau %(network)s.")
            % {"place": home_place.name, "network": scheme.network.name}
        )
    if version_on(scheme=scheme, day=on) is None:
        raise SchemeNotInForce(
            _("La formule %(scheme)s n'est pas en vigueur le %(day)s.")
            % {"scheme": scheme.name, "day": date_format(on, "j F Y")}
        )
    if Pass.objects.filter(scheme=scheme, holder=holder, status=Pass.Status.ACTIVE).exists():
        raise PassAlreadyHeld(_("Cette personne a déjà un pass actif de cette formule."))


def subscribe_pass(*, user: User, scheme: Scheme, home_place: Place) -> Pass:
    """Subscribe a member of `home_place` to a scheme and post this month's fee.

    Raise NotAMember, PlaceOutsideNetwork, SchemeNotInForce or PassAlreadyHeld.
    """
    if not PlaceRole.objects.filter(
        place=home_place, user=user, role=PlaceRole.Role.MEMBER
    ).exists():
        raise NotAMember(_("Seuls les membres d'un lieu peuvent souscrire un pass de mobilité."))
    on = today()
    _check_pass(scheme=scheme, holder=user, home_place=home_place, on=on)
    try:
        with transaction.atomic():
            pass_ = Pass.objects.create(
                scheme=scheme, holder=user, home_place=home_place, starts_on=on
            )
            charge_pass_fee(pass_=pass_, month=on)
    except IntegrityError as exc:
        raise PassAlreadyHeld(_("Vous avez déjà un pass actif de cette formule.")) from exc
    return pass_


def grant_pass(*, by: User, scheme: Scheme, holder: User, home_place: Place) -> Pass:
    """Give a pass (no fee) to a person with a role at `home_place`; raise MobilityError."""
    if not PlaceRole.objects.filter(place=home_place, user=holder).exists():
        raise NotAMember(
            _("Cette personne n'est ni membre ni gestionnaire %(de_place)s.")
            % {"de_place": de(home_place.name)}
        )
    on = today()
    _check_pass(scheme=scheme, holder=holder, home_place=home_place, on=on)
    try:
        with transaction.atomic():
            return Pass.objects.create(
                scheme=scheme, holder=holder, home_place=home_place, starts_on=on, granted_by=by
            )
    except IntegrityError as exc:
        raise PassAlreadyHeld(_("Cette personne a déjà un pass actif de cette formule.")) from exc


def end_pass(*, pass_: Pass) -> Pass:
    """End a pass: its future bookings stay, no new one can be made."""
    with transaction.atomic():
        pass_.status = Pass.Status.ENDED
        pass_.save(update_fields=["status"])
    return pass_
