"""A place's economic model as the directory shows it, for similar places.

The directory holds no "economic model" field; what it does hold says a lot: spaces rented at a
price, a members' price (a membership model), equipment lent for a fee, free or paid access (the
médiation numérique `frais_a_charge` tags), and the legal form when an import brought one in the
place's extra columns ("statut", "forme juridique", "structure"…). Each becomes one bit of
`PlaceFeatures.model_mask`. Pure functions: the migration that filled the masks uses them too.
"""

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

MODEL_LABELS = {
    "rents_spaces": _("location d'espaces"),
    "members_price": _("tarif adhérent"),
    "rents_equipment": _("location de matériel"),
    "free_access": _("accès gratuit"),
    "paid_services": _("services payants"),
    "association": _("association"),
    "cooperative": _("coopérative"),
    "company": _("société commerciale"),
    "public": _("structure publique"),
}
MODEL_BITS = {code: 1 << i for i, code in enumerate(MODEL_LABELS)}

# Words of a legal form, by kind (looked for in the extra columns that name a status).
LEGAL_WORDS = {
    "cooperative": ("scic", "scop", "coopérative", "cooperative", "cae"),
    "association": ("association", "asso", "loi 1901"),
    "company": ("sas", "sarl", "eurl", "sasu", "société", "societe", "entreprise"),
    "public": ("commune", "collectivité", "collectivite", "epci", "communauté de", "mairie"),
}
LEGAL_KEYS = ("statut", "juridique", "structure", "forme", "legal")


def legal_form(extra: Mapping[str, object]) -> str:
    """The kind of legal form named in the extra columns, or ""."""
    for key, value in extra.items():
        if not isinstance(value, str) or not any(word in key.lower() for word in LEGAL_KEYS):
            continue
        text = f" {' '.join(re.findall(r'[\w]+', value.lower()))} "
        for kind, words in LEGAL_WORDS.items():
            if any(f" {word} " in text for word in words):
                return kind
    return ""


def model_codes(
    *,
    spaces_priced: bool,
    members_price: bool,
    equipment_priced: bool,
    tags: Mapping[str, object],
    extra: Mapping[str, object],
) -> set[str]:
    codes = set()
    if spaces_priced:
        codes.add("rents_spaces")
    if members_price:
        codes.add("members_price")
    if equipment_priced:
        codes.add("rents_equipment")
    fees = tags.get("frais_a_charge") or []
    fee_values: Iterable[object] = fees if isinstance(fees, list) else [fees]
    for fee in fee_values:
        if not isinstance(fee, str):
            continue
        if fee.startswith("Gratuit"):
            codes.add("free_access")
        elif fee == "Payant":
            codes.add("paid_services")
    form = legal_form(extra)
    if form:
        codes.add(form)
    return codes


def model_mask(codes: Iterable[str]) -> int:
    value = 0
    for code in codes:
        value |= MODEL_BITS.get(code, 0)
    return value


def model_labels(mask: int) -> list[str]:
    return [str(MODEL_LABELS[code]) for code, bit in MODEL_BITS.items() if mask & bit]
