"""Spaces, equipment and texts invented for a census place, from its type and commune."""

import random

from maillage.places.models import (
    Equipment,
    EquipmentCategory,
    Place,
    PlaceType,
    PriceUnit,
    SharingMode,
    Space,
    SpaceKind,
)
from maillage.territory.models import Commune


def spaces_and_equipment(
    *, places: list[Place], rng: random.Random
) -> tuple[list[Space], list[Equipment]]:
    """Invent the spaces and equipment of each place, from its type."""
    spaces: list[Space] = []
    equipment: list[Equipment] = []
    for place in places:
        confirmed = place.last_confirmed_at
        kind = place.types[0]
        if kind == PlaceType.COWORKING:
            desks = rng.randint(8, 30)
            public = rng.randrange(1200, 2600, 100)
            spaces.append(
                Space(
                    place=place,
                    name="Open space",
                    kind=SpaceKind.DESK,
                    description="Postes de travail en accès libre, wifi et café compris.",
                    capacity=desks,
                    surface_m2=desks * 6,
                    uses="coworking, travail à distance",
                    price_unit=PriceUnit.DAY,
                    price_public_cents=public,
                    price_network_cents=public - 500,
                    price_member_cents=0,
                    is_accessible=place.access_step_free,
                    last_confirmed_at=confirmed,
                )
            )
            equipment.append(
                Equipment(
                    place=place,
                    name="Vidéoprojecteur",
                    category=EquipmentCategory.AUDIOVISUAL,
                    sharing_mode=SharingMode.LOAN,
                    deposit_cents=rng.randrange(20000, 50001, 5000),
                    price_cents=rng.choice([0, 1000, 1500]),
                    price_unit=PriceUnit.DAY,
                    conditions="Prêt aux lieux du réseau, retour sous 48 heures.",
                    last_confirmed_at=confirmed,
                )
            )
            equipment.append(
                Equipment(
                    place=place,
                    name="Imprimante multifonction",
                    category=EquipmentCategory.COMPUTING,
                    sharing_mode=SharingMode.ON_SITE,
                    price_cents=rng.choice([10, 15, 20]),
                    price_unit=PriceUnit.USE,
                    conditions="Prix par page imprimée.",
                    last_confirmed_at=confirmed,
                )
            )
        if kind == PlaceType.FABLAB:
            spaces.append(
                Space(
                    place=place,
                    name="Atelier de fabrication",
                    kind=SpaceKind.WORKSHOP,
                    description="Atelier équipé, accessible après une initiation sécurité.",
                    capacity=rng.randint(8, 20),
                    surface_m2=rng.randrange(60, 250, 10),
                    uses="fabrication numérique, prototypage, ateliers",
                    price_unit=PriceUnit.HOUR,
                    price_public_cents=rng.randrange(500, 1600, 100),
                    price_network_cents=rng.randrange(300, 800, 100),
                    price_member_cents=0,
                    is_accessible=place.access_step_free,
                    last_confirmed_at=confirmed,
                )
            )
            equipment.extend(
                [
                    Equipment(
                        place=place,
                        name="Découpeuse laser",
                        category=EquipmentCategory.DIGITAL_FAB,
                        description="Surface de découpe 60 × 40 cm, bois, carton, acrylique.",
                        sharing_mode=SharingMode.WITH_OPERATOR,
                        price_cents=rng.randrange(1500, 3100, 500),
                        price_unit=PriceUnit.HOUR,
                        conditions="Sur rendez-vous, avec un·e fabmanager.",
                        last_confirmed_at=confirmed,
                    ),
                    Equipment(
                        place=place,
                        name="Imprimantes 3D",
                        category=EquipmentCategory.DIGITAL_FAB,
                        quantity=rng.randint(2, 6),
                        sharing_mode=SharingMode.ON_SITE,
                        price_cents=rng.choice([200, 300, 500]),
                        price_unit=PriceUnit.HOUR,
                        conditions="Filament PLA fourni, autres matières à apporter.",
                        last_confirmed_at=confirmed,
                    ),
                ]
            )
            if rng.random() < 0.5:
                equipment.append(
                    Equipment(
                        place=place,
                        name="Fraiseuse numérique (CNC)",
                        category=EquipmentCategory.DIGITAL_FAB,
                        sharing_mode=SharingMode.WITH_OPERATOR,
                        price_cents=rng.randrange(2500, 4100, 500),
                        price_unit=PriceUnit.HOUR,
                        conditions="Après la formation « CNC niveau 1 ».",
                        last_confirmed_at=confirmed,
                    )
                )
        if kind != PlaceType.FABLAB or rng.random() < 0.5:
            seats = rng.randint(6, 16)
            spaces.append(
                Space(
                    place=place,
                    name="Salle de réunion",
                    kind=SpaceKind.MEETING_ROOM,
                    description="Grande table, écran et tableau blanc.",
                    capacity=seats,
                    surface_m2=seats * 3,
                    uses="réunion, formation, atelier",
                    price_unit=PriceUnit.HALF_DAY,
                    price_public_cents=rng.randrange(6000, 14000, 1000),
                    price_network_cents=rng.randrange(3000, 6000, 500),
                    price_member_cents=rng.randrange(1000, 3000, 500),
                    is_accessible=place.access_step_free,
                    last_confirmed_at=confirmed,
                )
            )
    return spaces, equipment


def summary(kind: str, commune: Commune) -> str:
    label = {PlaceType.COWORKING: "Coworking", PlaceType.FABLAB: "Fablab"}.get(kind, "Tiers-lieu")
    return f"{label} à {commune.name}" + (f", {commune.epci}" if commune.epci else "")


def description(name: str, kind: str, commune: Commune) -> str:
    what = {
        PlaceType.COWORKING: "un tiers-lieu à dominante **coworking** : des postes de travail "
        "partagés, une salle de réunion et une communauté de travailleurs et travailleuses "
        "indépendants",
        PlaceType.FABLAB: "un tiers-lieu à dominante **fablab** : un atelier de fabrication "
        "numérique ouvert, des machines partagées et des initiations régulières",
    }.get(kind, "un **tiers-lieu** ouvert à toutes et tous")
    where = f"à {commune.name} ({commune.department})"
    if commune.epci:
        where += f", sur le territoire de *{commune.epci}*"
    return (
        f"{name} est {what}, {where}.\n\n"
        "**Venir travailler ou fabriquer ici**\n\n"
        "- Accueil des membres des lieux du réseau au tarif réseau\n"
        "- Espaces et équipements partagés : voir ci-dessous\n\n"
        "*Fiche de démonstration : le nom, l'adresse et le site viennent du recensement CGET 2019 ; "
        "le reste est inventé.*"
    )
