"""The French *lieux de médiation numérique* schema (v1.0.2): its multi-valued fields, kept on
a place as tags (`Place.tags`), and the values the schema allows in each.

Tags keep what a file said, word for word, under the file's own field name (older files say
`publics_accueillis` or `labels_nationaux`): nothing is translated on the way in, and the
médiation numérique export gives back the values the schema allows.
"""

from django.utils.translation import gettext_lazy as _

# Multi-valued fields of the schema (v1.0.2) and of its older versions, `|`-separated.
TAG_FIELDS = [
    "typologie",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "itinerance",
    # Older versions of the schema.
    "publics_accueillis",
    "labels_nationaux",
    "labels_autres",
]

# The values the schema allows (constraints of schema.json, v1.0.2).
ALLOWED: dict[str, frozenset[str]] = {
    "itinerance": frozenset(
        [
            "Itinérant",
            "Fixe",
        ]
    ),
    "services": frozenset(
        [
            "Aide aux démarches administratives",
            "Maîtrise des outils numériques du quotidien",
            "Insertion professionnelle via le numérique",
            "Utilisation sécurisée du numérique",
            "Parentalité et éducation avec le numérique",
            "Loisirs et créations numériques",
            "Compréhension du monde numérique",
            "Accès internet et matériel informatique",
            "Acquisition de matériel informatique à prix solidaire",
        ]
    ),
    "publics_specifiquement_adresses": frozenset(
        [
            "Jeunes",
            "Étudiants",
            "Familles et/ou enfants",
            "Seniors",
            "Femmes",
        ]
    ),
    "prise_en_charge_specifique": frozenset(
        [
            "Surdité",
            "Handicaps moteurs",
            "Handicaps mentaux",
            "Illettrisme",
            "Langues étrangères (anglais)",
            "Langues étrangères (autres)",
            "Déficience visuelle",
        ]
    ),
    "frais_a_charge": frozenset(
        [
            "Gratuit",
            "Gratuit sous condition",
            "Payant",
        ]
    ),
    "dispositif_programmes_nationaux": frozenset(
        [
            "Aidants Connect",
            "Bibliothèques numérique de référence",
            "Certification PIX",
            "Conseillers numériques",
            "Emmaüs Connect",
            "France Services",
            "Grande école du numérique",
            "La Croix Rouge",
            "Point d'accès numérique CAF",
            "Promeneurs du net",
            "Relais numérique (Emmaüs Connect)",
        ]
    ),
    "formations_labels": frozenset(
        [
            "Formé à « Mon Espace Santé »",
            "Formé à « DUPLEX » (illettrisme)",
            "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
            "Collectif ressources et acteurs réemploi (Normandie)",
            "Étapes numériques(La Poste)",
            "Fabriques de Territoire",
            "Les Éclaireurs du numérique (Drôme)",
            "Mes Papiers (Métropole de Lyon)",
            "ORDI 3.0",
            "SUD LABS (PACA)",
        ]
    ),
    "modalites_acces": frozenset(
        [
            "Se présenter",
            "Téléphoner",
            "Contacter par mail",
            "Prendre un RDV en ligne",
            "Ce lieu n'accueille pas de public",
            "Envoyer un mail avec une fiche de prescription",
        ]
    ),
    "modalites_accompagnement": frozenset(
        [
            "En autonomie",
            "Accompagnement individuel",
            "Dans un atelier collectif",
            "À distance",
        ]
    ),
}

# How a tag key reads on a page and in the search facets.
TAG_LABELS = {
    "typologie": _("Typologie"),
    "services": _("Services"),
    "publics_specifiquement_adresses": _("Publics"),
    "publics_accueillis": _("Publics"),
    "prise_en_charge_specifique": _("Prise en charge spécifique"),
    "frais_a_charge": _("Frais à charge"),
    "dispositif_programmes_nationaux": _("Dispositifs nationaux"),
    "labels_nationaux": _("Dispositifs nationaux"),
    "formations_labels": _("Formations et labels"),
    "autres_formations_labels": _("Autres labels"),
    "labels_autres": _("Autres labels"),
    "modalites_acces": _("Modalités d'accès"),
    "modalites_accompagnement": _("Modalités d'accompagnement"),
    "itinerance": _("Itinérance"),
}


def split_values(value: object) -> list[str]:
    """The values of a multi-valued cell: `|` (the schema) or `;` (older files), or a list."""
    if isinstance(value, list):
        parts = [str(item) for item in value]
    else:
        text = str(value or "")
        parts = text.split("|") if "|" in text else text.split(";")
    return list(dict.fromkeys(part.strip() for part in parts if part.strip()))


def allowed_values(key: str, values: list[str]) -> list[str]:
    """The values the schema allows for this field (all of them for a free field)."""
    allowed = ALLOWED.get(key)
    return [value for value in values if allowed is None or value in allowed]


# The tags the directory search filters on: its query key, the label, the tag keys holding the
# values (the schema's current name first, then older ones).
SEARCH_TAGS = [
    ("service", _("Services de médiation numérique"), ("services",)),
    (
        "audience",
        _("Publics accueillis"),
        ("publics_specifiquement_adresses", "publics_accueillis"),
    ),
]


def search_tags(tags: dict[str, object] | None) -> list[tuple[str, str, list[str]]]:
    """(query key, label, values) of the services and publics in a place's tags, for links to
    the search filtered on each value."""
    found = []
    for key, label, names in SEARCH_TAGS:
        values: dict[str, None] = {}
        for name in names:
            values.update(dict.fromkeys(split_values((tags or {}).get(name) or [])))
        if values:
            found.append((key, str(label), list(values)))
    return found
