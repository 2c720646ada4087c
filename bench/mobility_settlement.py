"""Monthly settlement of 1,000,000 visits across 10,000 places, with the app's own functions.

    .venv/bin/python bench/mobility_settlement.py           # build (≈ 1 min) then measure
    .venv/bin/python bench/mobility_settlement.py --keep    # reuse the database, measure only
    .venv/bin/python bench/mobility_settlement.py --scale 0.1

Builds `var/bench/mobility-settlement.sqlite3` with bulk inserts and a fixed seed (two runs give
the same rows): one network, a pass scheme, 10,000 host places (offer, ledger account each),
100,000 members holding a pass, each making 10 visits on 10 different weekdays of last month at
other places (97 % checked in, 3 % charged no-shows), one host payment transfer pool → host per
visit and a reversal for one visit in 200 — 1,000,000 bookings and ≈ 1,005,000 transfers. The
cached balances are set from the transfers, so `ledger_check` must pass.

The measures run in a fresh process (so its peak resident memory is the settlement's own):
`settlement.settle_month` (every place's totals and the flows matrix, open month: one grouped
query on ids), `settlement.close_month` (the same plus every line, streamed into the compact
JSON snapshot; its RSS max is the process's peak, the highest of all steps), `settle_month` of the closed
month (read back from the snapshot), one place's statement (open month, as its page computes
it), the older per-place `selectors.place_statement` on a sample (extrapolated to every place),
and `ledger_check`. Target: the month's settlement ≤ 10 s on SQLite.
"""

import argparse
import datetime
import json
import random
import subprocess
import sys
import time
import tracemalloc

import mobility_env

SEED = 5
PLACES = 10_000
MEMBERS = 100_000
VISITS_PER_MEMBER = 10
DAY_RATE, HALF_DAY_RATE = 1500, 800
BATCH = 50_000
# The figures before the settlement was reworked (commit f94ffbe, same rows, quiet machine):
# printed next to the new ones.
BEFORE = {"settle": 13.7, "close": 51, "close_rss": 5000}


def the_month() -> datetime.date:
    """Last month: a month that is over, so it can be closed."""
    return (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def weekdays(month: datetime.date) -> list[datetime.date]:
    days, day = [], month
    while day.month == month.month:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def insert(cursor, table: str, columns: list[str], rows) -> int:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            cursor.executemany(sql, batch)
            count += len(batch)
            batch = []
    cursor.executemany(sql, batch)
    return count + len(batch)


def generate(*, scale: float, seed: int) -> dict[str, int]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from maillage.accounts.models import User
    from maillage.ledger.models import Account, Transfer, content_type_for
    from maillage.mobility.models import (
        Booking,
        HostDay,
        HostOffer,
        Pass,
        Scheme,
        SchemeModel,
        SchemeVersion,
    )
    from maillage.networks.models import Membership, MembershipStatus, Network
    from maillage.places.models import Place, PlaceRole

    rng = random.Random(seed)
    n_places = max(10, round(PLACES * scale))
    n_members = max(10, round(MEMBERS * scale))
    month = the_month()
    days = weekdays(month)
    timer = mobility_env.Timer()
    stamp = f"{month.isoformat()} 08:00:00"
    password = make_password("bench-maillage")
    counts: dict[str, int] = {}

    with transaction.atomic():
        network = Network.objects.create(
            name="Réseau national de banc d'essai", slug="reseau-banc", level=Network.Level.NATIONAL
        )
        scheme = Scheme.objects.create(network=network, name="Pass banc", model=SchemeModel.PASS)
        SchemeVersion.objects.create(
            scheme=scheme,
            effective_from=month - datetime.timedelta(days=365),
            monthly_price_cents=3000,
            quota_days=12,
            day_rate_cents=DAY_RATE,
            half_day_rate_cents=HALF_DAY_RATE,
        )
        cursor = connection.connection.cursor()  # the raw sqlite3 cursor: fastest executemany
        t = {m.__name__: m._meta.db_table for m in (Place, PlaceRole, Membership, HostOffer,
             HostDay, User, Pass, Account, Booking, Transfer)}  # fmt: skip
        counts["places"] = insert(
            cursor,
            t["Place"],
            ["id", "name", "slug", "types", "summary", "description", "status", "address",
             "address_complement", "postal_code", "opening_hours", "opening_hours_note",
             "access_step_free", "access_toilets", "access_parking", "access_hearing_loop",
             "access_public_transport", "accessibility_note", "acceslibre_url", "email", "phone",
             "website", "is_published", "external_id", "source", "freshness_score",
             "confirmation_count", "created_at", "updated_at"],
            ((p, f"Tiers-lieu {p:05d}", f"tiers-lieu-{p:05d}", '["coworking"]', "", "", "open",
              "", "", "", "{}", "", 0, 0, 0, 0, 0, "", "", "", "", "", 1, "", "bench", 0, 0,
              stamp, stamp) for p in range(1, n_places + 1)),
        )  # fmt: skip
        insert(
            cursor,
            t["Membership"],
            ["network_id", "place_id", "status", "motivation", "charter_text", "reason",
             "applied_at", "updated_at"],
            ((network.pk, p, MembershipStatus.ACCEPTED.value, "", "", "", stamp, stamp)
             for p in range(1, n_places + 1)),
        )  # fmt: skip
        insert(
            cursor,
            t["HostOffer"],
            ["id", "place_id", "desks_monday", "desks_tuesday", "desks_wednesday",
             "desks_thursday", "desks_friday", "desks_saturday", "desks_sunday", "closed_dates",
             "half_days_allowed", "instructions", "approval_required", "approval_hours",
             "is_active", "updated_at"],
            ((p, p, 10, 10, 10, 10, 10, 0, 0, "[]", 1, "", 0, 48, 1, stamp)
             for p in range(1, n_places + 1)),
        )  # fmt: skip
        # Host day id of (place p, day index d): (p - 1) * len(days) + d + 1.
        counts["host days"] = insert(
            cursor,
            t["HostDay"],
            ["id", "offer_id", "day", "am_booked", "pm_booked"],
            (((p - 1) * len(days) + d + 1, p, day.isoformat(), 0, 0)
             for p in range(1, n_places + 1) for d, day in enumerate(days)),
        )  # fmt: skip
        timer.step("places, offers, host days")
        counts["members"] = insert(
            cursor,
            t["User"],
            ["id", "password", "is_superuser", "first_name", "last_name", "is_staff",
             "is_active", "date_joined", "email", "display_name", "bio", "phone"],
            ((u, password, 0, "", "", 0, 1, stamp, f"membre{u}@bench.maillage.invalid",
              f"Membre {u}", "", "") for u in range(1, n_members + 1)),
        )  # fmt: skip
        homes = [rng.randint(1, n_places) for _ in range(n_members)]
        insert(
            cursor,
            t["PlaceRole"],
            ["place_id", "user_id", "role", "created_at"],
            ((homes[u - 1], u, "member", stamp) for u in range(1, n_members + 1)),
        )
        insert(
            cursor,
            t["Pass"],
            ["id", "scheme_id", "holder_id", "home_place_id", "status", "starts_on", "created_at"],
            ((u, scheme.pk, u, homes[u - 1], "active", month.isoformat(), stamp)
             for u in range(1, n_members + 1)),
        )  # fmt: skip
        timer.step("members and passes")
        # Accounts: 1 = the pool, 1 + p = place p (owned by the place).
        place_type, booking_type = content_type_for(Place).pk, content_type_for(Booking).pk
        insert(
            cursor,
            t["Account"],
            ["id", "network_id", "kind", "owner_type_id", "owner_id", "label", "balance_cents",
             "created_at"],
            [(1, network.pk, "pool", None, None, "", 0, stamp)]
            + [(1 + p, network.pk, "place", place_type, p, "", 0, stamp)
               for p in range(1, n_places + 1)],
        )  # fmt: skip

        bookings, transfers = [], []
        booking_id = transfer_id = 0
        for u in range(1, n_members + 1):
            home = homes[u - 1]
            for d in sorted(rng.sample(range(len(days)), VISITS_PER_MEMBER)):
                host = rng.randint(1, n_places - 1)
                host += host >= home  # never the member's own place
                half = rng.choices(("full", "am", "pm"), weights=(8, 1, 1))[0]
                status = "no_show" if rng.random() < 0.03 else "checked_in"
                booking_id += 1
                day = days[d].isoformat()
                at = f"{day} 17:00:00"
                bookings.append(
                    (booking_id, u, host, (host - 1) * len(days) + d + 1, day, half, status,
                     f"bench:{booking_id}", at, at if status == "checked_in" else None,
                     "manager" if status == "checked_in" else "", at)
                )  # fmt: skip
                amount = DAY_RATE if half == "full" else HALF_DAY_RATE
                transfer_id += 1
                reason = "host_payment" if status == "checked_in" else "no_show"
                transfers.append(
                    (transfer_id, 1, 1 + host, amount, reason, "", booking_type, booking_id,
                     f"visit:{booking_id}", None, f"{day} 18:00:00")
                )  # fmt: skip
                if booking_id % 200 == 0:
                    transfer_id += 1
                    transfers.append(
                        (transfer_id, 1 + host, 1, amount, "reversal", "", booking_type,
                         booking_id, f"reversal:{booking_id}", transfer_id - 1,
                         f"{day} 19:00:00")
                    )  # fmt: skip
        timer.step(f"{len(bookings)} visits drawn")
        counts["visits"] = insert(
            cursor,
            t["Booking"],
            ["id", "member_pass_id", "offer_id", "host_day_id", "day", "half", "status",
             "idempotency_key", "decided_at", "checked_in_at", "check_in_method", "created_at"],
            bookings,
        )  # fmt: skip
        del bookings
        timer.step("visits saved")
        counts["transfers"] = insert(
            cursor,
            t["Transfer"],
            ["id", "debit_id", "credit_id", "amount_cents", "reason", "memo", "cause_type_id",
             "cause_id", "idempotency_key", "reverses_id", "created_at"],
            transfers,
        )  # fmt: skip
        del transfers
        timer.step("transfers saved")
        # The cached balances, from the transfers (what post_transfer keeps up to date).
        a, tr = t["Account"], t["Transfer"]
        cursor.execute(
            f"""UPDATE {a} SET balance_cents =
                  COALESCE((SELECT SUM(amount_cents) FROM {tr} WHERE credit_id = {a}.id), 0)
                - COALESCE((SELECT SUM(amount_cents) FROM {tr} WHERE debit_id = {a}.id), 0)"""
        )
        # The host-day counters, from the bookings.
        hd, b = t["HostDay"], t["Booking"]
        cursor.execute(
            f"""UPDATE {hd} SET
                am_booked = (SELECT COUNT(*) FROM {b} WHERE host_day_id = {hd}.id
                             AND half IN ('full', 'am')),
                pm_booked = (SELECT COUNT(*) FROM {b} WHERE host_day_id = {hd}.id
                             AND half IN ('full', 'pm'))"""
        )
        timer.step("balances and counters")
    with connection.cursor() as c:
        c.execute("ANALYZE")
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    timer.step("ANALYZE")
    return counts


# --- the measures (in a fresh process) --------------------------------------------------------


def timed(label: str, function, *, trace: bool = False) -> tuple[object, dict]:
    from django.db import connection

    count = {"queries": 0}

    def counter(execute, sql, params, many, context):
        count["queries"] += 1
        return execute(sql, params, many, context)

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = function()
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s", file=sys.stderr)
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, {
        "label": label,
        "seconds": seconds,
        "queries": count["queries"],
        "rss": mobility_env.peak_rss_mb(),
        "traced": peak,
    }


def measure(*, sample: int) -> list[dict]:
    from django.core.management import call_command

    from maillage.mobility import selectors, settlement
    from maillage.mobility.models import ClosedMonth
    from maillage.networks.models import Network
    from maillage.places.models import Place

    # Queries are counted by an execute wrapper: with DEBUG, Django would keep a copy of every
    # statement with its parameters (the closed month's 100 MB snapshot among them).
    network = Network.objects.get(slug="reseau-banc")
    month = the_month()
    ClosedMonth.objects.filter(network=network).delete()  # --keep: measure an open month again
    lines = [{"label": "départ (Django chargé)", "seconds": 0.0, "queries": 0,
              "rss": mobility_env.peak_rss_mb(), "traced": None}]  # fmt: skip

    result, line = timed(
        "settle_month (mois ouvert) : tous les relevés + flux",
        lambda: settlement.settle_month(network=network, month=month),
    )
    line["note"] = (
        f"{len(result.statements)} relevés, {sum(len(s.lines) for s in result.statements.values())}"
        f" lignes, {len(result.flows)} flux, {result.visits} visites"
    )
    lines.append(line)
    del result
    _, line = timed(
        "  le même sous tracemalloc (pic Python)",
        lambda: settlement.settle_month(network=network, month=month),
        trace=True,
    )
    lines.append(line)

    places = list(Place.objects.order_by("pk")[:sample])
    started = time.perf_counter()
    for place in places:
        settlement.place_statement(place=place, network=network, month=month)
    one = (time.perf_counter() - started) / len(places)
    lines.append({"label": f"relevé d'un lieu (settlement.place_statement, moyenne de {sample})",
                  "seconds": one, "queries": None, "rss": mobility_env.peak_rss_mb(),
                  "traced": None})  # fmt: skip
    if hasattr(selectors, "place_statement"):
        places = places[:3]  # seconds per place at full size
        started = time.perf_counter()
        for place in places:
            selectors.place_statement(place=place, network=network, month=month)
        per = (time.perf_counter() - started) / len(places)
        count = Place.objects.count()
        lines.append({"label": f"ancien selectors.place_statement × {count} (extrapolé de {len(places)})",
                      "seconds": per * count, "queries": 2 * count,
                      "rss": mobility_env.peak_rss_mb(), "traced": None,
                      "note": f"{per * 1000:.0f} ms par lieu"})  # fmt: skip
    if hasattr(selectors, "network_flows"):
        flows, line = timed(
            "ancien selectors.network_flows (matrice seule)",
            lambda: selectors.network_flows(network=network, month=month),
        )
        line["note"] = f"{len(flows)} flux"
        lines.append(line)

    closed, line = timed(
        "close_month : calcul + instantané JSON figé",
        lambda: settlement.close_month(network=network, month=month, by=None),
    )
    line["note"] = (
        f"{closed.visits} visites, instantané {len(json.dumps(closed.snapshot)) / 2**20:.0f} Mo"
    )
    lines.append(line)
    again, line = timed(
        "settle_month (mois clôturé, relu de l'instantané)",
        lambda: settlement.settle_month(network=network, month=month),
    )
    line["note"] = f"{len(again.statements)} relevés"
    lines.append(line)
    del again

    def check() -> str:
        import io

        out = io.StringIO()
        try:
            call_command("ledger_check", stdout=out, stderr=out)
        except SystemExit:
            return "ÉCHEC " + out.getvalue().strip().replace("\n", " ; ")
        return out.getvalue().strip().replace("\n", " ; ")

    verdict, line = timed("ledger_check (tous les virements)", check)
    line["note"] = verdict
    lines.append(line)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="reuse an existing database")
    parser.add_argument("--sample", type=int, default=20, help="places for per-place timings")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    db = mobility_env.db_file("settlement")

    if args.measure:
        mobility_env.setup_django(db, fresh=False)
        print(json.dumps(measure(sample=args.sample)))
        return 0

    if not (args.keep and db.exists()):
        started = time.perf_counter()
        mobility_env.setup_django(db, fresh=True)
        counts = generate(scale=args.scale, seed=args.seed)
        built = ", ".join(f"{n:,} {what}" for what, n in counts.items())
        print(
            f"Base construite en {time.perf_counter() - started:.0f} s : {built}", file=sys.stderr
        )
    load_before = mobility_env.load_average()
    out = subprocess.run(
        [sys.executable, __file__, "--measure", "--sample", str(args.sample)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    lines = json.loads(out.strip().splitlines()[-1])
    load_after = mobility_env.load_average()

    width = max(len(line["label"]) for line in lines)
    print(f"\nRèglement mensuel — SQLite, {db.name}, mois de {the_month():%m/%Y} ; "
          f"charge {load_before} → {load_after}")  # fmt: skip
    print(f"{'étape':<{width}}  {'secondes':>8}  {'requêtes':>8}  {'RSS max':>8}  {'pic py':>7}")
    print("-" * (width + 45))
    for line in lines:
        queries = "" if line["queries"] is None else str(line["queries"])
        traced = "" if line["traced"] is None else f"{line['traced']:.0f} Mo"
        print(
            f"{line['label']:<{width}}  {line['seconds']:>8.2f}  {queries:>8}  "
            f"{line['rss']:>5.0f} Mo  {traced:>7}  {line.get('note', '')}"
        )
    print("-" * (width + 45))
    settle = lines[1]["seconds"]
    close = next(line for line in lines if line["label"].startswith("close_month"))
    print("avant/après (avant : mesures du commit f94ffbe, machine calme) :")
    print(f"  settle_month : {BEFORE['settle']:.1f} s → {settle:.1f} s")
    print(
        f"  close_month  : {BEFORE['close']:.0f} s, RSS max ≈ {BEFORE['close_rss']:,} Mo → "
        f"{close['seconds']:.1f} s, RSS max {close['rss']:,.0f} Mo"
    )
    verdict = "PASS" if settle <= 10 else "FAIL"
    print(f"objectif : règlement du mois ≤ 10 s → {settle:.2f} s {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
