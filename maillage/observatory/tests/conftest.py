import pytest

from maillage.observatory import coverage, selectors


@pytest.fixture(autouse=True)
def fresh_coverage_cache():
    """The communes table, the coverage results and this month's figures are cached per
    process: start clean."""
    coverage.clear_cache()
    selectors.clear_live_cache()
    yield
    coverage.clear_cache()
    selectors.clear_live_cache()
