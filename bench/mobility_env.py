"""Shared set-up of the mobility benchmarks: their own SQLite file under `var/bench/`.

Each mobility benchmark builds its own database (`var/bench/mobility-<name>.sqlite3`), never the
directory benchmark's `bench.sqlite3` nor the project's `var/maillage.sqlite3`.
"""

import os
import resource
import sys
import time
from pathlib import Path

import benchenv

ROOT = benchenv.ROOT
BENCH_DIR = benchenv.BENCH_DIR


def db_file(name: str) -> Path:
    return BENCH_DIR / f"mobility-{name}.sqlite3"


def env_for(db: Path) -> dict[str, str]:
    env = benchenv.bench_env()
    env["DATABASE_URL"] = f"sqlite:///{db}"
    return env


def setup_django(db: Path, *, fresh: bool) -> None:
    """Point this process at `db` (rebuilt from scratch when `fresh`), migrate and start Django."""
    benchenv.prepare_var_dir()
    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.update(env_for(db))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command

    if fresh:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("createcachetable", verbosity=0)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def print_table(rows: list[tuple[str, str]], header: str) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{header}")
    print("-" * (width + 30))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print("-" * (width + 30))


class Timer:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def step(self, what: str) -> None:
        print(f"  {what}: {time.perf_counter() - self.started:.1f} s", file=sys.stderr)
