"""The catalogue as open data (CSV and JSON): the entries, their links, the places that use them
and how many people one can call — never who they are (that stays on the page, by consent)."""

from typing import Any

from django.db.models import QuerySet

from maillage.commons import licences
from maillage.commons.models import Commons

LICENCE_OF_EXPORT = "etalab-2.0"
COLUMNS = [
    "id",
    "nom",
    "resume",
    "nature",
    "licence",
    "actions",
    "domaines",
    "site_web",
    "liens",
    "lieux_utilisateurs",
    "personnes_a_appeler",
    "reseau",
    "mis_a_jour",
]


def rows(commons: QuerySet[Commons]) -> list[dict[str, Any]]:
    out = []
    for entry in commons.prefetch_related("links", "usages__place"):
        out.append(
            {
                "id": entry.slug,
                "nom": entry.name,
                "resume": entry.summary,
                "nature": entry.nature,
                "licence": entry.licence,
                "actions": "|".join(entry.actions),
                "domaines": "|".join(entry.domains),
                "site_web": entry.website,
                "liens": "|".join(link.url for link in entry.links.all()),
                "lieux_utilisateurs": "|".join(
                    u.place.name for u in entry.usages.all() if u.place.is_published
                ),
                "personnes_a_appeler": getattr(entry, "contact_count", 0),
                "reseau": entry.network.name,
                "mis_a_jour": entry.updated_at.date().isoformat(),
            }
        )
    return out


def as_json(data: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "licence": licences.spdx_url(LICENCE_OF_EXPORT),
        "source": "Maillage",
        "communs": [
            {**row, "actions": row["actions"].split("|") if row["actions"] else [],
             "domaines": row["domaines"].split("|") if row["domaines"] else [],
             "liens": row["liens"].split("|") if row["liens"] else [],
             "lieux_utilisateurs": row["lieux_utilisateurs"].split("|") if row["lieux_utilisateurs"] else []}
            for row in data
        ],
    }  # fmt: skip
