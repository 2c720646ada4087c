import pytest

from maillage.observatory import coverage


@pytest.fixture(autouse=True)
def fresh_coverage_cache():
    """The communes table and the coverage results are cached per process: start clean."""
    coverage.clear_cache()
    yield
    coverage.clear_cache()
