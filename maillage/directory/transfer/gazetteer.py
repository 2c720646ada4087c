"""Resolving a row's commune from the gazetteer held in memory (one query, not one per row)."""

import math
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
        # Communes with a centre, by cells of a tenth of a degree (about 11 km by 8 km).
        self.cells: dict[tuple[int, int], list[Commune]] = defaultdict(list)
        for commune in self.by_code.values():
            if commune.latitude is not None and commune.longitude is not None:
                self.cells[_cell(commune.latitude, commune.longitude)].append(commune)

    def nearest(self, latitude: float, longitude: float) -> tuple[Commune, float] | None:
        """The commune whose centre is closest to the point, within NEAREST_COMMUNE_KM."""
        cy, cx = _cell(latitude, longitude)
        best: tuple[Commune, float] | None = None
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for commune in self.cells.get((cy + dy, cx + dx), []):
                    assert commune.latitude is not None and commune.longitude is not None
                    km = distance_km(latitude, longitude, commune.latitude, commune.longitude)
                    if km <= NEAREST_COMMUNE_KM and (best is None or km < best[1]):
                        best = (commune, km)
        return best


# A point with no commune at all is given the commune whose centre is nearest, if it is this
# close (a commune's centre is rarely more than a few kilometres from its places).
NEAREST_COMMUNE_KM = 6


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return (math.floor(latitude * 10), math.floor(longitude * 10))


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
    if value.lower() in {"null", "0null", "none", "nan", "n/a", "-"}:
        return ""  # how some exports write an empty code
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
            # Filling an absent code changes nothing the file said: not a correction.
            (result.notes if insee in ("", "0") else result.repairs).append(
                template
                % {"code": insee, "how": how, "name": commune.name, "new": commune.code_insee}
            )
    found = None
    if result.commune is None and latitude is not None and longitude is not None:
        found = index.nearest(latitude, longitude)
    if found is not None and not name and insee in ("", "0"):
        # No code and no name (the CGET 2019 census's last 49 rows): the position says where.
        result.commune = found[0]
        result.notes.append(
            _(
                "Ni code INSEE ni nom de commune : commune déduite de la position du lieu : "
                "%(name)s (%(code)s), dont le centre est à %(km)s km. Vérifiez-la."
            )
            % {
                "name": found[0].name,
                "code": found[0].code_insee,
                "km": f"{found[1]:.1f}".replace(".", ","),
            }
        )
    if result.commune is None:
        result.error = _(
            "Commune introuvable (code INSEE « %(insee)s », code postal « %(postal)s », commune "
            "« %(name)s ») : indiquez le code INSEE ou un code postal et un nom de commune "
            "français."
        ) % {"insee": row.insee_code or "", "postal": row.postal_code or "", "name": name}
        if found is not None:
            # A name that is no commune ("Sophia Antipolis"), or a foreign one: suggest only.
            result.error += " " + _(
                "Le point tombe à %(name)s (%(code)s) : est-ce sa commune ?"
            ) % {"name": found[0].name, "code": found[0].code_insee}
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


def position_hint(index: CommuneIndex, commune: Commune, latitude: float, longitude: float) -> str:
    """What probably went wrong with a point far from its commune: a sign, swapped numbers,
    or where the point falls."""
    if commune.latitude is None or commune.longitude is None:
        return ""

    def fits(lat: float, lon: float) -> bool:
        assert commune.latitude is not None and commune.longitude is not None
        return (
            -90 <= lat <= 90
            and distance_km(lat, lon, commune.latitude, commune.longitude) <= FITS_COMMUNE_KM
        )

    def number(value: float) -> str:
        return f"{value:g}".replace(".", ",")

    values = {"name": commune.name}
    if longitude and fits(latitude, -longitude):
        return _(
            "La longitude semble avoir le mauvais signe : %(bad)s au lieu de %(good)s ? "
            "Le point serait alors à %(name)s."
        ) % {**values, "bad": number(longitude), "good": number(-longitude)}
    if latitude and fits(-latitude, longitude):
        return _(
            "La latitude semble avoir le mauvais signe : %(bad)s au lieu de %(good)s ? "
            "Le point serait alors à %(name)s."
        ) % {**values, "bad": number(latitude), "good": number(-latitude)}
    if fits(longitude, latitude):
        return _(
            "La latitude et la longitude semblent inversées (%(lat)s et %(lon)s) : le point "
            "serait alors à %(name)s."
        ) % {**values, "lat": number(latitude), "lon": number(longitude)}
    found = index.nearest(latitude, longitude)
    if found is not None:
        return _("Le point tombe à %(other)s (%(code)s).") % {
            "other": found[0].name,
            "code": found[0].code_insee,
        }
    return ""


# A corrected point is taken to fit its commune within this distance of the centre.
FITS_COMMUNE_KM = 20
