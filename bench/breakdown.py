"""Where the time of a search and of the France GeoJSON goes, in-process, on the benchmark data.

    .venv/bin/python bench/breakdown.py

No HTTP here (run.py measures that): the search selectors are called directly, with and without
facet counts, and the SQL they run is counted and timed, so a slow line of run.py can be pinned
on a part of the code. Best of five warm runs per figure.
"""

import gzip
import json
import sys
import time
from collections.abc import Callable
from urllib.parse import urlencode

import benchenv


def best(function: Callable[[], object], runs: int = 5) -> tuple[float, object]:
    function()
    timings = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return min(timings) * 1000, result


def main() -> int:
    if not benchenv.DB_FILE.exists():
        print("Pas de base de banc d'essai : lancez d'abord .venv/bin/python bench/generate.py")
        return 2
    benchenv.setup_django()
    import run
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.directory.search.filters import SearchFilters
    from maillage.directory.search.people import search_people
    from maillage.directory.search.selectors import facet_counts, map_features, search

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"charge moyenne : {run.load_average()}")
    print(
        f"{'page (ms)':>9} {'search':>7} {'sans facettes':>13} {'facettes':>8} "
        f"{'personnes':>9} {'SQL n':>5} {'SQL ms':>6}  requête"
    )
    for params in [*run.SEARCHES, *({"q": text} for text in run.FULL_TEXT)]:
        query = urlencode(params)
        filters, _notices = SearchFilters.from_query(QueryDict(query))
        page_ms, _r = best(lambda q=query: client.get(f"{run.SEARCH_PATH}?{q}"))
        with_ms, found = best(lambda f=filters: search(f))
        without_ms, _r = best(lambda f=filters: search(f, facets=False))
        facets_ms, _r = best(lambda f=filters: facet_counts(f))
        people_ms, _r = best(lambda f=filters: search_people(f, user=AnonymousUser()))
        with CaptureQueriesContext(connection) as queries:
            client.get(f"{run.SEARCH_PATH}?{query}")
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(
            f"{page_ms:9.1f} {with_ms:7.1f} {without_ms:13.1f} {facets_ms:8.1f} {people_ms:9.1f} "
            f"{len(queries.captured_queries):5d} {sql_ms:6.1f}  {query} "
            f"({found.total} lieux)"  # type: ignore[attr-defined]
        )

    everything = SearchFilters()
    features_ms, collection = best(lambda: map_features(everything))
    dumps_ms, body = best(lambda: json.dumps(collection, separators=(",", ":")).encode())
    gzip_ms, packed = best(lambda: gzip.compress(body, compresslevel=6))  # type: ignore[arg-type]
    page_ms, _r = best(lambda: client.get(run.GEOJSON_PATH, headers={"accept-encoding": "gzip"}))
    print(
        f"\nGeoJSON France : réponse {page_ms:.0f} ms = map_features {features_ms:.0f} ms "
        f"+ json.dumps {dumps_ms:.0f} ms + gzip {gzip_ms:.0f} ms (+ le reste) ; "
        f"{len(body) / 1000:.0f} ko, {len(packed) / 1000:.0f} ko en gzip"  # type: ignore[arg-type]
    )
    features = collection["features"]  # type: ignore[index]
    for key in features[0]["properties"]:
        slim = [
            {**f, "properties": {k: v for k, v in f["properties"].items() if k != key}}
            for f in features
        ]
        size = len(gzip.compress(json.dumps({"features": slim}, separators=(",", ":")).encode()))
        print(f"  sans la propriété « {key} » : {size / 1000:.0f} ko en gzip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
