"""Similar places and ranked helpers over a large directory (issue 16's targets):

- `similar_places` among 10,000 places: p95 ≤ 20 ms;
- `ranked_helpers` of a support request over 100,000 people and 10,000 places: p95 ≤ 50 ms.

    .venv/bin/python bench/services_similar.py            # build once, then measure
    .venv/bin/python bench/services_similar.py --fresh    # rebuild the database first

The data lives in var/bench/services-similar.sqlite3 (never the project's database): 500
communes across France, 10,000 places with 1–3 types, spaces and equipment, 100,000 people (one
commune each, 150,000 skills, a tenth about a request topic), 2,000 places with experiences, 40
professionals, 20 services. Each of 60 places (and 60 requests) is measured 5 times after one
warm-up call; the figures are wall-clock milliseconds. The ranking reads as a network's guide
would (the skills this guide may see).
"""

import argparse
import random
import statistics
import time

import mobility_env

PLACES = 10_000
PEOPLE = 100_000
SKILLS = 150_000
EXPERIENCED = 2_000
PROFESSIONALS = 40
SERVICES = 20
SAMPLES = 60
REPEAT = 5
SKILL_NAMES = [
    ("Modèle économique", "Tarification, budget prévisionnel"),
    ("Gouvernance partagée", "Décision par consentement"),
    ("Droit des associations", "Statuts, assemblées générales"),
    ("Recherche de financement", "Subventions, mécénat"),
    ("Menuiserie", "Mobilier"),
    ("Photographie", "Reportage"),
    ("Couture", "Retouches"),
    ("Réparation de vélos", "Freins, dérailleurs"),
    ("Électronique", "Arduino"),
    ("Impression 3D", "FreeCAD"),
]


def build() -> None:
    from django.db import transaction

    from maillage.accounts.models import Skill, User, stem_text
    from maillage.networks.models import Network, NetworkRole
    from maillage.places.models import (
        Equipment,
        EquipmentCategory,
        Place,
        PlaceType,
        Space,
        SpaceKind,
    )
    from maillage.services.models import Accompanist, PeerProfile, PlaceExperience, Service, Topic
    from maillage.services.similar import refresh_missing
    from maillage.territory.models import Commune

    rng = random.Random(16)
    with transaction.atomic():
        communes = [
            Commune(
                code_insee=f"{10000 + i:05d}", name=f"Commune {i}", search_name=f"commune {i}",
                kind="commune-actuelle", department_code=f"{10 + i % 80:02d}", department="D",
                region_code="11", region="R", zone=Commune.Zone.METRO, postal_codes=f"|{10000 + i:05d}|",
                population=rng.choice([300, 800, 1500, 4000, 12000, 60000, 200000]),
                latitude=rng.uniform(43.0, 50.5), longitude=rng.uniform(-1.5, 7.5),
            )
            for i in range(500)
        ]  # fmt: skip
        Commune.objects.bulk_create(communes, batch_size=500)
        network = Network.objects.create(name="Réseau national", slug="national", level="national")
        guide = User.objects.create(email="guide@bench.example", display_name="Guide", password="!")
        NetworkRole.objects.create(network=network, user=guide, role="guide")
        User.objects.bulk_create(
            (
                User(
                    email=f"p{i}@bench.example", display_name=f"Personne {i}", password="!",
                    commune=communes[i % len(communes)],
                )
                for i in range(PEOPLE)
            ),
            batch_size=2000,
        )  # fmt: skip
        people = list(User.objects.exclude(pk=guide.pk).values_list("pk", flat=True))
        skills = []
        seen: set[tuple[int, str]] = set()
        while len(skills) < SKILLS:
            user_id = rng.choice(people)
            name, description = rng.choice(SKILL_NAMES)
            if (user_id, name) in seen:
                continue
            seen.add((user_id, name))
            skill = Skill(
                user_id=user_id, name=name, description=description,
                visibility=rng.choice(["public", "network", "private"]),
            )  # fmt: skip
            skill.search_text = stem_text(f"{name} {description}")  # what save() does
            skills.append(skill)
        Skill.objects.bulk_create(skills, batch_size=5000)
        types = PlaceType.values
        places = Place.objects.bulk_create(
            (
                Place(
                    name=f"Lieu {i}", slug=f"lieu-{i}", types=rng.sample(types, rng.randint(1, 3)),
                    commune=communes[i % len(communes)], latitude=rng.uniform(43.0, 50.5),
                    longitude=rng.uniform(-1.5, 7.5), is_published=True,
                )
                for i in range(PLACES)
            ),
            batch_size=2000,
        )  # fmt: skip
        spaces, equipment = [], []
        for place in places:
            for _ in range(rng.randint(0, 4)):
                spaces.append(
                    Space(
                        place=place, name="Salle", kind=rng.choice(SpaceKind.values),
                        surface_m2=rng.choice([15, 30, 60, 120, 300]),
                    )
                )  # fmt: skip
            for _ in range(rng.randint(0, 3)):
                equipment.append(
                    Equipment(
                        place=place, name="Outil", category=rng.choice(EquipmentCategory.values)
                    )
                )
        Space.objects.bulk_create(spaces, batch_size=5000)
        Equipment.objects.bulk_create(equipment, batch_size=5000)
        topics = Topic.values
        experienced = rng.sample(places, EXPERIENCED)
        profiles, rows = [], []
        for place in experienced:
            picked = rng.sample(topics, rng.randint(1, 3))
            profiles.append(
                PeerProfile(
                    place=place, experiences=picked, mentor_available=rng.random() < 0.3,
                    opened_year=rng.randint(2005, 2025),
                )
            )  # fmt: skip
            rows += [PlaceExperience(place=place, topic=t) for t in picked]
        PeerProfile.objects.bulk_create(profiles, batch_size=2000)
        PlaceExperience.objects.bulk_create(rows, batch_size=5000)
        Accompanist.objects.bulk_create(
            Accompanist(
                network=network, user_id=people[i], name=f"Pro {i}", kind="consultant", bio="…",
                specialities=rng.sample(topics, 3), departments=[f"{10 + j:02d}" for j in rng.sample(range(80), 10)],
                rates="600 €", status="accepted",
            )
            for i in range(PROFESSIONALS)
        )  # fmt: skip
        Service.objects.bulk_create(
            Service(
                network=network, kind="support", title=f"Service {i}", slug=f"service-{i}",
                summary="…", topics=rng.sample(topics, 2), audience="members",
                delivered_by="team", how_to_ask="…",
            )
            for i in range(SERVICES)
        )  # fmt: skip
    started = time.perf_counter()
    refresh_missing()
    print(f"features of {PLACES} places computed in {time.perf_counter() - started:.1f} s")
    from django.core.management import call_command

    call_command("optimize_database", verbosity=0)  # statistics, as cron does weekly


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the database first")
    args = parser.parse_args()
    db = mobility_env.BENCH_DIR / "services-similar.sqlite3"
    fresh = args.fresh or not db.exists()
    mobility_env.setup_django(db, fresh=fresh)
    if fresh:
        started = time.perf_counter()
        build()
        print(f"built in {time.perf_counter() - started:.1f} s")

    from maillage.accounts.models import Skill, User
    from maillage.networks.models import Network
    from maillage.places.models import Place
    from maillage.services.models import SupportRequest, Topic
    from maillage.services.ranking import ranked_helpers
    from maillage.services.similar import similar_places

    rng = random.Random(60)
    places = list(Place.objects.order_by("?")[:SAMPLES])
    similar_places(places[0])  # warm-up
    similar_ms = []
    for place in places:
        for _ in range(REPEAT):
            started = time.perf_counter()
            found = similar_places(place)
            similar_ms.append((time.perf_counter() - started) * 1000)
            assert len(found) == 10
    network = Network.objects.get(slug="national")
    guide = User.objects.get(email="guide@bench.example")
    SupportRequest.objects.all().delete()
    requests = [
        SupportRequest.objects.create(
            network=network, requester=guide, place=place, commune=place.commune,
            topic=rng.choice(Topic.values), description="Besoin",
        )
        for place in places
    ]  # fmt: skip
    ranked_helpers(requests[0], viewer=guide)  # warm-up
    ranking_ms = []
    peers_first = 0
    for request in requests:
        for _ in range(REPEAT):
            started = time.perf_counter()
            ranked = ranked_helpers(request, viewer=guide)
            ranking_ms.append((time.perf_counter() - started) * 1000)
        kinds = [c.kind for c in ranked]
        assert kinds == sorted(
            kinds,
            key=lambda k: {"peer_place": 0, "peer_person": 0, "professional": 1, "service": 2}[k],
        )
        peers_first += bool(kinds) and kinds[0].startswith("peer")
    print(
        f"directory: {Place.objects.count()} places, {User.objects.count()} people, "
        f"{Skill.objects.count()} skills; {SAMPLES} places/requests × {REPEAT}; "
        f"{peers_first}/{SAMPLES} rankings start with a peer; load average "
        f"{mobility_env.load_average()} on {__import__('os').cpu_count()} CPUs"
    )
    mobility_env.print_table(
        [
            ("median", f"{statistics.median(similar_ms):.1f} ms"),
            ("p95", f"{mobility_env.percentile(similar_ms, 0.95):.1f} ms   (target ≤ 20 ms)"),
            ("max", f"{max(similar_ms):.1f} ms"),
        ],
        "similar_places among 10,000 (wall clock per place)",
    )
    mobility_env.print_table(
        [
            ("median", f"{statistics.median(ranking_ms):.1f} ms"),
            ("p95", f"{mobility_env.percentile(ranking_ms, 0.95):.1f} ms   (target ≤ 50 ms)"),
            ("max", f"{max(ranking_ms):.1f} ms"),
        ],
        "ranked_helpers over 100,000 people (wall clock per request)",
    )


if __name__ == "__main__":
    main()
