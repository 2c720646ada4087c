"""Membership fees: schedules, calls, payments through the ledger, refunds, reminders, lapse.

Every euro goes through `maillage.ledger`: a payment posts payer → network's pool (reason
`fee`, and `donation` for what exceeds the fee), citing the payment; a refund reverses those
transfers. A payment row is never edited (only marked refunded, with the counter-entries).
Lapse after the grace period suspends the membership through the networks' workflow; paying
reinstates it.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.governance.models import (
    FeeBasis,
    FeeBracket,
    FeeCall,
    FeePayment,
    FeeReason,
    FeeSchedule,
    PaymentMethod,
    YearKind,
)
from maillage.governance.selectors import is_treasurer
from maillage.ledger import services as ledger
from maillage.ledger.models import Transfer
from maillage.lib.inputs import UNSET, Input
from maillage.lib.money import format_cents
from maillage.lib.refusals import Refusal
from maillage.networks import services as network_services
from maillage.networks.models import Membership, MembershipStatus, Network
from maillage.networks.selectors import coordinators, is_coordinator, member_places
from maillage.notifications.services import notify
from maillage.places.models import Place
from maillage.places.selectors import can_edit_place, place_managers


class FeeError(Refusal):
    """A rule of the fees refused the request; nothing changed."""


class NotAllowed(FeeError):
    status = 403


class InvalidSchedule(FeeError):
    pass


class InvalidAmount(FeeError):
    field = "amount"


class WrongNetwork(FeeError):
    status = 403


class AlreadyPaid(FeeError):
    status = 409


class AlreadyRefunded(FeeError):
    status = 409


class DuplicateReference(FeeError):
    field = "reference"
    status = 409


LAPSE_REASON = "Cotisation %(year)s impayée après le délai de grâce (échéance le %(due)s)."


def _require_treasurer(*, by: User, network: Network) -> None:
    if not is_treasurer(user=by, network=network):
        raise NotAllowed(_("Seul·e la trésorerie ou la coordination du réseau peut le faire."))


# --- computing a fee --------------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    amount_cents: int
    label: str


def compute_fee(
    *,
    schedule: FeeSchedule,
    place_types: list[str],
    declared_value: int | None = None,
    chosen_cents: int | None = None,
) -> Computed:
    """The fee of a place under a schedule.

    flat: the bracket of the place's first listed type that has one (else the "any type" one);
    size/budget: the bracket whose [lower, upper) holds the declared value (number of staff, or
    the budget in euros); free: what the place chooses, at least the minimum (the suggested
    amount if it chose nothing). Raise InvalidAmount / InvalidSchedule.
    """
    brackets = list(schedule.brackets.all())
    if schedule.basis == FeeBasis.FREE:
        minimum = schedule.free_minimum_cents
        if chosen_cents is None:
            amount = max(schedule.free_suggested_cents, minimum)
            return Computed(amount, _("Prix libre : montant suggéré"))
        if chosen_cents < minimum:
            raise InvalidAmount(
                _("Le prix libre commence à %(min)s : indiquez au moins ce montant.")
                % {"min": format_cents(minimum)}
            )
        return Computed(
            chosen_cents, _("Prix libre (minimum %(min)s)") % {"min": format_cents(minimum)}
        )
    if schedule.basis == FeeBasis.FLAT:
        for kind in [*place_types, ""]:
            match = next((b for b in brackets if b.place_type == kind), None)
            if match is not None:
                label = _("Type de lieu : %(t)s") % {"t": kind} if kind else _("Tous les lieux")
                return Computed(match.amount_cents, label)
        raise InvalidSchedule(_("Le barème n'a pas de montant pour ce type de lieu."))
    value = declared_value if declared_value is not None else 0
    for bracket in sorted(brackets, key=lambda b: b.lower):
        if bracket.lower <= value and (bracket.upper is None or value < bracket.upper):
            unit = _("personnes") if schedule.basis == FeeBasis.SIZE else "€"
            upper = f"{bracket.upper - 1} {unit}" if bracket.upper is not None else "…"
            return Computed(
                bracket.amount_cents,
                _("Tranche %(lower)s %(unit)s – %(upper)s")
                % {"lower": bracket.lower, "unit": unit, "upper": upper},
            )
    raise InvalidSchedule(
        _("Aucune tranche du barème ne couvre la valeur déclarée (%(v)s).") % {"v": value}
    )


# --- schedules --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ScheduleData(Input):
    year: int = UNSET  # type: ignore[assignment]
    basis: str = UNSET  # type: ignore[assignment]
    year_kind: str = UNSET  # type: ignore[assignment]
    free_minimum_cents: int = UNSET  # type: ignore[assignment]
    free_suggested_cents: int = UNSET  # type: ignore[assignment]
    individual_cents: int = UNSET  # type: ignore[assignment]
    due_days: int = UNSET  # type: ignore[assignment]
    grace_days: int = UNSET  # type: ignore[assignment]
    tax_receipts: bool = UNSET  # type: ignore[assignment]
    legal_name: str = UNSET  # type: ignore[assignment]
    legal_address: str = UNSET  # type: ignore[assignment]
    legal_object: str = UNSET  # type: ignore[assignment]
    legal_status: str = UNSET  # type: ignore[assignment]


@dataclass(frozen=True)
class BracketData:
    amount_cents: int
    place_type: str = ""
    lower: int = 0
    upper: int | None = None


def parse_brackets(text: str) -> list[BracketData]:
    """One bracket a line: `type: amount` (flat) or `lower-upper: amount` (`lower+` for no top).

    Amounts in euros. Raise InvalidSchedule naming the line."""
    from maillage.lib.money import parse_euros

    found: list[BracketData] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, sep, amount_text = line.rpartition(":")
        try:
            if not sep:
                raise ValueError(line)
            cents = parse_euros(amount_text)
            key = key.strip()
            if key and (key[0].isdigit()):
                if key.endswith("+"):
                    found.append(BracketData(cents, lower=int(key[:-1]), upper=None))
                else:
                    low, _dash, high = key.partition("-")
                    found.append(BracketData(cents, lower=int(low), upper=int(high)))
            else:
                found.append(BracketData(cents, place_type="" if key in {"*", ""} else key))
        except ValueError as exc:
            raise InvalidSchedule(
                _("Ligne %(n)s du barème illisible : « %(line)s ».") % {"n": number, "line": line},
                field="brackets",
            ) from exc
    return found


def _check_brackets(basis: str, brackets: list[BracketData]) -> None:
    if basis == FeeBasis.FREE:
        return
    if not brackets:
        raise InvalidSchedule(_("Indiquez au moins une ligne de barème."), field="brackets")
    if basis in (FeeBasis.SIZE, FeeBasis.BUDGET):
        ordered = sorted(brackets, key=lambda b: b.lower)
        for b in ordered:
            if b.upper is not None and b.upper <= b.lower:
                raise InvalidSchedule(
                    _("Chaque tranche doit finir après son début."), field="brackets"
                )
        for before, after in itertools.pairwise(ordered):
            if before.upper is None or before.upper != after.lower:
                raise InvalidSchedule(
                    _("Les tranches doivent se suivre sans trou ni chevauchement."),
                    field="brackets",
                )
        if ordered[0].lower != 0:
            raise InvalidSchedule(_("La première tranche doit commencer à 0."), field="brackets")


def create_schedule(
    *, by: User, network: Network, data: ScheduleData, brackets: list[BracketData]
) -> FeeSchedule:
    """Create the schedule of a year; raise NotAllowed or InvalidSchedule."""
    _require_treasurer(by=by, network=network)
    given = data.given()
    basis = given.get("basis", FeeBasis.FLAT)
    _check_brackets(basis, brackets)
    minimum = given.get("free_minimum_cents", 0)
    suggested = given.get("free_suggested_cents", 0)
    if basis == FeeBasis.FREE and suggested and suggested < minimum:
        raise InvalidSchedule(
            _("Le montant suggéré ne peut pas être sous le minimum."), field="free_suggested_cents"
        )
    if given.get("tax_receipts") and not (given.get("legal_name") and given.get("legal_address")):
        raise InvalidSchedule(
            _("Pour des reçus fiscaux, indiquez le nom et l'adresse de l'organisme."),
            field="legal_name",
        )
    if FeeSchedule.objects.filter(network=network, year=int(given.get("year") or 0)).exists():
        raise InvalidSchedule(_("Ce réseau a déjà un barème pour cette année."), field="year")
    with transaction.atomic():
        schedule = FeeSchedule(network=network, created_by=by)
        data.assign_to(schedule)
        schedule.save()
        FeeBracket.objects.bulk_create(
            FeeBracket(
                schedule=schedule,
                place_type=b.place_type,
                lower=b.lower,
                upper=b.upper,
                amount_cents=b.amount_cents,
            )
            for b in brackets
        )
    return schedule


# --- calls ------------------------------------------------------------------------------------


def _period(schedule: FeeSchedule, start: datetime.date) -> tuple[datetime.date, datetime.date]:
    if schedule.year_kind == YearKind.CALENDAR:
        return datetime.date(schedule.year, 1, 1), datetime.date(schedule.year, 12, 31)
    try:
        end = start.replace(year=start.year + 1) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + 1, day=28)
    return start, end


def _notify_call(call: FeeCall) -> None:
    people = place_managers(place=call.place) if call.place else [call.person]
    notify(
        users=[p for p in people if p is not None],
        topic="governance.fee",
        title=_("Appel de cotisation %(year)s : %(amount)s")
        % {"year": call.schedule.year, "amount": format_cents(call.amount_cents)},
        body=_("À régler avant le %(due)s au réseau « %(network)s » (%(how)s).")
        % {
            "due": call.due_on.strftime("%d/%m/%Y"),
            "network": call.schedule.network.name,
            "how": call.computed_from,
        },
        url=reverse("governance:call-detail", args=[call.pk]),
        key=f"governance.fee-call:{call.pk}",
    )


def call_fees(*, by: User, schedule: FeeSchedule, today: datetime.date | None = None) -> int:
    """Call the fee of every accepted member place not called yet under this schedule (and
    of the network's individual members when the schedule has an individual fee); return the
    number of calls. Raise NotAllowed."""
    _require_treasurer(by=by, network=schedule.network)
    today = today or timezone.localdate()
    called = set(schedule.calls.exclude(place=None).values_list("place_id", flat=True))
    created: list[FeeCall] = []
    with transaction.atomic():
        for place in member_places(network=schedule.network):
            if place.pk in called:
                continue
            last = (
                FeeCall.objects.filter(schedule__network=schedule.network, place=place)
                .exclude(declared_value=None)
                .order_by("-period_start")
                .first()
            )
            declared = last.declared_value if last else None
            computed = compute_fee(
                schedule=schedule, place_types=list(place.types), declared_value=declared
            )
            start, end = _period(schedule, max(today, datetime.date(schedule.year, 1, 1)))
            due = max(today, start) + datetime.timedelta(days=schedule.due_days)
            created.append(
                FeeCall.objects.create(
                    schedule=schedule,
                    place=place,
                    amount_cents=computed.amount_cents,
                    computed_from=computed.label,
                    declared_value=declared,
                    period_start=start,
                    period_end=end,
                    due_on=due,
                    created_by=by,
                )
            )
        for call in created:
            _notify_call(call)
    return len(created)


def call_individual_fee(*, by: User, schedule: FeeSchedule, person: User) -> FeeCall:
    """A person's own membership: called at the schedule's individual fee."""
    if schedule.individual_cents <= 0:
        raise InvalidSchedule(_("Ce barème ne prévoit pas d'adhésion individuelle."))
    if not (by.pk == person.pk or is_treasurer(user=by, network=schedule.network)):
        raise NotAllowed(_("Seul·e la personne ou la trésorerie peut le faire."))
    today = timezone.localdate()
    start, end = _period(schedule, max(today, datetime.date(schedule.year, 1, 1)))
    try:
        with transaction.atomic():
            call = FeeCall.objects.create(
                schedule=schedule,
                person=person,
                amount_cents=schedule.individual_cents,
                computed_from=_("Adhésion individuelle"),
                period_start=start,
                period_end=end,
                due_on=max(today, start) + datetime.timedelta(days=schedule.due_days),
                created_by=by,
            )
    except IntegrityError as exc:
        raise AlreadyPaid(_("Cette personne a déjà un appel pour cette année.")) from exc
    return call


def declare_for_call(
    *, by: User, call: FeeCall, declared_value: int | None = None, chosen_cents: int | None = None
) -> FeeCall:
    """The place declares its size or budget (or chooses its prix libre): the amount is
    computed again while nothing is paid. Raise NotAllowed, AlreadyPaid, InvalidAmount."""
    if call.place is None or not (
        can_edit_place(user=by, place=call.place)
        or is_treasurer(user=by, network=call.schedule.network)
    ):
        raise NotAllowed(_("Seul·e un·e gestionnaire du lieu peut déclarer pour lui."))
    with transaction.atomic():
        locked = FeeCall.objects.select_for_update().get(pk=call.pk)
        if locked.payments.filter(refunded_at=None).exists():
            raise AlreadyPaid(_("Un paiement est enregistré : le montant appelé ne change plus."))
        computed = compute_fee(
            schedule=call.schedule,
            place_types=list(call.place.types),
            declared_value=declared_value,
            chosen_cents=chosen_cents,
        )
        locked.amount_cents = computed.amount_cents
        locked.computed_from = computed.label
        locked.declared_value = declared_value
        locked.save(update_fields=["amount_cents", "computed_from", "declared_value"])
    call.refresh_from_db()
    return call


# --- payments ---------------------------------------------------------------------------------


def paid_cents(call: FeeCall) -> int:
    return call.payments.filter(refunded_at=None).aggregate(t=Sum("fee_cents"))["t"] or 0


def _payer_account(call: FeeCall):  # type: ignore[no-untyped-def]
    network = call.schedule.network
    if call.place is not None:
        return ledger.place_account(network=network, place=call.place)
    assert call.person is not None
    return ledger.member_account(network=network, user=call.person)


def _membership(call: FeeCall) -> Membership | None:
    if call.place is None:
        return None
    return (
        Membership.objects.filter(network=call.schedule.network, place=call.place)
        .exclude(status__in=[MembershipStatus.REFUSED, MembershipStatus.LEFT])
        .order_by("-applied_at")
        .first()
    )


def _acting_coordinator(network: Network, by: User | None) -> User | None:
    """Who the networks' workflow records for an automatic step: the person if they coordinate
    the network, else its first coordinator (the one the network answers through)."""
    if by is not None and is_coordinator(user=by, network=network):
        return by
    role = coordinators(network=network).first()
    if role is None and network.parent_id:
        assert network.parent is not None
        return _acting_coordinator(network.parent, None)
    return role.user if role else None


def _refresh_status(call: FeeCall, *, today: datetime.date, by: User | None) -> None:
    paid = paid_cents(call)
    if paid >= call.amount_cents:
        was_lapsed = call.status == FeeCall.Status.LAPSED
        call.status = FeeCall.Status.PAID
        call.save(update_fields=["status"])
        membership = _membership(call)
        if (
            was_lapsed
            and membership is not None
            and membership.status == MembershipStatus.SUSPENDED
        ):
            actor = _acting_coordinator(call.schedule.network, by)
            if actor is not None:
                network_services.reinstate_membership(
                    membership=membership,
                    by=actor,
                    note=_("Cotisation %(year)s payée : adhésion rétablie.")
                    % {"year": call.schedule.year},
                )
        return
    if call.status == FeeCall.Status.LAPSED:
        return
    if call.payments.exists() and paid == 0 and not call.payments.filter(refunded_at=None).exists():
        call.status = FeeCall.Status.REFUNDED if today <= call.due_on else FeeCall.Status.LATE
    elif today > call.due_on:
        call.status = FeeCall.Status.LATE
    else:
        call.status = FeeCall.Status.CALLED
    call.save(update_fields=["status"])


@dataclass(frozen=True, kw_only=True)
class PaymentData(Input):
    amount_cents: int = UNSET  # type: ignore[assignment]
    method: str = UNSET  # type: ignore[assignment]
    reference: str = UNSET  # type: ignore[assignment]
    paid_on: datetime.date = UNSET  # type: ignore[assignment]
    payer_name: str = UNSET  # type: ignore[assignment]
    payer_address: str = UNSET  # type: ignore[assignment]


def _receipt_number(call: FeeCall) -> str:
    year = call.schedule.year
    count = FeePayment.objects.filter(call__schedule__network=call.schedule.network).count()
    return f"{year}-{call.schedule.network_id}-{count + 1:05d}"


def record_payment(
    *, by: User, call: FeeCall, data: PaymentData, network: Network | None = None
) -> FeePayment:
    """Record a payment and post it to the ledger: the part up to the fee still due is the
    fee (756), the rest a donation. Raise NotAllowed, WrongNetwork, InvalidAmount,
    DuplicateReference."""
    schedule = call.schedule
    if network is not None and network.pk != schedule.network_id:
        raise WrongNetwork(
            _("Cette cotisation appartient au réseau « %(n)s » : enregistrez-la dans ce réseau.")
            % {"n": schedule.network.name}
        )
    _require_treasurer(by=by, network=schedule.network)
    amount = data.amount_cents
    if not isinstance(amount, int) or amount <= 0:
        raise InvalidAmount(_("Indiquez un montant positif."))
    if amount > ledger.MAX_AMOUNT_CENTS:
        raise InvalidAmount(_("Ce montant est hors de proportion."))
    paid_on = data.paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise FeeError(_("Un paiement ne peut pas être daté dans le futur."), field="paid_on")
    method = data.method or PaymentMethod.TRANSFER
    if method not in PaymentMethod.values:
        raise FeeError(_("Moyen de paiement inconnu."), field="method")
    reference = (data.reference or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        locked = (
            FeeCall.objects.select_for_update(of=("self",))
            .select_related("schedule__network", "place", "person")
            .get(pk=call.pk)
        )
        if reference and FeePayment.objects.filter(method=method, reference=reference).exists():
            raise DuplicateReference(
                _("Un paiement porte déjà la référence « %(r)s ».") % {"r": reference}
            )
        due = max(locked.amount_cents - paid_cents(locked), 0)
        fee_part = min(amount, due)
        payment = FeePayment.objects.create(
            call=locked,
            fee_cents=fee_part,
            donation_cents=amount - fee_part,
            method=method,
            reference=reference,
            paid_on=paid_on,
            payer_name=(data.payer_name or locked.payer_name)[:200],
            payer_address=(data.payer_address or "")[:300],
            receipt_number=_receipt_number(locked),
            recorded_by=by,
        )
        payer = _payer_account(locked)
        pool = ledger.pool_account(network=schedule.network)
        memo = f"{locked.payer_name} — {schedule.year}"
        if fee_part:
            ledger.post_transfer(
                debit=payer,
                credit=pool,
                amount_cents=fee_part,
                reason=FeeReason.FEE,
                idempotency_key=f"governance-fee-{payment.pk}",
                memo=_("Cotisation %(m)s") % {"m": memo},
                cause=payment,
                by=by,
            )
        if payment.donation_cents:
            ledger.post_transfer(
                debit=payer,
                credit=pool,
                amount_cents=payment.donation_cents,
                reason=FeeReason.DONATION,
                idempotency_key=f"governance-don-{payment.pk}",
                memo=_("Don %(m)s") % {"m": memo},
                cause=payment,
                by=by,
            )
        _refresh_status(locked, today=today, by=by)
    call.refresh_from_db()
    return payment


def refund_payment(*, by: User, payment: FeePayment, reason: str) -> FeePayment:
    """Refund a payment by counter-entries in the ledger; the payment keeps its amounts and is
    marked refunded. Raise NotAllowed, AlreadyRefunded, FeeError (no reason)."""
    call = payment.call
    _require_treasurer(by=by, network=call.schedule.network)
    reason = reason.strip()
    if not reason:
        raise FeeError(_("Indiquez le motif du remboursement."), field="reason")
    with transaction.atomic():
        locked = FeePayment.objects.select_for_update().get(pk=payment.pk)
        if locked.refunded_at is not None:
            raise AlreadyRefunded(_("Ce paiement est déjà remboursé."))
        for transfer in Transfer.objects.caused_by(locked).filter(reverses=None):
            ledger.reverse_transfer(
                transfer=transfer,
                idempotency_key=f"governance-refund-{transfer.pk}",
                memo=_("Remboursement : %(r)s") % {"r": reason[:200]},
                by=by,
            )
        FeePayment.objects.filter(pk=locked.pk).update(
            refunded_at=timezone.now(), refund_reason=reason
        )
        call_locked = FeeCall.objects.select_for_update().get(pk=call.pk)
        _refresh_status(call_locked, today=timezone.localdate(), by=by)
    payment.refresh_from_db()
    return payment


# --- reminders and lapse (the periodic command) ----------------------------------------------


@dataclass
class TickReport:
    reminded_before: int = 0
    reminded_after: int = 0
    lapsed: int = 0
    not_suspended: int = 0


def _people_of(call: FeeCall) -> list[User]:
    if call.place is not None:
        return place_managers(place=call.place)
    return [call.person] if call.person else []


def fees_tick(*, today: datetime.date | None = None) -> TickReport:
    """Send the reminders due today (30 days before renewal, 15 days after the due date) and
    lapse the calls unpaid after the grace period (the membership is suspended). Idempotent:
    each reminder is sent once, each lapse happens once."""
    today = today or timezone.localdate()
    now = timezone.now()
    report = TickReport()
    renewals = FeeCall.objects.filter(
        status=FeeCall.Status.PAID,
        reminded_before_at=None,
        period_end__lte=today + datetime.timedelta(days=30),
        period_end__gte=today,
    ).select_related("schedule__network", "place", "person")
    for call in renewals:
        notify(
            users=_people_of(call),
            topic="governance.fee",
            title=_("Votre adhésion à « %(n)s » se renouvelle le %(d)s")
            % {
                "n": call.schedule.network.name,
                "d": (call.period_end + datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            },
            body=_("Un nouvel appel de cotisation suivra."),
            url=reverse("governance:call-detail", args=[call.pk]),
        )
        FeeCall.objects.filter(pk=call.pk).update(reminded_before_at=now)
        report.reminded_before += 1
    late = FeeCall.objects.filter(
        status__in=[FeeCall.Status.CALLED, FeeCall.Status.LATE],
        reminded_after_at=None,
        due_on__lte=today - datetime.timedelta(days=15),
    ).select_related("schedule__network", "place", "person")
    for call in late:
        notify(
            users=_people_of(call),
            topic="governance.fee",
            title=_("Rappel : cotisation %(y)s à régler (%(a)s)")
            % {"y": call.schedule.year, "a": format_cents(call.amount_cents - paid_cents(call))},
            body=_("L'échéance était le %(d)s. Sans paiement, l'adhésion sera suspendue le %(l)s.")
            % {"d": call.due_on.strftime("%d/%m/%Y"), "l": call.lapses_on.strftime("%d/%m/%Y")},
            url=reverse("governance:call-detail", args=[call.pk]),
        )
        FeeCall.objects.filter(pk=call.pk).update(reminded_after_at=now, status=FeeCall.Status.LATE)
        report.reminded_after += 1
    FeeCall.objects.filter(status=FeeCall.Status.CALLED, due_on__lt=today).update(
        status=FeeCall.Status.LATE
    )
    candidates = FeeCall.objects.filter(status=FeeCall.Status.LATE, lapsed_at=None).select_related(
        "schedule__network", "place", "person"
    )
    for call in candidates:
        if call.lapses_on >= today:
            continue
        with transaction.atomic():
            FeeCall.objects.filter(pk=call.pk).update(status=FeeCall.Status.LAPSED, lapsed_at=now)
            report.lapsed += 1
            membership = _membership(call)
            if membership is None or membership.status != MembershipStatus.ACCEPTED:
                continue
            actor = _acting_coordinator(call.schedule.network, None)
            if actor is None:
                report.not_suspended += 1
                continue
            network_services.suspend_membership(
                membership=membership,
                by=actor,
                reason=_(LAPSE_REASON)
                % {"year": call.schedule.year, "due": call.due_on.strftime("%d/%m/%Y")},
            )
    return report


def add_treasurer(*, by: User, network: Network, user: User) -> None:
    """Name a treasurer (by a coordinator)."""
    from maillage.governance.models import GovernanceRole

    if not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seule la coordination du réseau nomme la trésorerie."))
    GovernanceRole.objects.get_or_create(
        network=network, user=user, role=GovernanceRole.Role.TREASURER
    )


def place_of(call: FeeCall) -> Place | None:
    return call.place
