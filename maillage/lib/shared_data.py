"""Where the project's shared folder of real public data lives, for tests and benchmarks.

It sits beside the repository (`../shared/data`); `MAILLAGE_SHARED_DATA` points elsewhere.
Tests that need it skip with a clear message when it is absent.
"""

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    """The first folder that exists among the configured, the sibling and the usual locations."""
    candidates = [
        os.environ.get("MAILLAGE_SHARED_DATA", ""),
        str(REPOSITORY.parent / "shared" / "data"),
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return REPOSITORY.parent / "shared" / "data"
