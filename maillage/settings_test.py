"""Test settings: the production settings with fast hashing and in-memory e-mail."""

import os
import tempfile

from maillage.settings import *  # noqa: F403
from maillage.settings import DATABASES, STORAGES

# SQLite tests run on a file, not shared memory: live-server tests (concurrent bookings) need
# real connections of their own. One file per test process, so parallel runs never collide.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _test_dir = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()  # noqa: S108
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(_test_dir, f"maillage-test-{os.getpid()}.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Private files (imports, receipts, data archives) of one test process, never var/private:
# a FileField takes its storage when the model loads, so tests cannot move it later.
PRIVATE_ROOT = tempfile.mkdtemp(prefix=f"maillage-private-{os.getpid()}-")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,5/5m/key"}
