"""The licences a commons may carry, by SPDX identifier (https://spdx.org/licenses/), with the
Creative Commons and French public-sector ones networks meet most."""

from django.utils.translation import gettext_lazy as _

# identifier → (name, whether it lets anyone reuse and modify, commercial use included)
LICENCES: dict[str, tuple[str, bool]] = {
    "AGPL-3.0": ("GNU Affero GPL v3", True),
    "AGPL-3.0-only": ("GNU Affero GPL v3 (seule)", True),
    "AGPL-3.0-or-later": ("GNU Affero GPL v3 ou ultérieure", True),
    "GPL-2.0-or-later": ("GNU GPL v2 ou ultérieure", True),
    "GPL-3.0": ("GNU GPL v3", True),
    "GPL-3.0-only": ("GNU GPL v3 (seule)", True),
    "GPL-3.0-or-later": ("GNU GPL v3 ou ultérieure", True),
    "LGPL-3.0-or-later": ("GNU LGPL v3 ou ultérieure", True),
    "MIT": ("MIT", True),
    "Apache-2.0": ("Apache 2.0", True),
    "BSD-2-Clause": ("BSD 2 clauses", True),
    "BSD-3-Clause": ("BSD 3 clauses", True),
    "MPL-2.0": ("Mozilla Public License 2.0", True),
    "EUPL-1.2": ("Licence publique de l'Union européenne 1.2", True),
    "CECILL-2.1": ("CeCILL 2.1", True),
    "CECILL-B": ("CeCILL-B", True),
    "CECILL-C": ("CeCILL-C", True),
    "CC0-1.0": ("Creative Commons Zéro", True),
    "CC-BY-3.0": ("Creative Commons Attribution 3.0", True),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", True),
    "CC-BY-SA-3.0": ("Creative Commons Attribution – Partage dans les mêmes conditions 3.0", True),
    "CC-BY-SA-4.0": ("Creative Commons Attribution – Partage dans les mêmes conditions 4.0", True),
    "CC-BY-NC-4.0": ("Creative Commons Attribution – Pas d'utilisation commerciale 4.0", False),
    "CC-BY-NC-SA-4.0": (
        "Creative Commons Attribution – Pas d'utilisation commerciale – Partage dans les mêmes "
        "conditions 4.0",
        False,
    ),
    "CC-BY-ND-4.0": ("Creative Commons Attribution – Pas de modification 4.0", False),
    "ODbL-1.0": ("Open Database License 1.0", True),
    "etalab-2.0": ("Licence Ouverte 2.0 (Etalab)", True),
    "CERN-OHL-S-2.0": ("CERN Open Hardware Licence v2, fortement réciproque", True),
    "CERN-OHL-W-2.0": ("CERN Open Hardware Licence v2, faiblement réciproque", True),
    "CERN-OHL-P-2.0": ("CERN Open Hardware Licence v2, permissive", True),
}
_BY_LOWER = {key.lower(): key for key in LICENCES}
CHOICES = [(key, f"{key} — {name}") for key, (name, _open) in LICENCES.items()]


def canonical(identifier: str) -> str | None:
    """The SPDX identifier as SPDX spells it ("cc-by-sa-4.0" → "CC-BY-SA-4.0"), or None."""
    return _BY_LOWER.get(identifier.strip().lower())


def name_of(identifier: str) -> str:
    known = LICENCES.get(identifier)
    return known[0] if known else identifier


def is_fully_open(identifier: str) -> bool:
    known = LICENCES.get(identifier)
    return bool(known and known[1])


def spdx_url(identifier: str) -> str:
    return f"https://spdx.org/licenses/{identifier}.html"


UNKNOWN_MESSAGE = _(
    "Licence inconnue : indiquez son identifiant SPDX (par exemple AGPL-3.0 ou CC-BY-SA-4.0)."
)
