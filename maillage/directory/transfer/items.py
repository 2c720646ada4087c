"""Spaces and equipment carried by a place record (our GeoJSON and JSON exports).

Each record of the `spaces` or `equipment` list is checked with the same rules as the space
and equipment forms (the model's own checks: kinds, categories, sharing modes, price units,
lengths; prices in cents and never negative; a quantity of at least 1). An item is matched to
the place's existing items by its name (accents and case ignored); two items of the same name
pair in order. Matched items are updated or left unchanged, the others created; an item the
file does not mention is never deleted, and an empty value never erases a stored one.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from maillage.places.models import Equipment, Space
from maillage.places.services import (
    EQUIPMENT_FIELDS,
    SPACE_FIELDS,
    PlaceError,
    _check_prices,
    _full_clean,
)
from maillage.territory.selectors import normalize_name

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class Kind:
    """A kind of item: the row field holding its list, its model and its rules."""

    key: str
    model: type[models.Model]
    fields: list[str]
    prices: list[str]
    # A column only this kind's CSV export has, and the table's name in sentences.
    marker: str
    plural: str | Promise

    def label(self, position: int, name: str, *, line: int | None = None) -> str:
        if line is not None:
            # A row of the spaces or equipment CSV: the person finds it by its line.
            if not name:
                return _("Ligne %(n)s") % {"n": line}
            return _("Ligne %(n)s (« %(name)s »)") % {"n": line, "name": name}
        if not name:
            if self.key == "spaces":
                return _("Espace n° %(n)s") % {"n": position}
            return _("Équipement n° %(n)s") % {"n": position}
        if self.key == "spaces":
            return _("Espace n° %(n)s (« %(name)s »)") % {"n": position, "name": name}
        return _("Équipement n° %(n)s (« %(name)s »)") % {"n": position, "name": name}

    def counted(self, outcome: str, count: int) -> str:
        if self.key == "spaces":
            templates = {
                CREATED: ngettext("%(n)s espace créé", "%(n)s espaces créés", count),
                UPDATED: ngettext("%(n)s espace mis à jour", "%(n)s espaces mis à jour", count),
                UNCHANGED: ngettext("%(n)s espace inchangé", "%(n)s espaces inchangés", count),
            }
        else:
            templates = {
                CREATED: ngettext("%(n)s équipement créé", "%(n)s équipements créés", count),
                UPDATED: ngettext(
                    "%(n)s équipement mis à jour", "%(n)s équipements mis à jour", count
                ),
                UNCHANGED: ngettext(
                    "%(n)s équipement inchangé", "%(n)s équipements inchangés", count
                ),
            }
        return templates[outcome] % {"n": count}


SPACES = Kind(
    "spaces",
    Space,
    SPACE_FIELDS,
    ["price_member_cents", "price_network_cents", "price_public_cents"],
    marker="kind",
    plural=_lazy("espaces"),
)
EQUIPMENT = Kind(
    "equipment",
    Equipment,
    EQUIPMENT_FIELDS,
    ["deposit_cents", "price_cents"],
    marker="category",
    plural=_lazy("équipements"),
)
# The line of the CSV file an item was read from (spaces and equipment tables).
LINE = "__line__"
KINDS = [SPACES, EQUIPMENT]


@dataclass
class ItemPlan:
    """What importing one item does: create it, or update (or leave) the stored one."""

    kind: str
    data: dict[str, Any]
    outcome: str = CREATED
    pk: int | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return normalize_name(self.data["name"])


class _BadValue(Exception):
    pass


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _BadValue
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace("\u00a0", "").replace(" ", "")
        if cleaned.lstrip("-").isdigit():
            return int(cleaned)
    raise _BadValue


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"1", "true", "vrai", "oui", "yes", "x"}:
            return True
        if lowered in {"0", "false", "faux", "non", "no", ""}:
            return False
    raise _BadValue


def _values(kind: Kind, record: dict[str, Any], label: str) -> tuple[dict[str, Any], list[str]]:
    """The record's non-empty values, typed for the model; and what is wrong with them."""
    data: dict[str, Any] = {}
    errors: list[str] = []
    for name in kind.fields:
        value = record.get(name)
        if value is None or value == "":
            continue
        model_field = kind.model._meta.get_field(name)
        try:
            if isinstance(model_field, models.BooleanField):
                data[name] = _boolean(value)
            elif isinstance(model_field, models.IntegerField):
                data[name] = _integer(value)
            elif isinstance(value, str):
                data[name] = value.strip()
            else:
                raise _BadValue
        except _BadValue:
            errors.append(
                _("%(item)s : valeur illisible pour « %(field)s » : « %(value)s ».")
                % {"item": label, "field": name, "value": str(value)[:80]}
            )
    return data, errors


def check_items(kind: Kind, records: Any) -> tuple[list[ItemPlan], list[str]]:
    """Validate a row's list of items; return the plans (all "created" so far) or the errors."""
    if not isinstance(records, list):
        return [], [
            _("« %(field)s » doit être une liste d'objets.") % {"field": kind.key},
        ]
    plans: list[ItemPlan] = []
    errors: list[str] = []
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            errors.append(
                _("« %(field)s » n° %(n)s n'est pas un objet.") % {"field": kind.key, "n": position}
            )
            continue
        name = str(record.get("name") or "").strip()
        line = record.get(LINE)
        label = kind.label(position, name[:80], line=line if isinstance(line, int) else None)
        if not name:
            errors.append(_("%(item)s : le nom est vide.") % {"item": label})
            continue
        data, bad = _values(kind, record, label)
        if bad:
            errors += bad
            continue
        instance = kind.model(**data)
        try:
            _check_prices(instance, kind.prices)
            if kind is EQUIPMENT and (instance.quantity is None or instance.quantity < 1):
                raise PlaceError(_("La quantité doit être d'au moins 1."), field="quantity")
            _full_clean(
                instance, exclude=["place"], validate_unique=False, validate_constraints=False
            )
        except PlaceError as exc:
            where = f" (« {exc.field} »)" if exc.field else ""
            errors.append(f"{label}{where} : {exc.message}")
            continue
        plans.append(ItemPlan(kind=kind.key, data=data))
    return plans, errors


def match_items(plans_by_place: dict[int, list[ItemPlan]]) -> None:
    """Pair the plans of existing places with their stored items; refine the outcomes."""
    for kind in KINDS:
        wanted = {
            pk: [plan for plan in plans if plan.kind == kind.key]
            for pk, plans in plans_by_place.items()
        }
        pks = [pk for pk, plans in wanted.items() if plans]
        stored: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
        for start in range(0, len(pks), 500):
            for values in (
                kind.model.objects.filter(place_id__in=pks[start : start + 500])
                .order_by("pk")
                .values("pk", "place_id", *kind.fields)
            ):
                stored[(values["place_id"], normalize_name(values["name"]))].append(values)
        for pk in pks:
            for plan in wanted[pk]:
                candidates = stored.get((pk, plan.key))
                if not candidates:
                    continue
                current = candidates.pop(0)
                plan.pk = current["pk"]
                plan.changes = [
                    name for name, value in plan.data.items() if current.get(name) != value
                ]
                plan.outcome = UPDATED if plan.changes else UNCHANGED


def describe(plans: list[ItemPlan]) -> str:
    """ "2 espaces créés, 1 équipement mis à jour" (empty when there is nothing to say)."""
    parts = []
    for kind in KINDS:
        for outcome in (CREATED, UPDATED, UNCHANGED):
            count = sum(1 for p in plans if p.kind == kind.key and p.outcome == outcome)
            if count:
                parts.append(kind.counted(outcome, count))
    return ", ".join(parts)


def count(plans: list[ItemPlan]) -> dict[str, dict[str, int]]:
    return {
        kind.key: {
            outcome: sum(1 for p in plans if p.kind == kind.key and p.outcome == outcome)
            for outcome in (CREATED, UPDATED, UNCHANGED)
        }
        for kind in KINDS
    }


def write_items(plans_by_place: dict[int, list[ItemPlan]]) -> set[int]:
    """Create and update the planned items; return the ids of the places whose items changed."""
    now = timezone.now()
    touched: set[int] = set()
    for kind in KINDS:
        new = []
        for place_id, plans in plans_by_place.items():
            for plan in plans:
                if plan.kind != kind.key:
                    continue
                if plan.outcome == CREATED:
                    new.append(kind.model(place_id=place_id, last_confirmed_at=now, **plan.data))
                    touched.add(place_id)
                elif plan.outcome == UPDATED and plan.pk:
                    changes = {name: plan.data[name] for name in plan.changes}
                    kind.model.objects.filter(pk=plan.pk).update(
                        **changes, last_confirmed_at=now, updated_at=now
                    )
                    touched.add(place_id)
        kind.model.objects.bulk_create(new, batch_size=500)
    return touched
