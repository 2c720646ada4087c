"""The ranked suggestion list of the aiguillage over a large catalogue: 2,000 commons, 100,000
people, 10,000 places (issue 15's target: p95 ≤ 50 ms per request).

    .venv/bin/python bench/commons_suggestions.py            # build once, then measure
    .venv/bin/python bench/commons_suggestions.py --fresh    # rebuild the database first

The data lives in var/bench/commons-suggestions.sqlite3 (never the project's database). Each of
60 requests (varied needs, maturities and communes across France) is ranked 5 times; the
figures are wall-clock milliseconds of `rank_suggestions`, after one warm-up call.
"""

import argparse
import random
import statistics
import time

import mobility_env

COMMONS = 2_000
PEOPLE = 100_000
PLACES = 10_000
USAGES = 20_000
CONTACTS = 6_000
REQUESTS = 60
REPEAT = 5

WORDS = [
    "comptabilité",
    "adhésions",
    "cotisations",
    "gouvernance",
    "décision",
    "consentement",
    "réservation",
    "machines",
    "fablab",
    "découpeuse",
    "laser",
    "impression",
    "cartographie",
    "carte",
    "documentation",
    "wiki",
    "formation",
    "événements",
    "agenda",
    "communication",
    "fichiers",
    "partage",
    "budget",
    "participatif",
    "bénévoles",
    "accueil",
    "coworking",
    "café",
    "atelier",
    "réparation",
    "vélo",
    "jardin",
    "compost",
    "énergie",
    "mobilité",
    "numérique",
]
NEEDS = [
    "Nous voulons tenir la comptabilité et les cotisations de notre association",
    "Réserver les machines du fablab en ligne avec les formations",
    "Décider ensemble à trente bénévoles sans réunions interminables",
    "Partager nos fichiers entre trois lieux",
    "Publier notre agenda d'événements",
    "Cartographier les ateliers de réparation vélo du territoire",
]


def build() -> None:
    from django.db import transaction

    from maillage.accounts.models import User
    from maillage.commons.models import Action, Commons, Contact, Domain, Nature, Usage, stems_of
    from maillage.networks.models import Network
    from maillage.places.models import Place
    from maillage.territory.models import Commune

    rng = random.Random(15)
    with transaction.atomic():
        communes = [
            Commune(
                code_insee=f"{10000 + i:05d}", name=f"Commune {i}", search_name=f"commune {i}",
                kind="commune-actuelle", department_code=f"{10 + i % 80:02d}", department="D",
                region_code="11", region="R", zone=Commune.Zone.METRO, postal_codes=f"|{10000 + i:05d}|",
                population=rng.randint(100, 200_000),
                latitude=rng.uniform(43.0, 50.5), longitude=rng.uniform(-1.5, 7.5),
            )
            for i in range(500)
        ]  # fmt: skip
        Commune.objects.bulk_create(communes, batch_size=500)
        network = Network.objects.create(name="Réseau national", slug="national", level="national")
        User.objects.bulk_create(
            (
                User(email=f"p{i}@bench.example", display_name=f"Personne {i}", password="!")
                for i in range(PEOPLE)
            ),
            batch_size=2000,
        )
        people = list(User.objects.values_list("pk", flat=True)[:PEOPLE])
        places = Place.objects.bulk_create(
            (
                Place(
                    name=f"Lieu {i}", slug=f"lieu-{i}", types=["coworking"],
                    commune=communes[i % len(communes)], latitude=rng.uniform(43.0, 50.5),
                    longitude=rng.uniform(-1.5, 7.5), is_published=True,
                )
                for i in range(PLACES)
            ),
            batch_size=2000,
        )  # fmt: skip
        entries = [
                Commons(
                    name=f"Commun {i} {rng.choice(WORDS)}", slug=f"commun-{i}",
                    summary=" ".join(rng.sample(WORDS, 6)),
                    description=" ".join(rng.sample(WORDS, 20)),
                    nature=rng.choice(Nature.values), licence="AGPL-3.0",
                    actions=rng.sample(Action.values, 2), domains=rng.sample(Domain.values, 2),
                    network=network,
                )
                for i in range(COMMONS)
        ]  # fmt: skip
        for entry in entries:
            entry.search_stems = stems_of(entry)  # what save() does; bulk_create does not save
        catalogue = Commons.objects.bulk_create(entries, batch_size=1000)
        pairs = {(rng.randrange(COMMONS), rng.randrange(PLACES)) for _ in range(USAGES)}
        Usage.objects.bulk_create(
            (Usage(commons=catalogue[c], place=places[p]) for c, p in pairs), batch_size=2000
        )
        pairs = {(rng.randrange(COMMONS), rng.choice(people)) for _ in range(CONTACTS)}
        Contact.objects.bulk_create(
            (Contact(commons=catalogue[c], user_id=u, helps_with="aider") for c, u in pairs),
            batch_size=2000,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the database first")
    args = parser.parse_args()
    db = mobility_env.BENCH_DIR / "commons-suggestions.sqlite3"
    fresh = args.fresh or not db.exists()
    mobility_env.setup_django(db, fresh=fresh)
    if fresh:
        started = time.perf_counter()
        build()
        print(f"built in {time.perf_counter() - started:.1f} s")

    from maillage.commons.models import Commons, Contact, OrientationRequest, Usage
    from maillage.commons.orientation_selectors import rank_suggestions
    from maillage.networks.models import Network
    from maillage.territory.models import Commune

    rng = random.Random(60)
    network = Network.objects.get(slug="national")
    communes = list(Commune.objects.all()[:500])
    requests = [
        OrientationRequest(
            network=network, token=f"t{i}", need=rng.choice(NEEDS),
            maturity=rng.choice(["idea", "project", "young", "established"]),
            domain=rng.choice(["", "comptabilite", "gouvernance", "fabrication"]),
            commune=rng.choice(communes),
        )
        for i in range(REQUESTS)
    ]  # fmt: skip
    rank_suggestions(request=requests[0])  # warm-up
    timings = []
    for request in requests:
        for _ in range(REPEAT):
            started = time.perf_counter()
            ranked = rank_suggestions(request=request)
            timings.append((time.perf_counter() - started) * 1000)
            assert ranked, "every request gets suggestions on this catalogue"
    print(
        f"catalogue: {Commons.objects.count()} commons, {Usage.objects.count()} usages, "
        f"{Contact.objects.count()} people to call; {REQUESTS} requests × {REPEAT}"
    )
    mobility_env.print_table(
        [
            ("median", f"{statistics.median(timings):.1f} ms"),
            ("p95", f"{mobility_env.percentile(timings, 0.95):.1f} ms   (target ≤ 50 ms)"),
            ("max", f"{max(timings):.1f} ms"),
        ],
        "rank_suggestions (wall clock per request)",
    )


if __name__ == "__main__":
    main()
