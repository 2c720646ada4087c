"""Territorial coverage at the scale of France (issue 18's targets), and a yardstick anyone can check.

    .venv/bin/python bench/observatory_coverage.py            # build once, then measure
    .venv/bin/python bench/observatory_coverage.py --fresh    # rebuild the database first

The data lives in var/bench/observatory-coverage.sqlite3 (never the project's database): the
real gazetteer (`load_communes`: every commune, Paris/Lyon/Marseille by arrondissement) and
10,000 open places drawn among real communes in proportion to their population (a few hundred
metres to 3 km from the centre), members of one national network without a territory of its
own (so its coverage is all of France, the overseas départements included).

Measured, wall clock (with the CPU time beside it for the coverage: on a shared machine the wall
clock also counts the time spent waiting for a processor; the load is printed at the end):
1. coverage of every commune against the 10,000 places — nearest place and population within
   20 km — with the grid (`geometry.nearest`, target ≤ 1 s) and, in the same run, the plain
   NumPy brute force (every commune × every place); both must agree;
2. a what-if (the people a new place in a commune would bring within 10 km), p95 of 100 random
   communes (target ≤ 100 ms), and the greedy ranking of the ten best new sites;
3. the observatory pages warm (the network's page ≤ 150 ms; its coverage page too, reported);
4. the yardstick: the population of metropolitan France beyond 10, 20 and 30 km (straight lines
   between commune centres and places) of the 1,512 places of the 2019 national census
   (../shared/data/places/cget_tiers_lieux_2019.csv, their published coordinates as they are).
"""

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

import mobility_env
import numpy as np

PLACES = 10_000
WHAT_IFS = 100
PAGE_REPEAT = 10
CENSUS = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "places"
    / ("cget_tiers_lieux_2019.csv")
)


def build() -> None:
    from django.core.management import call_command
    from django.db import transaction

    from maillage.networks.models import Membership, MembershipStatus, Network
    from maillage.places.models import Place, PlaceStatus
    from maillage.territory.models import Commune

    call_command("load_communes", verbosity=0)
    rng = random.Random(18)
    communes = list(
        Commune.objects.exclude(latitude=None)
        .exclude(zone=Commune.Zone.COM)
        .values_list("code_insee", "latitude", "longitude", "population")
    )
    weights = [max(population, 1) for *_rest, population in communes]
    chosen = rng.choices(communes, weights=weights, k=PLACES)
    with transaction.atomic():
        network = Network.objects.create(
            name="Réseau national (banc d'essai)", slug="national", level="national"
        )
        places = Place.objects.bulk_create(
            (
                Place(
                    name=f"Lieu {i}", slug=f"lieu-{i}", types=[rng.choice(["coworking", "fablab", "cafe"])],
                    commune_id=code, status=PlaceStatus.OPEN, is_published=True,
                    latitude=lat + rng.uniform(-0.025, 0.025), longitude=lon + rng.uniform(-0.03, 0.03),
                )
                for i, (code, lat, lon, _population) in enumerate(chosen)
            ),
            batch_size=2000,
        )  # fmt: skip
        Membership.objects.bulk_create(
            (
                Membership(network=network, place=p, status=MembershipStatus.ACCEPTED)
                for p in places
            ),
            batch_size=2000,
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def census_points() -> tuple[np.ndarray, np.ndarray, int]:
    with CENSUS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lat = np.array([float(r["LAT"]) for r in rows if r["LAT"] and r["LONG"]])
    lon = np.array([float(r["LONG"]) for r in rows if r["LAT"] and r["LONG"]])
    return lat, lon, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fresh", action="store_true", help="rebuild the database first")
    args = parser.parse_args()
    db = mobility_env.BENCH_DIR / "observatory-coverage.sqlite3"
    fresh = args.fresh or not db.exists()
    mobility_env.setup_django(db, fresh=fresh)
    timer = mobility_env.Timer()
    if fresh:
        build()
        timer.step("built")

    from django.test import Client

    from maillage.observatory import coverage, geometry
    from maillage.observatory.registry import resolve_scope
    from maillage.territory.models import Commune

    table = coverage.commune_table()
    scope = resolve_scope("network", "national")
    assert scope is not None
    rows = coverage.territory_indices(table, None)
    lat, lon, pop = table.lat[rows], table.lon[rows], table.population[rows]
    places = coverage.place_points(place_ids=scope.place_ids)
    print(f"{len(rows):,} communes with a centre (zones metro + DROM), {len(places.ids):,} places")

    # 1. Grid against brute force, same figures.
    geometry.nearest(lat[:100], lon[:100], places.lat, places.lon)  # warm-up of NumPy
    grid_times, grid_cpu, brute_times, brute_cpu = [], [], [], []
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        d_grid, _i = geometry.nearest(lat, lon, places.lat, places.lon)
        within_grid = int(pop[d_grid <= 20].sum())
        grid_times.append(time.perf_counter() - started)
        grid_cpu.append(time.process_time() - cpu)
    started, cpu = time.perf_counter(), time.process_time()
    d_brute, _j = geometry.nearest_brute(lat, lon, places.lat, places.lon)
    within_brute = int(pop[d_brute <= 20].sum())
    brute_times.append(time.perf_counter() - started)
    brute_cpu.append(time.process_time() - cpu)
    gap = float(np.max(np.abs(d_grid - d_brute)))
    agree = gap < 1e-6 and within_grid == within_brute
    # End to end, as a page does it: read the places, compute, keep in memory.
    coverage.clear_cache()
    coverage.commune_table()
    started = time.perf_counter()
    result = coverage.coverage_for(scope=scope, source="network")
    end_to_end = time.perf_counter() - started
    mobility_env.print_table(
        [
            ("grid (geometry.nearest)", f"{ms(statistics.median(grid_times))} median of 3   (target ≤ 1 s)"),
            ("  its CPU time (all threads)", f"{ms(statistics.median(grid_cpu))} median of 3"),
            ("brute force (NumPy, all pairs)", ms(brute_times[0])),
            ("  its CPU time (all threads)", ms(brute_cpu[0])),
            ("population within 20 km — grid", f"{within_grid:,}"),
            ("population within 20 km — brute", f"{within_brute:,}"),
            ("largest distance gap", f"{gap:.2e} km"),
            ("results agree", "yes" if agree else "NO"),
            ("coverage_for() end to end, cold", ms(end_to_end)),
        ],
        f"1. Coverage of all communes against {len(places.ids):,} places",
    )  # fmt: skip

    # 2. What-ifs and best sites.
    rng = random.Random(7)
    codes = [table.codes[r] for r in rng.sample(list(rows), WHAT_IFS)]
    result.what_if(code=codes[0], radius_km=10)
    timings = []
    for code in codes:
        started = time.perf_counter()
        result.what_if(code=code, radius_km=10)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    sites = result.best_sites(radius_km=10, count=10)
    greedy_cold = time.perf_counter() - started
    started = time.perf_counter()
    result.best_sites(radius_km=10, count=10)
    greedy_warm = time.perf_counter() - started
    mobility_env.print_table(
        [
            ("what-if p50", f"{mobility_env.percentile(timings, 0.5) * 1000:.1f} ms"),
            ("what-if p95", f"{mobility_env.percentile(timings, 0.95) * 1000:.1f} ms   (target ≤ 100 ms)"),
            ("10 best sites (greedy), first", ms(greedy_cold)),
            ("10 best sites (greedy), again", ms(greedy_warm)),
            ("best site at 10 km", f"{sites[0].name} (+{sites[0].new_people:,} people)" if sites else "—"),
        ],
        f"2. What-if on {WHAT_IFS} random communes (10 km)",
    )  # fmt: skip

    # 3. Pages, warm.
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # the pages name hashed files
    client = Client()
    pages = {
        "network observatory page": "/observatoire/reseau/national/",
        "network coverage page": "/observatoire/reseau/national/couverture/",
        "coverage page with a what-if": "/observatoire/reseau/national/couverture/?commune_code=23096",
    }
    lines = []
    for label, url in pages.items():
        for _ in range(2):
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(PAGE_REPEAT):
            started = time.perf_counter()
            client.get(url, HTTP_HOST="localhost")
            times.append(time.perf_counter() - started)
        target = "   (target ≤ 150 ms)" if label == "network observatory page" else ""
        lines.append(
            (label, f"{ms(statistics.median(times))} median, {ms(max(times))} max{target}")
        )
    mobility_env.print_table(lines, f"3. Pages, warm ({PAGE_REPEAT} requests each)")

    # 4. The yardstick.
    c_lat, c_lon, census_rows = census_points()
    metro = np.flatnonzero(table.zones == Commune.Zone.METRO)
    d_metro, _k = geometry.nearest(table.lat[metro], table.lon[metro], c_lat, c_lon)
    metro_pop = table.population[metro]
    total = int(metro_pop.sum())
    lines = [
        (
            "metropolitan France",
            f"{total:,} people, {len(metro):,} communes (by arrondissement in PLM)",
        )
    ]
    for km in (10, 20, 30):
        far = d_metro > km
        people = int(metro_pop[far].sum())
        lines.append(
            (f"beyond {km} km", f"{people:>12,} people ({100 * people / total:.2f} %), {int(far.sum()):,} communes")
        )  # fmt: skip
    mobility_env.print_table(
        lines,
        f"4. Yardstick: metropolitan France vs the {len(c_lat):,} places of the 2019 census "
        f"({census_rows:,} rows; straight lines between commune centres and places)",
    )
    print(f"peak memory {mobility_env.peak_rss_mb():.0f} MB, load {mobility_env.load_average()}")
    if not agree:
        sys.exit("the grid and the brute force disagree")


if __name__ == "__main__":
    main()
