"""Start-up refuses the example secret key when DEBUG is off (issue 12, item 11)."""

import os
import subprocess
import sys

import pytest

EXAMPLE = "change-me-to-a-long-random-string"


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", "import maillage.settings"],
        env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize("debug", ["false", ""])
def test_the_example_key_stops_the_start_when_debug_is_off(debug):
    result = _import_settings(SECRET_KEY=EXAMPLE, DEBUG=debug)

    assert result.returncode != 0
    assert "valeur d'exemple de .env.example" in result.stderr


def test_the_example_key_is_tolerated_in_debug_and_a_real_key_always():
    assert _import_settings(SECRET_KEY=EXAMPLE, DEBUG="true").returncode == 0
    assert _import_settings(SECRET_KEY="x" * 50, DEBUG="false").returncode == 0
