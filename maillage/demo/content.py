"""Invented content of the demo: names, skills, charters. Nothing here comes from the census."""

FIRST_NAMES = [
    "Agathe", "Amandine", "Antoine", "Aurélien", "Bastien", "Bérénice", "Camille", "Chloé",
    "Clément", "Delphine", "Élodie", "Émile", "Fatou", "Florian", "Gaëlle", "Hugo", "Inès",
    "Jérôme", "Justine", "Karim", "Léa", "Lucas", "Maëlys", "Malik", "Manon", "Mathis", "Nadia",
    "Nicolas", "Océane", "Pauline", "Quentin", "Rachida", "Romain", "Salomé", "Sofiane",
    "Thomas", "Valentin", "Yasmine", "Yohan", "Zoé",
]  # fmt: skip

LAST_NAMES = [
    "Bernard", "Boulanger", "Carpentier", "Caron", "Declercq", "Delattre", "Deprez", "Dubois",
    "Dufour", "Duhamel", "Fontaine", "Gheysens", "Hennebelle", "Lefebvre", "Lemaire", "Leroy",
    "Mahieu", "Martin", "Mercier", "Nowak", "Petit", "Poulain", "Roussel", "Vandenbussche",
    "Vasseur", "Verhaeghe", "Wallart", "Willems",
]  # fmt: skip

# (name, precision), shared by coworkers; each coworker shows one publicly, one to the
# members of their networks and keeps one private.
SKILLS = [
    ("Animation de communauté", "Cafés-rencontres, accueil des nouveaux membres"),
    ("Comptabilité associative", "Budget prévisionnel, clôture des comptes"),
    ("Design graphique", "Affiches, identité visuelle, Inkscape"),
    ("Facilitation", "Gouvernance partagée, prise de décision par consentement"),
    ("Impression 3D", "Réglages, choix des matériaux, modélisation FreeCAD"),
    ("Découpe laser", "Préparation des fichiers, sécurité"),
    ("Développement web", "Django, accessibilité numérique"),
    ("Rédaction de dossiers de subvention", "Fabrique de territoire, FEDER, fondations"),
    ("Menuiserie", "Mobilier en bois de récupération"),
    ("Photographie", "Reportage d'événements"),
    ("Réparation de vélos", "Entretien, freins, dérailleurs"),
    ("Médiation numérique", "Accompagnement aux démarches en ligne"),
    ("Couture", "Retouches, machine à coudre"),
    ("Droit des associations", "Statuts, assemblées générales"),
    ("Électronique", "Arduino, soudure, capteurs"),
]

NATIONAL_DESCRIPTION = """\
Réseau national de **démonstration** : il relie les réseaux régionaux de tiers-lieux.

Les données de cette installation sont fictives, à l'exception des noms, adresses et sites web des
lieux, issus du recensement national des tiers-lieux de 2019 (CGET / ANCT, base des tiers-lieux
2019, Licence Ouverte 2.0).
"""

NATIONAL_CHARTER = """\
1. Nous sommes des lieux ouverts, où chacun·e peut entrer, apprendre et faire.
2. Nous partageons nos savoirs, nos outils et nos espaces entre lieux du réseau.
3. Nous décidons ensemble, en transparence, de ce que le réseau fait en notre nom.
"""

REGIONAL_DESCRIPTION = """\
Réseau régional de **démonstration** des tiers-lieux des Hauts-de-France : coworkings, fablabs et
lieux hybrides du Nord, du Pas-de-Calais, de la Somme, de l'Oise et de l'Aisne.

Le réseau s'organise en **cercles territoriaux** qui réunissent les lieux d'un même bassin de vie :
ils se rencontrent, partagent leurs espaces et leurs équipements et décident ensemble de leur
budget contributif.

*Les lieux viennent du recensement CGET 2019 ; les personnes, les espaces, les équipements et les
tarifs sont inventés pour la démonstration.*
"""

REGIONAL_CHARTER = """\
En adhérant, notre lieu s'engage à :

1. **Accueillir** : être ouvert à toutes et tous, sans condition d'appartenance, et rendre notre
   lieu accessible autant que nous le pouvons.
2. **Coopérer plutôt que concurrencer** : orienter vers un autre lieu quand il répond mieux à un
   besoin, partager nos espaces et nos équipements avec les lieux du réseau.
3. **Partager nos savoirs** : documenter ce que nous faisons et contribuer aux communs du réseau.
4. **Tenir nos informations à jour** : confirmer au moins deux fois par an que notre fiche dans
   l'annuaire est exacte.
5. **Décider ensemble** : participer, selon nos moyens, aux cercles territoriaux et aux réunions
   de régulation ; le réseau rend compte de ses budgets et de ses décisions en toute transparence.

Chaque lieu reste autonome : l'adhésion ne crée aucune exclusivité et peut prendre fin à tout
moment.
"""

LOCAL_CHARTER = """\
Nous reprenons la charte de La Compagnie des Tiers-Lieux et nous engageons en plus à nous retrouver
une fois par trimestre, à tour de rôle dans l'un de nos lieux.
"""

REFUSAL_REASON = (
    "Le lieu n'est pas encore ouvert au public : nous vous proposons de rejoindre d'abord le "
    "cercle de votre territoire, puis de renouveler votre candidature à l'ouverture."
)

MOTIVATIONS = [
    "Nous souhaitons partager nos équipements avec d'autres lieux et accueillir leurs membres.",
    "Rejoindre le réseau nous permettrait de sortir de l'isolement et de mutualiser nos outils.",
    "Nos coworkers se déplacent souvent : l'option mobilité du réseau les intéresse.",
]
