"""Read the 2019 census of tiers-lieux and find today's commune of each row."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from maillage.places.models import PlaceType
from maillage.territory.models import Commune, FormerCommuneCode
from maillage.territory.selectors import normalize_name

CENSUS_FILE = (
    Path(__file__).resolve().parent.parent / "places" / "data" / "cget_tiers_lieux_2019.csv"
)
REGION_CODE = "32"
TYPES = {
    "Tiers lieux à dominante coworking": PlaceType.COWORKING,
    "Tiers lieux à dominante fablab": PlaceType.FABLAB,
}
# Legal prefixes of EPCI names, dropped to name a circle after its territory.
EPCI_PREFIXES = ["CA du ", "CA de la ", "CA de l'", "CA de ", "CA d'", "CA ", "CC du ", "CC de ",
                 "CC ", "CU de ", "CU d'", "CU "]  # fmt: skip
EPCI_SUFFIXES = [" Agglo", " Agglomération"]


def read_census(
    *, path: Path = CENSUS_FILE, region_code: str = REGION_CODE
) -> list[dict[str, str]]:
    """The census rows of one region, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["INSEEREG"] == region_code]


def clean_postal_code(raw: str) -> str:
    """A five-digit postal code, or "" (the census holds "0" and four-digit codes)."""
    raw = raw.strip()
    # Spreadsheets ate the leading zero of the Aisne's codes ("2400" for 02400).
    if raw.isdigit() and len(raw) == 4:
        raw = raw.zfill(5)
    return raw if raw.isdigit() and len(raw) == 5 else ""


def _name_key(name: str) -> str:
    key = normalize_name(name)
    for short, full in (("st ", "saint "), ("ste ", "sainte ")):
        if key.startswith(short):
            key = full + key[len(short) :]
        key = key.replace(f" {short}", f" {full}")
    return key


def resolve_commune(*, insee: str, postal_code: str, name: str) -> Commune | None:
    """Today's commune of a census row: by INSEE code, former code, or postal code and name."""
    insee = insee.strip()
    if insee and insee != "0":
        commune = Commune.objects.filter(code_insee=insee.zfill(5)).first()
        if commune is not None:
            return commune
        former = FormerCommuneCode.objects.filter(old_code=insee.zfill(5)).first()
        if former is not None:
            return former.commune
    postal_code = clean_postal_code(postal_code)
    if not postal_code or not name.strip():
        return None
    wanted = _name_key(name)
    candidates = list(Commune.objects.with_postal_code(postal_code))
    for commune in candidates:
        if _name_key(commune.name) == wanted:
            return commune
    # A commune merged since 2019 answers to its old name through the former codes.
    for former in FormerCommuneCode.objects.filter(commune__in=candidates).select_related(
        "commune"
    ):
        if _name_key(former.old_name) == wanted:
            return former.commune
    return None


def website(raw: str) -> str:
    """A usable URL from "www.example.org" and the like, or "" when it is not one."""
    raw = raw.strip()
    if not raw:
        return ""
    if "://" not in raw:
        raw = f"https://{raw}"
    try:
        URLValidator()(raw)
    except ValidationError:
        return ""
    return raw[:200]


def number(raw: str) -> float | None:
    """A coordinate, or None when the cell is empty or garbled."""
    try:
        return float(raw)
    except ValueError:
        return None


def circle_name(epci: str) -> str:
    """ "CA du Douaisis Agglo" → "Cercle Douaisis"."""
    short = epci
    for prefix in EPCI_PREFIXES:
        if short.startswith(prefix):
            short = short[len(prefix) :]
            break
    for suffix in EPCI_SUFFIXES:
        short = short.removesuffix(suffix)
    return f"Cercle {short.strip()}"
