"""Where the benchmark installation lives, and the environment that points Django at it.

Everything the benchmark writes stays under `var/bench/` (ignored by git): its own SQLite file,
its own collected static files and secret key. The project's own database is never touched.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DB_FILE = BENCH_DIR / "bench.sqlite3"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def bench_env(*, debug: bool = False) -> dict[str, str]:
    """The environment variables that make `maillage.settings` use the benchmark installation."""
    return {
        "DJANGO_SETTINGS_MODULE": "maillage.settings",
        "MAILLAGE_VAR_DIR": str(BENCH_DIR),
        "DATABASE_URL": f"sqlite:///{DB_FILE}",
        "DEBUG": "true" if debug else "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # Nothing the benchmark does sends mail, but never let it try.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def prepare_var_dir() -> None:
    """Create var/bench/ and let collectstatic find the front-end libraries of var/vendor/."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    vendor = BENCH_DIR / "vendor"
    if not vendor.exists() and (ROOT / "var" / "vendor").exists():
        vendor.symlink_to(ROOT / "var" / "vendor", target_is_directory=True)


def setup_django() -> None:
    """Configure this process for the benchmark database and start Django."""
    prepare_var_dir()
    os.environ.update(bench_env())
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
