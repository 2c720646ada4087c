"""Resolving a row's commune from the gazetteer held in memory (one query, not one per row)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from maillage.directory.transfer.rows import (
    ImportRow,
)
from maillage.lib.french import de
from maillage.lib.geo import distance_km
from maillage.territory.models import Commune, FormerCommuneCode
from maillage.territory.selectors import normalize_name


def _name_key(name: str) -> str:
    """A commune name for comparison: no accents, "st" spelt "saint", no leading article."""
    key = normalize_name(name)
    for short, full in (("st ", "saint "), ("ste ", "sainte ")):
        if key.startswith(short):
            key = full + key[len(short) :]
        key = key.replace(f" {short}", f" {full}")
    for article in ("le ", "la ", "les ", "l "):
        if key.startswith(article):
            key = key[len(article) :]
            break
    return key


class CommuneIndex:
    """Every commune and former code in dictionaries: resolution costs no query per row."""

    def __init__(self) -> None:
        self.by_code: dict[str, Commune] = {}
        self.by_postal: dict[str, list[Commune]] = defaultdict(list)
        self.by_name: dict[str, list[Commune]] = defaultdict(list)
        for commune in Commune.objects.only(
            "code_insee", "name", "postal_codes", "latitude", "longitude", "department_code"
        ):
            self.by_code[commune.code_insee] = commune
            for code in commune.postal_code_list:
                self.by_postal[code].append(commune)
            self.by_name[_name_key(commune.name)].append(commune)
        self.former: dict[str, Commune] = {}
        for old_code, old_name, commune_id in FormerCommuneCode.objects.values_list(
            "old_code", "old_name", "commune_id"
        ):
            commune = self.by_code.get(commune_id)
            if commune is None:
                continue
            self.former.setdefault(old_code, commune)
            if old_name and commune not in self.by_name[_name_key(old_name)]:
                self.by_name[_name_key(old_name)].append(commune)


@dataclass
class Resolution:
    commune: Commune | None = None
    postal_code: str = ""
    repairs: list[str] = field(default_factory=list)
    # What the person should know but that changed nothing in the file (a commune found by its
    # name when no INSEE code was given): not counted as a correction.
    notes: list[str] = field(default_factory=list)
    error: str = ""


def _digits(value: str) -> str:
    value = value.strip()
    if value.endswith(".0"):  # a spreadsheet turned the code into a number
        value = value[:-2]
    return value


FORMER_COMMUNE_KM = 8


def _near(commune: Commune, latitude: float | None, longitude: float | None) -> bool:
    """Whether the point is within 30 km of the commune's centre (True when either is unknown)."""
    if None in (latitude, longitude, commune.latitude, commune.longitude):
        return True
    return distance_km(latitude, longitude, commune.latitude, commune.longitude) <= 30


def _pick(
    communes: list[Commune], latitude: float | None, longitude: float | None
) -> Commune | None:
    """The one commune among candidates that fits the position, if there is exactly one."""
    if latitude is not None and longitude is not None:
        placed = [
            c
            for c in communes
            if c.latitude is not None and c.longitude is not None and _near(c, latitude, longitude)
        ]
        if placed:
            return min(
                placed, key=lambda c: distance_km(latitude, longitude, c.latitude, c.longitude)
            )
        unplaced = [c for c in communes if c.latitude is None or c.longitude is None]
        return unplaced[0] if len(unplaced) == 1 else None
    return communes[0] if len(communes) == 1 else None


def _by_name(
    index: CommuneIndex, postal: str, name: str, latitude: float | None, longitude: float | None
) -> tuple[Commune | None, str]:
    """Find the commune from the postal code and the name; return it and how it was found."""
    key = _name_key(name) if name else ""
    in_postal = index.by_postal.get(postal, [])
    if key:
        named = index.by_name.get(key, [])
        commune = _pick([c for c in in_postal if c in named], latitude, longitude)
        if commune is not None:
            return commune, _("le code postal et le nom")
        # "Florac" for "Florac Trois Rivières": a commune renamed when it merged.
        starting = [c for c in in_postal if _name_key(c.name).startswith(key + " ")]
        commune = _pick(starting, latitude, longitude)
        if commune is not None:
            return commune, _("le code postal et le début du nom")
        commune = _pick(named, latitude, longitude)
        if commune is not None:
            return commune, _("son nom et la position du lieu")
    # A quarter ("Montfavet") or an arrondissement ("Marseille 3") under the postal code of
    # exactly one commune.
    commune = _pick(in_postal, latitude, longitude) if len(in_postal) == 1 else None
    if commune is not None:
        return commune, _("le code postal (seule commune de ce code)")
    # A former commune whose name the gazetteer no longer holds ("Malaville", merged in 2017):
    # the commune of this postal code whose centre is a few kilometres from the point.
    if latitude is not None and longitude is not None:
        close = [
            c
            for c in in_postal
            if c.latitude is not None
            and c.longitude is not None
            and distance_km(latitude, longitude, c.latitude, c.longitude) <= FORMER_COMMUNE_KM
        ]
        if close:
            commune = min(
                close, key=lambda c: distance_km(latitude, longitude, c.latitude, c.longitude)
            )
            return commune, _("le code postal et la position du lieu")
    return None, ""


def _by_code(index: CommuneIndex, insee: str, result: "Resolution") -> str:
    """Resolve by INSEE code or former code into `result`; return the code as read."""
    code = insee.zfill(5) if insee.isdigit() and len(insee) == 4 else insee
    commune = index.by_code.get(code)
    if commune is not None:
        if code != insee:
            result.repairs.append(
                _("Code INSEE « %(raw)s » corrigé en « %(fixed)s » (zéro initial perdu).")
                % {"raw": insee, "fixed": code}
            )
        result.commune = commune
    elif code in index.former:
        result.commune = index.former[code]
        result.repairs.append(
            _(
                "Code INSEE « %(code)s » d'une commune fusionnée depuis : rattaché à %(name)s (%(new)s)."
            )
            % {"code": code, "name": result.commune.name, "new": result.commune.code_insee}
        )
    return code


def resolve_commune(
    row: ImportRow, index: CommuneIndex, latitude: float | None, longitude: float | None
) -> Resolution:
    """Today's commune of a row: INSEE code, former code, postal code + name, then name alone."""
    result = Resolution()
    insee = _digits(row.insee_code).upper()
    postal = _digits(row.postal_code)
    name = row.commune_name.strip()
    # Spreadsheets eat the leading zero of codes in départements 01 to 09.
    if postal.isdigit() and len(postal) == 4 and postal.zfill(5) in index.by_postal:
        result.repairs.append(
            _("Code postal « %(raw)s » corrigé en « %(fixed)s » (zéro initial perdu).")
            % {"raw": postal, "fixed": postal.zfill(5)}
        )
        postal = postal.zfill(5)
    if insee and insee != "0":
        code = _by_code(index, insee, result)
        if result.commune is not None and not _near(result.commune, latitude, longitude):
            # A wrong code (the Mont-Dore of Auvergne for the one of Nouvelle-Calédonie): the
            # name and postal code may say better.
            other, how = _by_name(index, postal, name, latitude, longitude)
            if other is not None and other != result.commune and _near(other, latitude, longitude):
                result.repairs.append(
                    _(
                        "Le code INSEE « %(code)s » désigne %(wrong)s, loin du point : commune "
                        "retrouvée par %(how)s : %(name)s (%(new)s)."
                    )
                    % {
                        "code": code,
                        "wrong": result.commune.name,
                        "how": how,
                        "name": other.name,
                        "new": other.code_insee,
                    }
                )
                result.commune = other
    if result.commune is None:
        commune, how = _by_name(index, postal, name, latitude, longitude)
        if commune is not None:
            result.commune = commune
            template = (
                _(
                    "Code INSEE absent (« %(code)s ») : commune retrouvée par %(how)s : %(name)s (%(new)s)."
                )
                if insee in ("", "0")
                else _(
                    "Code INSEE « %(code)s » inconnu : commune retrouvée par %(how)s : %(name)s (%(new)s)."
                )
            )
            (result.notes if insee == "" else result.repairs).append(
                template
                % {"code": insee, "how": how, "name": commune.name, "new": commune.code_insee}
            )
    if result.commune is None:
        result.error = _(
            "Commune introuvable (code INSEE « %(insee)s », code postal « %(postal)s », commune "
            "« %(name)s ») : indiquez le code INSEE ou un code postal et un nom de commune "
            "français."
        ) % {"insee": row.insee_code or "", "postal": row.postal_code or "", "name": name}
        return result
    codes = result.commune.postal_code_list
    if postal and postal in codes:
        result.postal_code = postal
    elif len(codes) == 1:
        result.postal_code = codes[0]
        if postal and postal != "0":
            result.repairs.append(
                _("Code postal « %(raw)s » remplacé par celui %(de_name)s : %(code)s.")
                % {"raw": postal, "de_name": de(result.commune.name), "code": codes[0]}
            )
    elif postal and postal != "0":
        result.repairs.append(
            _("Code postal « %(raw)s » qui n'est pas celui %(de_name)s : laissé vide.")
            % {"raw": postal, "de_name": de(result.commune.name)}
        )
    return result
