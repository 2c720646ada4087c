"""The nightly digests of opportunities: 10,000 open calls matched against 10,000 saved searches
(issue 17's target: ≤ 30 s for the whole nightly matching).

    .venv/bin/python bench/opportunities_alerts.py            # build once, then measure
    .venv/bin/python bench/opportunities_alerts.py --fresh    # rebuild the database first

The data lives in var/bench/opportunities-alerts.sqlite3 (never the project's database): 10,000
published open calls (kinds, themes, national or a region / a few departments, amounts) and
10,000 daily saved searches of 2,000 people. Figures: the matching alone (index build + every
search), then the whole `send_digests` pass (reading, matching, composing and recording the
e-mails, one per person), wall clock.
"""

import argparse
import datetime
import random
import time

import mobility_env

CALLS = 10_000
SEARCHES = 10_000
PEOPLE = 2_000
KINDS = ["aap", "ami", "communs", "marche", "subvention", "prix"]
THEMES = [
    "numerique", "fabrication", "alimentation", "culture", "emploi", "transition", "ess",
    "jeunesse", "sante", "mobilite", "ruralite", "communs",
]  # fmt: skip
REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]
DEPARTMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]


def build(now: datetime.datetime) -> None:
    from django.db import transaction

    from maillage.accounts.models import User
    from maillage.networks.models import Network
    from maillage.opportunities.models import Call, SavedSearch

    rng = random.Random(17)
    with transaction.atomic():
        network = Network.objects.create(name="National", slug="national")
        users = User.objects.bulk_create(
            User(email=f"p{i}@bench.example", display_name=f"P{i}") for i in range(PEOPLE)
        )
        calls = []
        for i in range(CALLS):
            national = rng.random() < 0.3
            ceiling = rng.choice([None, 5_000, 20_000, 50_000, 150_000, 500_000])
            calls.append(
                Call(
                    title=f"Appel {i}",
                    slug=f"appel-{i}",
                    kind=rng.choice(KINDS),
                    funder=rng.choice(["ANCT", "Région", "Département", "ADEME", "Fondation"]),
                    amount_max_cents=ceiling * 100 if ceiling else None,
                    deadline=now + datetime.timedelta(days=rng.randint(1, 120)),
                    scope="national" if national else "local",
                    region_codes=[] if national or rng.random() < 0.5 else [rng.choice(REGIONS)],
                    department_codes=[] if national else rng.sample(DEPARTMENTS, rng.randint(0, 3)),
                    themes=rng.sample(THEMES, rng.randint(1, 3)),
                    mode="competitive",
                    network=network,
                    status="published",
                    published_at=now - datetime.timedelta(hours=rng.randint(1, 23)),
                    title_key=f"appel {i}|x",
                    link_key="",
                )
            )
        Call.objects.bulk_create(calls, batch_size=2000)
        searches = []
        for i in range(SEARCHES):
            searches.append(
                SavedSearch(
                    user=users[i % PEOPLE],
                    name=f"Alerte {i}",
                    kinds=rng.sample(KINDS, rng.randint(0, 2)),
                    themes=rng.sample(THEMES, rng.randint(0, 3)),
                    department_codes=rng.sample(DEPARTMENTS, rng.randint(0, 2)),
                    region_codes=[rng.choice(REGIONS)] if rng.random() < 0.3 else [],
                    amount_min_cents=rng.choice([None, None, 1_000_000, 5_000_000]),
                    frequency="daily",
                    last_digest_at=now - datetime.timedelta(days=1),
                    last_notified_at=now - datetime.timedelta(days=1),
                )
            )
        SavedSearch.objects.bulk_create(searches, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the database first")
    args = parser.parse_args()
    db = mobility_env.BENCH_DIR / "opportunities-alerts.sqlite3"
    fresh = args.fresh or not db.exists()
    mobility_env.setup_django(db, fresh=fresh)
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now().replace(microsecond=0)
    if fresh:
        started = time.perf_counter()
        build(now)
        print(f"built in {time.perf_counter() - started:.1f} s")

    from maillage.notifications.models import OutgoingEmail
    from maillage.opportunities import alerts
    from maillage.opportunities.models import Call, SavedSearch

    searches = list(SavedSearch.objects.all())
    since = min(s.last_digest_at for s in searches)
    started = time.perf_counter()
    calls = alerts._open_calls(now, since)
    read = time.perf_counter() - started
    started = time.perf_counter()
    index = alerts.CallIndex(alerts.call_rows(calls))
    indexed = time.perf_counter() - started
    started = time.perf_counter()
    matched = 0
    for search in searches:
        matched += index.match_array(alerts.search_row(search, since=search.last_digest_at)).size
    matching = time.perf_counter() - started

    # The whole nightly pass, rolled back so the bench can run again on the same data.
    started = time.perf_counter()
    with transaction.atomic():
        sent = alerts.send_digests(now=now + datetime.timedelta(minutes=1))
        recorded = OutgoingEmail.objects.count()
        transaction.set_rollback(True)
    whole = time.perf_counter() - started
    print(
        f"{len(calls)} open calls (of {Call.objects.count()}), {len(searches)} saved searches; "
        f"{matched} (search, call) matches"
    )
    mobility_env.print_table(
        [
            ("read the calls", f"{read:.2f} s"),
            ("index (numpy masks)", f"{indexed:.2f} s"),
            ("match every search", f"{matching:.2f} s"),
            (
                "whole send_digests",
                f"{whole:.2f} s   (target ≤ 30 s), {sent} e-mails, {recorded} recorded",
            ),
            ("peak memory", f"{mobility_env.peak_rss_mb():.0f} MB"),
        ],
        "nightly digests (wall clock)",
    )


if __name__ == "__main__":
    main()
