"""Build the benchmark installation: a large, realistic Maillage in `var/bench/bench.sqlite3`.

    .venv/bin/python bench/generate.py            # 10,000 places, 60,000 spaces, 40,000
                                                  # equipment items, 100,000 people
    .venv/bin/python bench/generate.py --scale 0.1  # a tenth of it, to try things quickly

The file is rebuilt from scratch every time (migrate, load_communes, then bulk inserts), with a
fixed seed, so two runs give the same directory. Places sit in real communes drawn by population,
named from the real 2019 census of tiers-lieux and their commune, a few hundred metres around the
commune centre. Everybody shares one precomputed password hash (logging in is not measured).
"""

import argparse
import csv
import math
import random
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import benchenv

SEED = 3
PLACES = 10_000
SPACES = 60_000
EQUIPMENT = 40_000
PEOPLE = 100_000
BATCH = 5_000
PASSWORD = "bench-maillage"
EMAIL_DOMAIN = "bench.maillage.invalid"

# --- invented content (the names of places come from the census) ---------------------------

TYPE_WEIGHTS = {
    "coworking": 30, "fablab": 12, "cafe": 10, "repair": 6, "ressourcerie": 5, "rural_hub": 10,
    "fabrique": 6, "numerique": 8, "culture": 6, "food": 4, "living_lab": 2, "other": 1,
}  # fmt: skip
TYPE_WORDS = {
    "coworking": ["Coworking", "Espace de coworking", "La Coloc'", "Le Bureau partagé"],
    "fablab": ["Fablab", "Atelier de fabrication", "Makerspace", "La Fabrique numérique"],
    "cafe": ["Café associatif", "Café-atelier", "Le Café des possibles", "Bistrot partagé"],
    "repair": ["Repair café", "Atelier vélo", "L'Atelier de réparation", "Vélo-école"],
    "ressourcerie": ["Ressourcerie", "Recyclerie", "La Matériauthèque"],
    "rural_hub": ["Tiers-lieu rural", "La Grange", "L'Ancienne école", "La Ferme partagée"],
    "fabrique": ["Fabrique de territoire", "La Fabrique", "Maison des communs"],
    "numerique": ["Espace public numérique", "Point numérique", "Médiathèque numérique"],
    "culture": ["Friche culturelle", "La Scène partagée", "Lieu culturel"],
    "food": ["Cuisine partagée", "L'Épicerie-atelier", "Le Garde-manger"],
    "living_lab": ["Living lab", "Laboratoire d'innovation", "Le Labo"],
    "other": ["Tiers-lieu", "Lieu hybride", "La Maison commune"],
}
SPACE_KINDS = {
    # kind: (weight, names, (capacity range), (m² per person), price unit, uses)
    "desk": (18, ["Open space", "Plateau de coworking", "Postes nomades", "Espace calme"],
             (6, 40), 6, "day", "coworking, travail à distance"),
    "office": (10, ["Bureau fermé", "Bureau individuel", "Bureau d'équipe", "Cabine visio"],
               (1, 6), 8, "month", "bureau, permanence, rendez-vous"),
    "meeting_room": (22, ["Salle de réunion", "Petite salle", "Salle du conseil", "Salle verrière"],
                     (4, 30), 3, "half_day", "réunion, formation, atelier"),
    "training_room": (10, ["Salle de formation", "Grande salle", "Salle polyvalente"],
                      (10, 60), 3, "day", "formation, conférence, assemblée"),
    "workshop": (12, ["Atelier bois", "Atelier partagé", "Atelier de fabrication", "Atelier textile"],
                 (4, 20), 10, "hour", "fabrication, prototypage, réparation, ateliers"),
    "lodging": (4, ["Chambre d'hôtes", "Dortoir", "Gîte d'étape"],
                (2, 12), 8, "day", "hébergement, résidence d'artistes"),
    "kitchen": (7, ["Cuisine partagée", "Laboratoire de cuisine", "Coin cuisine"],
                (4, 15), 5, "half_day", "cuisine, traiteur, transformation"),
    "stage": (5, ["Salle de spectacle", "Scène", "Auditorium"],
              (40, 300), 1, "day", "spectacle, concert, projection"),
    "outdoor": (8, ["Jardin partagé", "Cour", "Terrasse", "Potager"],
                (10, 100), 4, "day", "jardinage, événement en plein air, marché"),
    "other": (4, ["Salle de pause", "Studio", "Local de stockage"],
              (1, 10), 5, "month", "stockage, enregistrement"),
}  # fmt: skip
EQUIPMENT_NAMES = {
    "digital_fab": ["Découpeuse laser", "Imprimante 3D", "Fraiseuse numérique (CNC)",
                    "Découpeuse vinyle", "Scanner 3D", "Brodeuse numérique"],
    "woodwork": ["Scie à ruban", "Raboteuse", "Scie circulaire sur table", "Tour à bois",
                 "Défonceuse"],
    "metalwork": ["Poste à souder", "Meuleuse", "Perceuse à colonne", "Plieuse à tôle"],
    "textile": ["Machine à coudre", "Surjeteuse", "Presse à chaud", "Métier à tisser"],
    "audiovisual": ["Vidéoprojecteur", "Caméra", "Appareil photo", "Micro-cravate",
                    "Kit de podcast", "Fond vert"],
    "computing": ["Imprimante multifonction", "Ordinateurs portables", "Traceur grand format",
                  "Tablettes"],
    "kitchen": ["Four professionnel", "Robot pâtissier", "Chambre froide", "Déshydrateur"],
    "garden": ["Motoculteur", "Broyeur de végétaux", "Serre", "Grelinette"],
    "mobility": ["Vélo cargo", "Remorque vélo", "Véhicule utilitaire", "Vélo électrique"],
    "event": ["Sono", "Barnum", "Tables et chaises", "Éclairage de scène"],
    "repair": ["Caisse à outils", "Banc de réparation vélo", "Multimètre", "Fer à souder"],
    "other": ["Jeux de société", "Grainothèque", "Bibliothèque d'outils"],
}  # fmt: skip
EQUIPMENT_WEIGHTS = {"digital_fab": 14, "woodwork": 8, "metalwork": 4, "textile": 7,
                     "audiovisual": 14, "computing": 16, "kitchen": 6, "garden": 6,
                     "mobility": 6, "event": 9, "repair": 8, "other": 2}  # fmt: skip
FIRST_NAMES = [
    "Agathe", "Amandine", "Antoine", "Aurélien", "Bastien", "Bérénice", "Camille", "Chloé",
    "Clément", "Delphine", "Élodie", "Émile", "Fatou", "Florian", "Gaëlle", "Hugo", "Inès",
    "Jérôme", "Justine", "Karim", "Léa", "Lucas", "Maëlys", "Malik", "Manon", "Mathis", "Nadia",
    "Nicolas", "Océane", "Pauline", "Quentin", "Rachida", "Romain", "Salomé", "Sofiane",
    "Thomas", "Valentin", "Yasmine", "Yohan", "Zoé", "Marie", "Jean", "Louise", "Paul", "Anaïs",
    "Mehdi", "Sarah", "Kevin", "Julie", "Pierre", "Nathalie", "Loïc", "Gwenaëlle", "Maïwenn",
]  # fmt: skip
LAST_NAMES = [
    "Bernard", "Boulanger", "Carpentier", "Caron", "Declercq", "Delattre", "Dubois", "Dufour",
    "Fontaine", "Lefebvre", "Lemaire", "Leroy", "Martin", "Mercier", "Petit", "Roussel",
    "Garcia", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Girard", "André", "Roux",
    "Bonnet", "François", "Lambert", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
    "Le Gall", "Le Goff", "Perrin", "Morel", "Giraud", "Nguyen", "Benali", "Da Silva",
]  # fmt: skip
SKILLS = [
    "Animation de communauté", "Comptabilité associative", "Design graphique", "Facilitation",
    "Impression 3D", "Découpe laser", "Développement web", "Rédaction de dossiers de subvention",
    "Menuiserie", "Photographie", "Réparation de vélos", "Médiation numérique", "Couture",
    "Droit des associations", "Électronique", "Soudure", "Cuisine collective", "Jardinage",
    "Montage vidéo", "Gestion de projet", "Communication", "Éducation populaire",
    "Permaculture", "Sonorisation", "Anglais", "Tenue de caisse", "Accueil du public",
]  # fmt: skip
VISIBILITIES = ["public", "network", "private"]
CONDITIONS = [
    "Sur rendez-vous, après une initiation.",
    "Prêt aux lieux du réseau, retour sous 48 heures.",
    "Réservé aux membres à jour de cotisation.",
    "Consommables à apporter ou à payer sur place.",
    "",
]


class Timer:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last = self.start

    def step(self, label: str) -> None:
        now = time.perf_counter()
        print(f"  {label}: {now - self.last:.1f} s", file=sys.stderr)
        self.last = now


def census_names() -> list[str]:
    """The names of the 2019 census, cleaned of their "(Actuellement fermé)" marks."""
    path = benchenv.ROOT / "maillage" / "places" / "data" / "cget_tiers_lieux_2019.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        names = {" ".join(row["NOM_TL"].split()) for row in csv.DictReader(handle)}
    cleaned = sorted({n.split("(")[0].strip(" -–") for n in names if n})
    return [name for name in cleaned if 2 < len(name) <= 80]


def chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk(model, objects: list, label: str) -> list:
    from maillage.lib.progress import ProgressBar

    progress = ProgressBar(f"{label:<14}")
    created = []
    for batch in chunks(objects):
        created += model.objects.bulk_create(batch)
        progress(len(created), len(objects))
    return created


def jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point at most `km` from (lat, lon), uniformly on the disc."""
    distance = km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = distance * math.cos(angle) / 111.2
    dlon = distance * math.sin(angle) / (111.2 * max(math.cos(math.radians(lat)), 0.1))
    return round(lat + dlat, 6), round(lon + dlon, 6)


def split_total(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """`total` items spread over len(weights) bins, proportionally to the weights, at random."""
    counts = [0] * len(weights)
    for index in rng.choices(range(len(weights)), weights=weights, k=total):
        counts[index] += 1
    return counts


def generate(*, scale: float, seed: int) -> dict[str, int]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from maillage.accounts.models import Skill, User
    from maillage.lib.french_stem import stem_text
    from maillage.networks.models import Membership, MembershipEvent, Network, NetworkRole
    from maillage.places.models import Equipment, Place, PlaceRole, Space
    from maillage.territory.models import Commune

    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    n_places = round(PLACES * scale)
    n_spaces = round(SPACES * scale)
    n_equipment = round(EQUIPMENT * scale)
    n_people = round(PEOPLE * scale)
    timer = Timer()

    # Communes: Paris, Lyon and Marseille by arrondissement, every other commune as itself.
    communes = list(
        Commune.objects.filter(latitude__isnull=False, population__gt=0).order_by("code_insee")
    )
    split = {c.parent_code for c in communes if c.kind == "arrondissement-municipal"}
    communes = [c for c in communes if c.code_insee not in split]
    weights = [c.population for c in communes]
    names = census_names()

    # --- places ---------------------------------------------------------------------------
    types = list(TYPE_WEIGHTS)
    type_weights = list(TYPE_WEIGHTS.values())
    places: list[Place] = []
    taken: set[str] = set()
    for index, commune in enumerate(rng.choices(communes, weights=weights, k=n_places)):
        kinds = rng.choices(types, weights=type_weights, k=rng.choice([1, 1, 1, 2, 2, 3]))
        kinds = list(dict.fromkeys(kinds))
        roll = rng.random()
        if roll < 0.45:
            name = rng.choice(names)
        elif roll < 0.75:
            name = f"{rng.choice(names)} {commune.name}"
        else:
            name = f"{rng.choice(TYPE_WORDS[kinds[0]])} de {commune.name}"
        name = name[:200]
        base = slugify(name)[:200].strip("-") or "lieu"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        # Big cities spread their places further from the centre than villages.
        radius = 0.5 + min(commune.population, 500_000) ** 0.5 / 150
        lat, lon = jitter(rng, commune.latitude, commune.longitude, radius)
        age = int(rng.triangular(0, 900, 60))
        confirmed = now - timedelta(days=age, seconds=rng.randrange(86_400))
        late = rng.choice(["18:00", "19:00", "20:00", "22:00"])
        hours = {day: f"09:00-{late}" for day in ("mo", "tu", "we", "th", "fr")}
        if rng.random() < 0.4:
            hours["sa"] = "10:00-13:00"
        label = TYPE_WORDS[kinds[0]][0].lower()
        postal = commune.postal_codes.strip("|").split("|")[0] if commune.postal_codes else ""
        places.append(
            Place(
                name=name,
                slug=slug,
                types=kinds,
                summary=f"{TYPE_WORDS[kinds[0]][0]} à {commune.name}"[:280],
                description=(
                    f"{name} est un {label} à {commune.name} ({commune.department}). "
                    "On y partage des espaces, des machines et des savoir-faire ; "
                    "ateliers ouverts chaque semaine, permanences d'accueil et "
                    "événements avec les associations du territoire."
                ),
                status=rng.choices(["open", "project", "closed"], weights=[88, 8, 4])[0],
                address=f"{rng.randint(1, 120)} {rng.choice(['rue', 'avenue', 'place', 'chemin'])} "
                f"{rng.choice(LAST_NAMES)}",
                postal_code=postal,
                commune_id=commune.code_insee,
                latitude=lat,
                longitude=lon,
                opening_hours=hours,
                access_step_free=rng.random() < 0.6,
                access_toilets=rng.random() < 0.45,
                access_parking=rng.random() < 0.35,
                access_hearing_loop=rng.random() < 0.08,
                access_public_transport=rng.random() < 0.55,
                email=f"contact{index}@{EMAIL_DOMAIN}",
                website=f"https://{base[:50]}-{index}.example.org" if rng.random() < 0.6 else "",
                external_id=f"bench:{index}",  # the importers' "source:id"
                source="bench",
                last_confirmed_at=confirmed,
                # The freshness service recomputes this below when it exists.
                freshness_score=max(0, 100 - age // 9),
                confirmation_count=rng.randint(0, 6),
            )
        )
    timer.step("places built")
    with transaction.atomic():
        places = bulk(Place, places, "Lieux")
    timer.step("places saved")

    # --- spaces and equipment ---------------------------------------------------------------
    spaces: list[Space] = []
    kinds = list(SPACE_KINDS)
    kind_weights = [SPACE_KINDS[k][0] for k in kinds]
    per_place = split_total(rng, n_spaces - len(places), [1.0] * len(places))
    for place, extra in zip(places, per_place, strict=True):
        for number in range(1 + extra):
            kind = rng.choices(kinds, weights=kind_weights)[0]
            _w, labels, (low, high), per_person, unit, uses = SPACE_KINDS[kind]
            capacity = rng.randint(low, high)
            public = rng.randrange(500, 30_000, 500)
            spaces.append(
                Space(
                    place=place,
                    name=f"{rng.choice(labels)}" + (f" {number + 1}" if number > 3 else ""),
                    kind=kind,
                    description="Espace lumineux, wifi, tableau blanc ; ménage compris.",
                    capacity=capacity if rng.random() < 0.9 else None,
                    surface_m2=capacity * per_person + rng.randint(0, 20)
                    if rng.random() < 0.85
                    else None,
                    uses=uses,
                    price_unit=unit,
                    price_public_cents=public if rng.random() < 0.8 else None,
                    price_network_cents=public // 2 if rng.random() < 0.6 else None,
                    price_member_cents=0 if rng.random() < 0.5 else None,
                    is_accessible=place.access_step_free and rng.random() < 0.9,
                    is_bookable=rng.random() < 0.85,
                    last_confirmed_at=place.last_confirmed_at,
                )
            )
    categories = list(EQUIPMENT_WEIGHTS)
    category_weights = list(EQUIPMENT_WEIGHTS.values())
    heavy = {"fablab": 5, "repair": 4, "ressourcerie": 3, "food": 2}
    place_weights = [max(heavy.get(t, 1) for t in p.types) for p in places]
    equipment: list[Equipment] = []
    for place in rng.choices(places, weights=place_weights, k=n_equipment):
        category = rng.choices(categories, weights=category_weights)[0]
        equipment.append(
            Equipment(
                place=place,
                name=rng.choice(EQUIPMENT_NAMES[category]),
                category=category,
                quantity=rng.choice([1, 1, 1, 2, 3, 5]),
                sharing_mode=rng.choices(["on_site", "loan", "with_operator"], [6, 3, 2])[0],
                deposit_cents=rng.randrange(5_000, 80_000, 5_000) if rng.random() < 0.3 else None,
                price_cents=rng.randrange(0, 5_000, 100) if rng.random() < 0.7 else None,
                price_unit=rng.choice(["hour", "half_day", "day", "use"]),
                conditions=rng.choice(CONDITIONS),
                last_confirmed_at=place.last_confirmed_at,
            )
        )
    timer.step("spaces and equipment built")
    with transaction.atomic():
        bulk(Space, spaces, "Espaces")
        bulk(Equipment, equipment, "Équipements")
    timer.step("spaces and equipment saved")

    # --- people ---------------------------------------------------------------------------
    password = make_password(PASSWORD)
    homes = rng.choices(communes, weights=weights, k=n_people)
    people = []
    for index, home in enumerate(homes):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append(
            User(
                email=f"{slugify(first)}.{slugify(last)}.{index}@{EMAIL_DOMAIN}",
                first_name=first,
                last_name=last,
                display_name=f"{first} {last}" if rng.random() < 0.3 else "",
                password=password,
                commune_id=home.code_insee,
                date_joined=now - timedelta(days=rng.randint(0, 1500)),
            )
        )
    people[0].is_staff = people[0].is_superuser = True
    people[0].email = f"admin@{EMAIL_DOMAIN}"
    timer.step("people built")
    with transaction.atomic():
        people = bulk(User, people, "Personnes")
        bulk(
            EmailAddress,
            [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people],
            "Adresses",
        )
    timer.step("people saved")

    # Roles: every place has one to three managers; a third of the people are members
    # (coworkers) of a place near home, or anywhere.
    roles: list[PlaceRole] = []
    pool = people[1:]
    rng.shuffle(pool)
    cursor = 0
    for place in places:
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            roles.append(PlaceRole(place=place, user=pool[cursor % len(pool)], role="manager"))
            cursor += 1
    members = rng.sample(people[1:], k=len(people) // 3)
    for person, place in zip(members, rng.choices(places, k=len(members)), strict=True):
        roles.append(PlaceRole(place=place, user=person, role="member"))
    skills: list[Skill] = []
    for person in rng.sample(people[1:], k=len(people) // 2):
        for name in rng.sample(SKILLS, k=rng.choice([1, 1, 2, 3])):
            description = rng.choice(["", "Débutant·e bienvenu·e", "Je peux former"])
            skills.append(
                Skill(
                    user=person,
                    name=name,
                    description=description,
                    visibility=rng.choices(VISIBILITIES, weights=[5, 3, 2])[0],
                    # What Skill.save keeps (bulk_create skips it): the search reads it.
                    search_text=stem_text(f"{name} {description}"),
                )
            )
    with transaction.atomic():
        bulk(PlaceRole, roles, "Rôles")
        bulk(Skill, skills, "Compétences")
    timer.step("roles and skills saved")

    # --- networks ---------------------------------------------------------------------------
    with transaction.atomic():
        national = Network.objects.create(
            name="Réseau national (banc d'essai)", slug="national-bench", level="national"
        )
        regions = sorted({(c.region_code, c.region) for c in communes if c.region_code})
        regional = {
            code: Network.objects.create(
                name=f"Tiers-lieux {region} (banc d'essai)",
                slug=f"region-{slugify(region)}-bench",
                level="regional",
                parent=national,
                summary=f"Le réseau régional des tiers-lieux, {region}.",
            )
            for code, region in regions
        }
        # Departmental networks in the twelve most populated departments.
        population: dict[tuple[str, str, str], int] = {}
        for c in communes:
            key = (c.department_code, c.department, c.region_code)
            population[key] = population.get(key, 0) + c.population
        departments = sorted(population, key=lambda k: -population[k])[:12]
        departmental = {
            code: Network.objects.create(
                name=f"Tiers-lieux {name} (banc d'essai)",
                slug=f"departement-{code.lower()}-bench",
                level="departmental",
                parent=regional[region],
            )
            for code, name, region in departments
        }
        through = Network.communes.through
        territory = [
            through(network_id=regional[c.region_code].pk, commune_id=c.code_insee)
            for c in communes
            if c.region_code in regional
        ] + [
            through(network_id=departmental[c.department_code].pk, commune_id=c.code_insee)
            for c in communes
            if c.department_code in departmental
        ]
        bulk(through, territory, "Territoires")
        coordinators = rng.sample(people[1:], k=1 + len(regional) + len(departmental))
        networks = [national, *regional.values(), *departmental.values()]
        NetworkRole.objects.bulk_create(
            [
                NetworkRole(network=network, user=person, role="coordinator")
                for network, person in zip(networks, coordinators, strict=True)
            ]
        )
        commune_of = {c.code_insee: c for c in communes}
        memberships: list[Membership] = []
        for place in places:
            commune = commune_of[place.commune_id]
            candidates = [(regional.get(commune.region_code), 0.65), (national, 0.12)]
            candidates.append((departmental.get(commune.department_code), 0.5))
            for network, chance in candidates:
                if network is None or rng.random() >= chance:
                    continue
                status = rng.choices(
                    ["accepted", "applied", "in_review", "refused", "left"], [85, 5, 4, 3, 3]
                )[0]
                decided = status != "applied"
                memberships.append(
                    Membership(
                        network=network,
                        place=place,
                        status=status,
                        motivation="Nous souhaitons partager nos espaces avec le réseau.",
                        charter_accepted_at=now if status == "accepted" else None,
                        decided_at=now if decided else None,
                    )
                )
        memberships = bulk(Membership, memberships, "Adhésions")
        bulk(
            MembershipEvent,
            [MembershipEvent(membership=m, to_status=m.status) for m in memberships],
            "Historique",
        )
    timer.step("networks saved")
    with connection.cursor() as cursor:
        counts = {
            table: cursor.execute(f"select count(*) from {table}").fetchone()[0]
            for table in (
                "places_place",
                "places_space",
                "places_equipment",
                "accounts_user",
                "accounts_skill",
                "places_placerole",
                "networks_network",
                "networks_membership",
                "territory_commune",
            )
        }
    return counts


def post_process() -> None:
    """Let the other parts of the project build what they derive from the data, if they exist:
    the full-text index (`rebuild_search_index`) and the freshness scores."""
    import importlib

    from django.core.management import call_command, get_commands

    commands = get_commands()
    steps: list[tuple[str, object]] = []
    if "rebuild_search_index" in commands:
        steps.append(("rebuild_search_index", lambda: call_command("rebuild_search_index")))
    else:
        print("  (rebuild_search_index: no such command yet, skipped)", file=sys.stderr)
    fresh = sorted(n for n in commands if "fresh" in n and ("recompute" in n or "score" in n))
    if fresh:
        steps.append((fresh[0], lambda: call_command(fresh[0])))
    else:
        try:
            services = importlib.import_module("maillage.directory.freshness.services")
        except ImportError:
            services = None
        recompute = getattr(services, "recompute_all_freshness", None)
        if recompute is not None:
            steps.append(("recompute_all_freshness()", recompute))
        else:
            print("  (freshness recompute: not available yet, skipped)", file=sys.stderr)
    # A production database has statistics (PRAGMA optimize from cron, autovacuum): without
    # them SQLite may read the people search through the wrong index.
    steps.append(("optimize_database --full", lambda: call_command("optimize_database", full=True)))
    for label, step in steps:
        started = time.perf_counter()
        step()
        print(f"  {label}: {time.perf_counter() - started:.1f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--keep", action="store_true", help="keep an existing benchmark database (no rebuild)"
    )
    args = parser.parse_args(argv)
    db: Path = benchenv.DB_FILE
    if args.keep and db.exists():
        print(f"Base de banc d'essai conservée : {db}")
        return 0
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    benchenv.setup_django()
    from django.core.management import call_command

    print(f"Base de banc d'essai : {db}", file=sys.stderr)
    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"  migrate: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    call_command("load_communes", verbosity=0)
    print(f"  load_communes: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    counts = generate(scale=args.scale, seed=args.seed)
    post_process()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elapsed = time.perf_counter() - started
    size = db.stat().st_size / 1e6
    print(f"Terminé en {elapsed:.0f} s ({size:.0f} Mo) :")
    for table, count in counts.items():
        print(f"  {table:<22} {count:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
