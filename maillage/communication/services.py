"""Writes of the permanences: rotas and their slots, generation over holidays, closures and
absences, requests, declines and swaps between places, the visit log and the shared cost."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.communication.holidays import holiday_name
from maillage.communication.models import (
    BRACKET_WEIGHTS,
    Absence,
    Bracket,
    Closure,
    CostCharge,
    CostKey,
    Half,
    Need,
    Permanence,
    Rota,
    RotaAccountKind,
    RotaReason,
    RotaSlot,
    Swap,
    Visit,
)
from maillage.communication.selectors import (
    can_log_visit,
    can_manage_rota,
    can_manage_rotas_of,
    manages_place,
)
from maillage.ledger import services as ledger
from maillage.lib.inputs import UNSET, Input, _Unset
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network
from maillage.networks.selectors import member_places
from maillage.notifications.services import notify
from maillage.places.models import Place, Space
from maillage.places.selectors import place_managers

MAX_ROTA_DAYS = 366


class PermanenceError(Refusal):
    """A write on permanences was refused; nothing changed."""


class NotAllowed(PermanenceError):
    status = 403
    message = _("Vous n'avez pas le droit de faire cela.")


class InvalidRota(PermanenceError):
    pass


class SlotTaken(PermanenceError):
    status = 409


class SwapRefused(PermanenceError):
    status = 409


# --- rotas ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RotaData(Input):
    title: str | _Unset = UNSET
    facilitator: User | _Unset = UNSET
    pattern: str | _Unset = UNSET
    starts_on: datetime.date | _Unset = UNSET
    ends_on: datetime.date | _Unset = UNSET
    cost_cents: int | _Unset | None = UNSET
    cost_key: str | _Unset = UNSET


def _check_rota(rota: Rota) -> None:
    if not rota.title.strip():
        raise InvalidRota(_("Donnez un intitulé à la tournée."), field="title")
    if rota.pattern not in Rota.Pattern.values:
        raise InvalidRota(
            _("Choisissez un rythme : chaque semaine ou une sur deux."), field="pattern"
        )
    if rota.ends_on < rota.starts_on:
        raise InvalidRota(_("La fin de la tournée précède son début."), field="ends_on")
    if (rota.ends_on - rota.starts_on).days > MAX_ROTA_DAYS:
        raise InvalidRota(
            _("Une tournée couvre au plus un an : créez-en une autre ensuite."), field="ends_on"
        )
    if rota.cost_key not in CostKey.values:
        raise InvalidRota(_("Clé de répartition inconnue."), field="cost_key")


def create_rota(*, by: User, network: Network, data: RotaData) -> Rota:
    if not can_manage_rotas_of(user=by, network=network):
        raise NotAllowed(_("Seule la coordination du réseau organise les permanences."))
    rota = Rota(network=network, created_by=by, cost_key=CostKey.EQUAL)
    data.assign_to(rota)
    _check_rota(rota)
    rota.save()
    return rota


def update_rota(*, by: User, rota: Rota, data: RotaData) -> Rota:
    if not can_manage_rota(user=by, rota=rota):
        raise NotAllowed
    data.assign_to(rota)
    _check_rota(rota)
    rota.save()
    return rota


def set_bracket(*, by: User, rota: Rota, place: Place, bracket: str) -> Rota:
    if not can_manage_rota(user=by, rota=rota):
        raise NotAllowed
    if bracket not in Bracket.values:
        raise InvalidRota(_("Tranche inconnue."), field="bracket")
    rota.brackets = {**rota.brackets, str(place.pk): bracket}
    rota.save(update_fields=["brackets"])
    return rota


def add_slot(
    *, by: User, rota: Rota, place: Place, weekday: int, half: str, week: int = 1, purpose: str = ""
) -> RotaSlot:
    if not can_manage_rota(user=by, rota=rota):
        raise NotAllowed
    if place.pk not in {p.pk for p in member_places(network=rota.network)}:
        raise InvalidRota(
            _("Ce lieu n'est pas membre du réseau : la tournée ne passe que par ses membres."),
            field="place",
        )
    if not 0 <= weekday <= 6:
        raise InvalidRota(_("Jour inconnu."), field="weekday")
    if half not in Half.values:
        raise InvalidRota(_("Choisissez le matin ou l'après-midi."), field="half")
    if week not in (1, 2):
        raise InvalidRota(_("Semaine 1 ou semaine 2."), field="week")
    if rota.pattern == Rota.Pattern.WEEKLY:
        week = 1
    clash = rota.slots.filter(weekday=weekday, half=half, week=week).first()
    if clash is not None:
        raise SlotTaken(
            _("Cette demi-journée est déjà prise par un autre lieu de la tournée."),
            field="weekday",
        )
    return RotaSlot.objects.create(
        rota=rota, place=place, weekday=weekday, half=half, week=week, purpose=purpose.strip()
    )


def remove_slot(*, by: User, slot: RotaSlot) -> None:
    if not can_manage_rota(user=by, rota=slot.rota):
        raise NotAllowed
    slot.delete()


# --- generation -------------------------------------------------------------------------------


@dataclass
class Generated:
    created: list[Permanence] = field(default_factory=list)
    # (date, half, place, why) of the half days left out.
    skipped: list[tuple[datetime.date, str, Place, str]] = field(default_factory=list)


def _week_of(rota: Rota, day: datetime.date) -> int:
    """1 or 2: which week of a fortnightly rota a day falls in (weeks start on Monday)."""
    first_monday = rota.starts_on - datetime.timedelta(days=rota.starts_on.weekday())
    return (((day - first_monday).days // 7) % 2) + 1


def _closed(place_id: int, day: datetime.date, closures: list[Closure]) -> Closure | None:
    for closure in closures:
        if closure.place_id == place_id and closure.starts_on <= day <= closure.ends_on:
            return closure
    return None


def _absence(day: datetime.date, absences: list[Absence]) -> Absence | None:
    for absence in absences:
        if absence.starts_on <= day <= absence.ends_on:
            return absence
    return None


def generate_permanences(*, by: User, rota: Rota, since: datetime.date | None = None) -> Generated:
    """Plan the rota's permanences from `since` (default: its start) to its end. Public
    holidays, the place's closures and the facilitator's absences without a stand-in are left
    out; an absence with a stand-in gives them the permanence. Half days already planned (or
    requested) are kept as they are, so running it again only adds what is missing."""
    if not can_manage_rota(user=by, rota=rota):
        raise NotAllowed
    slots = list(rota.slots.select_related("place"))
    if not slots:
        raise InvalidRota(_("Ajoutez d'abord au moins un créneau (lieu, jour, demi-journée)."))
    start = max(rota.starts_on, since) if since else rota.starts_on
    place_ids = {slot.place_id for slot in slots}
    closures = list(
        Closure.objects.filter(
            place_id__in=place_ids, ends_on__gte=start, starts_on__lte=rota.ends_on
        )
    )
    absences = list(rota.absences.filter(ends_on__gte=start, starts_on__lte=rota.ends_on))
    # Any half day that has a row (even declined or cancelled) is not generated again.
    existing = set(
        Permanence.objects.filter(rota=rota, date__gte=start).values_list("date", "half")
    )
    result = Generated()
    to_create: list[Permanence] = []
    day = start
    while day <= rota.ends_on:
        for slot in slots:
            if slot.weekday != day.weekday():
                continue
            if rota.pattern == Rota.Pattern.FORTNIGHTLY and slot.week != _week_of(rota, day):
                continue
            if (day, slot.half) in existing:
                continue
            holiday = holiday_name(day)
            if holiday:
                result.skipped.append((day, slot.half, slot.place, _g("férié : %s") % holiday))
                continue
            closure = _closed(slot.place_id, day, closures)
            if closure is not None:
                why = _g("lieu fermé") + (f" ({closure.reason})" if closure.reason else "")
                result.skipped.append((day, slot.half, slot.place, why))
                continue
            facilitator_id, stands_in_for_id = rota.facilitator_id, None
            absence = _absence(day, absences)
            if absence is not None:
                if absence.stand_in_id is None:
                    result.skipped.append(
                        (day, slot.half, slot.place, _g("absence, sans remplaçant·e"))
                    )
                    continue
                facilitator_id, stands_in_for_id = absence.stand_in_id, rota.facilitator_id
            to_create.append(
                Permanence(
                    rota=rota,
                    place=slot.place,
                    facilitator_id=facilitator_id,
                    stands_in_for_id=stands_in_for_id,
                    date=day,
                    half=slot.half,
                    purpose=slot.purpose,
                )
            )
        day += datetime.timedelta(days=1)
    with transaction.atomic():
        for permanence in to_create:
            permanence.save()
    result.created = to_create
    return result


# --- closures and absences --------------------------------------------------------------------


def _check_period(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise InvalidRota(_("La fin précède le début."), field="ends_on")


def add_closure(
    *, by: User, place: Place, starts_on: datetime.date, ends_on: datetime.date, reason: str = ""
) -> Closure:
    """A place's managers say when it is closed; the permanences planned then are cancelled."""
    if not manages_place(user=by, place=place):
        raise NotAllowed(_("Seule l'équipe du lieu déclare ses fermetures."))
    _check_period(starts_on, ends_on)
    with transaction.atomic():
        closure = Closure.objects.create(
            place=place, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), created_by=by
        )
        cancelled = list(
            Permanence.objects.filter(
                place=place,
                date__gte=starts_on,
                date__lte=ends_on,
                status=Permanence.Status.PLANNED,
            ).select_related("rota")
        )
        Permanence.objects.filter(pk__in=[p.pk for p in cancelled]).update(
            status=Permanence.Status.CANCELLED, note=_g("Lieu fermé")
        )
    for permanence in cancelled:
        notify(
            users=[permanence.facilitator],
            topic="communication.permanence",
            title=_g("Permanence annulée : %(place)s est fermé le %(date)s")
            % {"place": place.name, "date": permanence.date.strftime("%d/%m/%Y")},
            url=f"/animation/permanences/{permanence.pk}/",
        )
    return closure


def add_absence(
    *,
    by: User,
    rota: Rota,
    starts_on: datetime.date,
    ends_on: datetime.date,
    stand_in: User | None = None,
    reason: str = "",
) -> Absence:
    """The facilitator is away: the planned permanences of the period go to the stand-in, or
    are cancelled when there is none."""
    if not (can_manage_rota(user=by, rota=rota) or by.pk == rota.facilitator_id):
        raise NotAllowed
    _check_period(starts_on, ends_on)
    if stand_in is not None and stand_in.pk == rota.facilitator_id:
        raise InvalidRota(
            _("Le ou la remplaçant·e ne peut être l'animateur·rice absent·e."), field="stand_in"
        )
    with transaction.atomic():
        absence = Absence.objects.create(
            rota=rota, starts_on=starts_on, ends_on=ends_on, stand_in=stand_in, reason=reason
        )
        planned = Permanence.objects.filter(
            rota=rota,
            date__gte=starts_on,
            date__lte=ends_on,
            status=Permanence.Status.PLANNED,
            facilitator_id=rota.facilitator_id,
        )
        if stand_in is not None:
            planned.update(facilitator=stand_in, stands_in_for_id=rota.facilitator_id)
        else:
            planned.update(status=Permanence.Status.CANCELLED, note=_g("Animateur·rice absent·e"))
    return absence


# --- what places do ---------------------------------------------------------------------------


def request_permanence(
    *, by: User, rota: Rota, place: Place, date: datetime.date, half: str, purpose: str = ""
) -> Permanence:
    """A member place asks for an extra half day; the coordination confirms it."""
    if not manages_place(user=by, place=place):
        raise NotAllowed(_("Seule l'équipe du lieu demande une permanence pour lui."))
    if place.pk not in {p.pk for p in member_places(network=rota.network)}:
        raise InvalidRota(_("Ce lieu n'est pas membre du réseau de la tournée."), field="place")
    if half not in Half.values:
        raise InvalidRota(_("Choisissez le matin ou l'après-midi."), field="half")
    if date <= timezone.localdate():
        raise InvalidRota(_("Demandez une date à venir."), field="date")
    if holiday_name(date):
        raise InvalidRota(
            _("Ce jour est férié (%(name)s) : choisissez-en un autre.")
            % {"name": holiday_name(date)},
            field="date",
        )
    if Permanence.objects.filter(
        rota=rota, date=date, half=half, status__in=["planned", "requested"]
    ).exists():
        raise SlotTaken(
            _("L'animateur·rice est déjà attendu·e ailleurs à ce moment."), field="date"
        )
    permanence = Permanence.objects.create(
        rota=rota,
        place=place,
        facilitator=rota.facilitator,
        date=date,
        half=half,
        purpose=purpose.strip(),
        status=Permanence.Status.REQUESTED,
    )
    from maillage.networks.selectors import coordinators

    notify(
        users=[role.user for role in coordinators(network=rota.network)],
        topic="communication.request",
        title=_g("%(place)s demande une permanence le %(date)s")
        % {"place": place.name, "date": date.strftime("%d/%m/%Y")},
        url=f"/animation/tournees/{rota.pk}/",
        key=f"communication.request:{permanence.pk}",
    )
    return permanence


def answer_request(*, by: User, permanence: Permanence, accept: bool) -> Permanence:
    if not can_manage_rota(user=by, rota=permanence.rota):
        raise NotAllowed
    if permanence.status != Permanence.Status.REQUESTED:
        raise SlotTaken(_("Cette demande a déjà reçu une réponse."))
    permanence.status = Permanence.Status.PLANNED if accept else Permanence.Status.DECLINED
    permanence.save(update_fields=["status", "updated_at"])
    notify(
        users=place_managers(place=permanence.place),
        topic="communication.request",
        title=(
            _g("Permanence confirmée le %(date)s")
            if accept
            else _g("Permanence non retenue le %(date)s")
        )
        % {"date": permanence.date.strftime("%d/%m/%Y")},
        url=f"/animation/permanences/{permanence.pk}/",
    )
    return permanence


def decline_permanence(*, by: User, permanence: Permanence, reason: str = "") -> Permanence:
    """A place says it cannot host this permanence (the facilitator is told)."""
    if not manages_place(user=by, place=permanence.place):
        raise NotAllowed(_("Seule l'équipe du lieu peut décliner sa permanence."))
    if permanence.status != Permanence.Status.PLANNED:
        raise SlotTaken(_("Cette permanence n'est plus prévue."))
    if permanence.date < timezone.localdate():
        raise SlotTaken(_("Cette permanence est passée."))
    permanence.status = Permanence.Status.DECLINED
    permanence.note = reason.strip()[:300]
    permanence.save(update_fields=["status", "note", "updated_at"])
    notify(
        users=[permanence.facilitator],
        topic="communication.permanence",
        title=_g("%(place)s décline la permanence du %(date)s")
        % {"place": permanence.place.name, "date": permanence.date.strftime("%d/%m/%Y")},
        body=permanence.note,
        url=f"/animation/permanences/{permanence.pk}/",
    )
    return permanence


def propose_swap(*, by: User, offered: Permanence, wanted: Permanence, message: str = "") -> Swap:
    """A place offers its permanence for another place's one (same rota); the other place must
    accept for anything to change."""
    if not manages_place(user=by, place=offered.place):
        raise NotAllowed(_("Seule l'équipe du lieu peut échanger sa permanence."))
    today = timezone.localdate()
    if offered.rota_id != wanted.rota_id:
        raise SwapRefused(
            _("On n'échange qu'entre permanences de la même tournée."), field="wanted"
        )
    if offered.place_id == wanted.place_id:
        raise SwapRefused(_("Choisissez la permanence d'un autre lieu."), field="wanted")
    for permanence in (offered, wanted):
        if permanence.status != Permanence.Status.PLANNED or permanence.date <= today:
            raise SwapRefused(
                _("Seules des permanences prévues et à venir s'échangent."), field="wanted"
            )
    if Swap.objects.filter(
        status=Swap.Status.PENDING, offered__in=[offered, wanted], wanted__in=[offered, wanted]
    ).exists():
        raise SwapRefused(_("Un échange de ces permanences attend déjà une réponse."))
    swap = Swap.objects.create(offered=offered, wanted=wanted, message=message.strip(), asked_by=by)
    notify(
        users=place_managers(place=wanted.place),
        topic="communication.swap",
        title=_g(
            "%(place)s propose d'échanger sa permanence du %(offered)s contre la vôtre du %(wanted)s"
        )
        % {
            "place": offered.place.name,
            "offered": offered.date.strftime("%d/%m"),
            "wanted": wanted.date.strftime("%d/%m"),
        },
        body=swap.message,
        url=f"/animation/lieux/{wanted.place.slug}/",
        key=f"communication.swap:{swap.pk}",
    )
    return swap


def answer_swap(*, by: User, swap: Swap, accept: bool) -> Swap:
    """The other place consents (the two places exchange their half days) or refuses."""
    with transaction.atomic():
        swap = Swap.objects.select_for_update().get(pk=swap.pk)
        offered = (
            Permanence.objects.select_for_update().select_related("place").get(pk=swap.offered_id)
        )
        wanted = (
            Permanence.objects.select_for_update().select_related("place").get(pk=swap.wanted_id)
        )
        if not manages_place(user=by, place=wanted.place):
            raise NotAllowed(_("Seule l'équipe du lieu sollicité peut répondre à cet échange."))
        if swap.status != Swap.Status.PENDING:
            raise SwapRefused(_("Cet échange a déjà reçu une réponse."))
        if accept:
            today = timezone.localdate()
            if any(
                p.status != Permanence.Status.PLANNED or p.date <= today for p in (offered, wanted)
            ):
                raise SwapRefused(
                    _("L'une des deux permanences n'est plus prévue : échange impossible.")
                )
            offered.place, wanted.place = wanted.place, offered.place
            offered.purpose, wanted.purpose = wanted.purpose, offered.purpose
            offered.save(update_fields=["place", "purpose", "updated_at"])
            wanted.save(update_fields=["place", "purpose", "updated_at"])
        swap.status = Swap.Status.ACCEPTED if accept else Swap.Status.REFUSED
        swap.decided_by = by
        swap.decided_at = timezone.now()
        swap.save(update_fields=["status", "decided_by", "decided_at"])
    from maillage.notifications.services import mark_handled

    mark_handled(key=f"communication.swap:{swap.pk}")
    users = [swap.asked_by]
    if accept:
        users.append(offered.facilitator)
    notify(
        users=users,
        topic="communication.swap",
        title=(
            _g("Échange de permanences accepté") if accept else _g("Échange de permanences refusé")
        ),
        url=f"/animation/permanences/{offered.pk}/",
        exclude=by,
    )
    return swap


def withdraw_swap(*, by: User, swap: Swap) -> Swap:
    if not manages_place(user=by, place=swap.offered.place):
        raise NotAllowed
    if swap.status != Swap.Status.PENDING:
        raise SwapRefused(_("Cet échange a déjà reçu une réponse."))
    swap.status = Swap.Status.WITHDRAWN
    swap.save(update_fields=["status"])
    return swap


# --- the visit log ----------------------------------------------------------------------------


def log_visit(
    *,
    by: User,
    permanence: Permanence,
    notes: str,
    people_met: int | None = None,
    needs: list[str] | None = None,
) -> Visit:
    """The facilitator writes (or rewrites) the log of a permanence; new needs are added."""
    if not can_log_visit(user=by, permanence=permanence):
        raise NotAllowed(_("Seul·e l'animateur·rice venu·e tient le journal de cette permanence."))
    if permanence.date > timezone.localdate():
        raise InvalidRota(_("Le journal s'écrit le jour même ou après la permanence."))
    if people_met is not None and people_met < 0:
        raise InvalidRota(_("Un nombre de personnes ne peut être négatif."), field="people_met")
    with transaction.atomic():
        visit, _created = Visit.objects.update_or_create(
            permanence=permanence,
            defaults={"notes": notes.strip(), "people_met": people_met, "written_by": by},
        )
        for text in needs or []:
            if text.strip():
                Need.objects.create(visit=visit, text=text.strip()[:300])
    return visit


def need_to_orientation(*, by: User, need: Need):
    """Turn a need into an orientation request of the commons (filed by the facilitator, for
    the place's commune), once."""
    from maillage.commons.orientation import RequestData, file_request

    permanence = need.visit.permanence
    if not can_log_visit(user=by, permanence=permanence):
        raise NotAllowed
    if need.orientation_id is not None:
        raise SlotTaken(_("Ce besoin a déjà été confié à l'aiguillage."))
    place = permanence.place
    request = file_request(
        by=by,
        data=RequestData(
            need=_g("%(need)s (repéré à %(place)s lors de la permanence du %(date)s)")
            % {
                "need": need.text,
                "place": place.name,
                "date": permanence.date.strftime("%d/%m/%Y"),
            },
            commune=place.commune,
            maturity="established",
        ),
    )
    need.orientation_id = request.pk
    need.save(update_fields=["orientation_id"])
    return request


# --- the shared cost --------------------------------------------------------------------------


def _weights(rota: Rota, places: list[Place]) -> dict[int, int]:
    if rota.cost_key == CostKey.SIZE:
        capacities = dict(
            Space.objects.filter(place__in=places)
            .values_list("place_id")
            .annotate(total=Sum("capacity"))
            .values_list("place_id", "total")
        )
        return {p.pk: max(int(capacities.get(p.pk) or 0), 1) for p in places}
    if rota.cost_key == CostKey.BRACKET:
        return {
            p.pk: BRACKET_WEIGHTS[Bracket(rota.brackets.get(str(p.pk), Bracket.MEDIUM))]
            for p in places
        }
    return {p.pk: 1 for p in places}


def cost_shares(*, rota: Rota) -> list[tuple[Place, int]]:
    """Each place's share of the post's cost (cents, summing to the cost exactly: the
    remainders go to the largest fractions)."""
    if not rota.cost_cents:
        return []
    places = list(Place.objects.filter(pk__in=rota.slots.values("place_id")).order_by("name"))
    if not places:
        return []
    weights = _weights(rota, places)
    total = sum(weights.values())
    exact = {p.pk: rota.cost_cents * weights[p.pk] / total for p in places}
    shares = {pk: int(value) for pk, value in exact.items()}
    left = rota.cost_cents - sum(shares.values())
    for pk in sorted(exact, key=lambda pk: (-(exact[pk] - shares[pk]), pk))[:left]:
        shares[pk] += 1
    return [(p, shares[p.pk]) for p in places]


def post_account(rota: Rota):
    return ledger.owned_account(
        network=rota.network, kind=RotaAccountKind.POST, owner=rota, label=rota.title
    )


def charge_costs(*, by: User, rota: Rota) -> list[CostCharge]:
    """Post each place's share to the ledger (place → post), once per place."""
    if not can_manage_rota(user=by, rota=rota):
        raise NotAllowed
    shares = cost_shares(rota=rota)
    if not shares:
        raise InvalidRota(_("Indiquez le coût du poste et au moins un lieu avant de répartir."))
    charges = []
    with transaction.atomic():
        credit = post_account(rota)
        for place, cents in shares:
            if cents <= 0 or CostCharge.objects.filter(rota=rota, place=place).exists():
                continue
            charge = CostCharge.objects.create(
                rota=rota, place=place, amount_cents=cents, charged_by=by
            )
            transfer = ledger.post_transfer(
                debit=ledger.place_account(network=rota.network, place=place),
                credit=credit,
                amount_cents=cents,
                reason=RotaReason.COST_SHARE,
                idempotency_key=f"communication.cost:{rota.pk}:{place.pk}",
                memo=rota.title,
                cause=charge,
                by=by,
            )
            charge.transfer_id = transfer.pk
            charge.save(update_fields=["transfer_id"])
            charges.append(charge)
    return charges
