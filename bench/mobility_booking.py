"""Booking throughput over HTTP: concurrent clients against gunicorn, then overbookings from the DB.

    .venv/bin/python bench/mobility_booking.py                  # 16 clients, 4 workers
    .venv/bin/python bench/mobility_booking.py --clients 32 --workers 2 --requests 6

Builds `var/bench/mobility-booking.sqlite3` from scratch (one network, one pass scheme, 50 host
places with 3–10 desks per weekday, 500 members holding a pass of 4 days a month), starts
gunicorn against it, and has N client threads POST the booking form (`mobility:book`), each
request with its own idempotency key, one in ten sent a second time with the same key. Popular
hosts fill up, members ask for more days than their quota and twice for the same day, so every
refusal path under load is exercised. Afterwards, from the database: host days with more
bookings than desks, passes over quota, a member booked twice the same half day, the host-day
counters against the bookings, and `ledger_check` (after charging every pass's monthly fee).
"""

import argparse
import datetime
import http.client
import queue
import random
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass

import mobility_env

SEED = 4
HOSTS = 50
MEMBERS = 500
QUOTA_DAYS = 4
BOOKING_DAYS = 6  # the first weekdays of next month
CSRF = "b" * 32  # an unmasked CSRF secret: the cookie and the header carry the same value
GUNICORN = str(mobility_env.ROOT / ".venv" / "bin" / "gunicorn")
PY = str(mobility_env.ROOT / ".venv" / "bin" / "python")

# The French answers of `book_visit`, by reason (the body of a 409 contains one of them).
REASONS = {
    "Complet": "complet (plus de poste)",
    "Quota atteint": "quota atteint",
    "déjà une réservation": "déjà réservé ce jour-là",
    "déjà servi pour une autre": "clé déjà utilisée",
    "votre lieu d'attache": "lieu d'attache",
    "n'accueille pas": "fermé / hors formule",
}


@dataclass
class Request:
    session: str
    slug: str
    form: dict[str, str]
    replay: bool = False


@dataclass
class Result:
    request: Request
    status: int
    seconds: float
    reason: str


def booking_days() -> list[datetime.date]:
    today = datetime.date.today()
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    days = []
    day = first
    while len(days) < BOOKING_DAYS:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def build(rng: random.Random, *, requests_per_member: int) -> list[Request]:
    """Create the installation; return the planned requests (replays included), shuffled."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from maillage.accounts.models import User
    from maillage.mobility.models import (
        WEEKDAY_FIELDS,
        HostOffer,
        Pass,
        Scheme,
        SchemeModel,
        SchemeVersion,
    )
    from maillage.networks.models import Membership, MembershipStatus, Network
    from maillage.places.models import Place, PlaceRole

    today = datetime.date.today()
    password = make_password("bench-maillage")
    with transaction.atomic():
        network = Network.objects.create(
            name="Réseau de banc d'essai", slug="reseau-banc", level=Network.Level.REGIONAL
        )
        places = Place.objects.bulk_create(
            Place(name=f"Lieu d'accueil {n:02d}", slug=f"lieu-accueil-{n:02d}", types=["coworking"])
            for n in range(HOSTS)
        )
        Membership.objects.bulk_create(
            Membership(network=network, place=p, status=MembershipStatus.ACCEPTED) for p in places
        )
        HostOffer.objects.bulk_create(
            HostOffer(place=p, **{field: rng.randint(3, 10) for field in WEEKDAY_FIELDS})
            for p in places
        )
        scheme = Scheme.objects.create(network=network, name="Pass banc", model=SchemeModel.PASS)
        SchemeVersion.objects.create(
            scheme=scheme,
            effective_from=today,
            monthly_price_cents=3000,
            quota_days=QUOTA_DAYS,
            day_rate_cents=1500,
            half_day_rate_cents=800,
        )
        users = User.objects.bulk_create(
            User(email=f"membre{n}@bench.maillage.invalid", password=password)
            for n in range(MEMBERS)
        )
        homes = [rng.choice(places) for _ in users]
        PlaceRole.objects.bulk_create(
            PlaceRole(place=home, user=u, role=PlaceRole.Role.MEMBER)
            for u, home in zip(users, homes, strict=True)
        )
        passes = Pass.objects.bulk_create(
            Pass(scheme=scheme, holder=u, home_place=home, starts_on=today)
            for u, home in zip(users, homes, strict=True)
        )
    backend = settings.AUTHENTICATION_BACKENDS[0]
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)

    # A fifth of the hosts draw most of the demand, so they are full ("complet").
    weights = [8 if n < HOSTS // 5 else 1 for n in range(HOSTS)]
    days = booking_days()
    planned: list[Request] = []
    for pass_, home, session in zip(passes, homes, sessions, strict=True):
        for _ in range(requests_per_member):
            host = home
            while host == home:
                host = rng.choices(places, weights=weights)[0]
            half = rng.choices(["full", "am", "pm"], weights=[8, 1, 1])[0]
            form = {
                "pass_": str(pass_.pk),
                "day": rng.choice(days).isoformat(),
                "half": half,
                "idempotency_key": uuid.uuid4().hex,
            }
            planned.append(Request(session, host.slug, form))
    replays = [
        Request(r.session, r.slug, r.form, replay=True)
        for r in rng.sample(planned, len(planned) // 10)
    ]
    requests = planned + replays
    rng.shuffle(requests)
    return requests


def post(port: int, request: Request) -> Result:
    path = f"/mobilite/accueil/{request.slug}/reserver/"
    body = urllib.parse.urlencode(request.form)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={request.session}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "Host": "127.0.0.1",
    }
    started = time.perf_counter()
    for attempt in range(20):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            break
        except (ConnectionResetError, ConnectionRefusedError, http.client.RemoteDisconnected):
            time.sleep(0.05 * (attempt + 1))  # retried with the same key, as a browser would
        finally:
            connection.close()
    else:
        return Result(request, 0, time.perf_counter() - started, "pas de réponse")
    seconds = time.perf_counter() - started
    status = response.status
    if status == 302:
        reason = "rejouée" if request.replay else "réservée"
    elif status == 409:
        reason = next((label for text_, label in REASONS.items() if text_ in text), "autre 409")
    else:
        reason = f"HTTP {status}"
    return Result(request, status, seconds, reason)


def fire(port: int, requests: list[Request], clients: int) -> tuple[list[Result], float]:
    todo: queue.SimpleQueue[Request] = queue.SimpleQueue()
    for request in requests:
        todo.put(request)
    results: list[Result] = []
    lock = threading.Lock()

    def client() -> None:
        while True:
            try:
                request = todo.get_nowait()
            except queue.Empty:
                return
            result = post(port, request)
            with lock:
                results.append(result)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def start_gunicorn(db, workers: int) -> tuple[subprocess.Popen, int]:
    import os
    import socket

    env = {**os.environ, **mobility_env.env_for(db)}
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=mobility_env.ROOT,
        env=env,
        check=True,
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (mobility_env.BENCH_DIR / "mobility-gunicorn.log").open("w")
    process = subprocess.Popen(
        [GUNICORN, "maillage.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--backlog", "2048"],
        cwd=mobility_env.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn s'est arrêté : voir var/bench/mobility-gunicorn.log")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn ne répond pas")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def database_checks() -> list[tuple[str, str]]:
    """Overbookings and quota excesses computed from the rows, plus the ledger check."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from maillage.mobility.models import HOLDING_STATUSES, Booking, HostDay, HostOffer, Pass
    from maillage.mobility.services import charge_pass_fee

    holding = [str(s) for s in HOLDING_STATUSES]
    marks = ", ".join(["%s"] * len(holding))
    b, hd = Booking._meta.db_table, HostDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT offer_id, day,
                       SUM(CASE WHEN half IN ('full', 'am') THEN 1 ELSE 0 END),
                       SUM(CASE WHEN half IN ('full', 'pm') THEN 1 ELSE 0 END)
                FROM {b} WHERE status IN ({marks}) GROUP BY offer_id, day""",
            holding,
        )
        taken = {(offer, str(day)): (am, pm) for offer, day, am, pm in cursor.fetchall()}
        cursor.execute(f"SELECT offer_id, day, am_booked, pm_booked FROM {hd}")
        counters = {(offer, str(day)): (am, pm) for offer, day, am, pm in cursor.fetchall()}
        cursor.execute(
            f"""SELECT member_pass_id, day,
                       SUM(CASE WHEN half IN ('full', 'am') THEN 1 ELSE 0 END),
                       SUM(CASE WHEN half IN ('full', 'pm') THEN 1 ELSE 0 END)
                FROM {b} WHERE status IN ({marks}) GROUP BY member_pass_id, day""",
            holding,
        )
        twice = sum(1 for _, _, am, pm in cursor.fetchall() if am > 1 or pm > 1)
        cursor.execute(
            f"""SELECT member_pass_id, strftime('%%Y-%%m', day),
                       SUM(CASE WHEN half = 'full' THEN 2 ELSE 1 END)
                FROM {b} WHERE status IN ({marks}) GROUP BY 1, 2""",
            holding,
        )
        over_quota = sum(1 for _, _, halves in cursor.fetchall() if halves > 2 * QUOTA_DAYS)
    offers = {o.pk: o for o in HostOffer.objects.all()}
    overbooked = 0
    for (offer_id, day), (am, pm) in taken.items():
        capacity = offers[offer_id].desks_on(datetime.date.fromisoformat(day[:10]))
        overbooked += int(am > capacity) + int(pm > capacity)
    drift = sum(1 for key, value in counters.items() if taken.get(key, (0, 0)) != value)
    full_days = 0
    for (offer_id, day), (am, pm) in taken.items():
        capacity = offers[offer_id].desks_on(datetime.date.fromisoformat(day[:10]))
        full_days += int(am >= capacity and pm >= capacity)

    month = booking_days()[0]
    for pass_ in Pass.objects.select_related("scheme__network", "holder"):
        charge_pass_fee(pass_=pass_, month=month)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ledger_check", stdout=out, stderr=err)
        ledger = "OK — " + out.getvalue().strip().replace("\n", " ; ")
    except SystemExit:
        ledger = "ÉCHEC — " + (out.getvalue() + err.getvalue()).strip().replace("\n", " ; ")
    return [
        ("réservations en base", f"{Booking.objects.count()} ({len(taken)} journées d'accueil)"),
        ("journées d'accueil complètes", str(full_days)),
        ("SURRÉSERVATIONS (demi-journées au-delà des postes)", f"{overbooked}  (doit être 0)"),
        ("pass au-delà du quota", f"{over_quota}  (doit être 0)"),
        ("membre réservé deux fois la même demi-journée", f"{twice}  (doit être 0)"),
        ("compteurs HostDay ≠ réservations", f"{drift}  (doit être 0)"),
        ("ledger_check (après cotisations des pass)", ledger),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--requests", type=int, default=6, help="booking requests per member")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    db = mobility_env.db_file("booking")
    timer = mobility_env.Timer()
    mobility_env.setup_django(db, fresh=True)
    timer.step("migrate")
    requests = build(random.Random(args.seed), requests_per_member=args.requests)
    timer.step(f"installation ({len(requests)} requêtes prévues)")
    load_before = mobility_env.load_average()
    process, port = start_gunicorn(db, args.workers)
    try:
        results, wall = fire(port, requests, args.clients)
    finally:
        stop(process)
    load_after = mobility_env.load_average()

    latencies = [r.seconds * 1000 for r in results]
    reasons = Counter(r.reason for r in results)
    booked = reasons["réservée"]
    rows = [
        ("requêtes (dont rejouées avec la même clé)",
         f"{len(results)} ({sum(r.request.replay for r in results)})"),
        ("durée", f"{wall:.2f} s"),
        ("débit", f"{len(results) / wall:.1f} requêtes/s, {booked / wall:.1f} réservations/s"),
        ("latence p50 / p95 / max",
         f"{mobility_env.percentile(latencies, 0.5):.0f} / "
         f"{mobility_env.percentile(latencies, 0.95):.0f} / {max(latencies):.0f} ms"),
    ]  # fmt: skip
    rows += [(f"  → {reason}", str(count)) for reason, count in reasons.most_common()]
    checks = database_checks()
    mobility_env.print_table(
        rows + checks,
        f"Réservations concurrentes — {args.clients} clients, gunicorn {args.workers} workers, "
        f"SQLite, {HOSTS} lieux, {MEMBERS} membres ; charge {load_before} → {load_after}",
    )
    failed = any(
        value.split()[0] != "0" for label, value in checks if "doit être 0" in value
    ) or not checks[-1][1].startswith("OK")
    errors = sum(count for reason, count in reasons.items() if reason.startswith(("HTTP", "pas")))
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
